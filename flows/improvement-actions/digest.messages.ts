/**
 * Every word of the weekly manager digest (improvement-digest job): overdue actions in the manager's area oldest
 * first (owner, days overdue, deferrals, an Open button), how many fall due in the next 7 days, and the people the
 * bot could not reach about them. Neutral blocks only; dates are days, judged in the manager's own zone.
 */
import { daysOverdue, type Improvement } from '../../src/domain/improvement';
import type { Block, Message, RichText } from '../../src/engine/message';
import { id } from './improvement-actions.ids';
import { dayWords, statusWords } from './improvement-actions.messages';

/** The digest's buttons: Open shows the entry's card to whoever presses it (the flow routes it to the look-up). */
export const DIGEST_ACTIONS = { open: 'open' } as const;

/** How many overdue entries are listed one by one (each a text and a button: chat platforms cap blocks). */
export const DIGEST_OVERDUE_LIMIT = 15;
/** How many entries due soon are named (the count is always exact). */
export const DIGEST_DUE_SOON_LIMIT = 10;
/** "Due in the next N days": today and the six days after it, up to the next digest. */
export const DIGEST_DAYS_AHEAD = 7;

/** Someone in the manager's area the bot could not reach, and about which entries. */
export interface DigestUnreachable {
  name: string;
  notes: { improvement: string; stage: string; at: string }[];
}

/** What one manager's digest says. */
export interface DigestContent {
  /** The manager's own date. */
  today: string;
  /** Oldest first. */
  overdue: Improvement[];
  dueSoon: Improvement[];
  unreachable: DigestUnreachable[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `overdue-7` → `the 7-days-overdue nudge`; `heads-up-1` → `the 1-day heads-up`; `due-today` → `the due-day nudge`. */
export function stageWords(stage: string): string {
  const overdue = /^overdue-(\d+)$/.exec(stage);
  if (overdue) return `the ${overdue[1]}-day${overdue[1] === '1' ? '' : 's'}-overdue nudge`;
  const headsUp = /^heads-up-(\d+)$/.exec(stage);
  if (headsUp) return `the ${headsUp[1]}-day heads-up`;
  return stage === 'due-today' ? 'the due-day nudge' : stage;
}

function overdueBlocks(entry: Improvement, today: string): Block[] {
  const late = daysOverdue(entry, today);
  const line: RichText = [
    { bold: entry.id },
    ` ${entry.title}`.slice(0, 160),
    `\n${entry.owner.name} · ${plural(late, 'day')} overdue (due ${dayWords(entry.targetDate)}) · ${plural(entry.deferrals.length, 'deferral')} · ${statusWords(entry.status)}`,
  ];
  return [
    { kind: 'text', text: line },
    { kind: 'actions', buttons: [{ action: id(DIGEST_ACTIONS.open), label: 'Open', value: entry.id }] },
  ];
}

/** True when the digest has something to say (otherwise nothing is sent: see digest.job.ts). */
export function hasNews(content: DigestContent): boolean {
  return content.overdue.length > 0 || content.dueSoon.length > 0 || content.unreachable.length > 0;
}

/** The digest's one-line summary (notifications, screen readers, the web chat list). */
export function digestSummary(content: DigestContent): string {
  const people = content.unreachable.length;
  return `Weekly improvement digest: ${plural(content.overdue.length, 'overdue action')}, ${content.dueSoon.length} due in the next ${DIGEST_DAYS_AHEAD} days, ${plural(people, 'person', 'people')} unreachable`;
}

/** The weekly digest for one manager. */
export function digestMessage(content: DigestContent): Message {
  const { today, overdue, dueSoon, unreachable } = content;
  const blocks: Block[] = [
    { kind: 'heading', text: `Improvement actions in your area: week of ${dayWords(today)}` },
    {
      kind: 'context',
      text: `${overdue.length} overdue · ${dueSoon.length} due in the next ${DIGEST_DAYS_AHEAD} days · ${plural(unreachable.length, 'person', 'people')} the bot could not reach. Your team members' and direct reports' actions (clause 10).`,
    },
  ];

  if (overdue.length > 0) {
    blocks.push({ kind: 'heading', text: 'Overdue, oldest first' });
    for (const entry of overdue.slice(0, DIGEST_OVERDUE_LIMIT)) blocks.push(...overdueBlocks(entry, today));
    const rest = overdue.length - DIGEST_OVERDUE_LIMIT;
    if (rest > 0) blocks.push({ kind: 'context', text: `…and ${rest} more overdue. Type \`actions\` to see every one.` });
  }

  if (dueSoon.length > 0) {
    blocks.push({ kind: 'heading', text: `Due in the next ${DIGEST_DAYS_AHEAD} days: ${dueSoon.length}` });
    const named = dueSoon.slice(0, DIGEST_DUE_SOON_LIMIT).map((e) => `- ${e.id} ${e.title.slice(0, 80)} (${e.owner.name}, due ${dayWords(e.targetDate)})`);
    const rest = dueSoon.length - named.length;
    blocks.push({ kind: 'text', text: [...named, ...(rest > 0 ? [`- …and ${rest} more`] : [])].join('\n') });
  }

  if (unreachable.length > 0) {
    blocks.push({ kind: 'heading', text: 'Could not be reached' });
    const lines = unreachable.map((u) => `- ${u.name}: ${u.notes.map((n) => `${n.improvement} (${stageWords(n.stage)}, ${dayWords(n.at)})`).join(', ')}`);
    blocks.push({ kind: 'text', text: lines.join('\n').slice(0, 2900) });
    blocks.push({
      kind: 'context',
      text: 'The bot could reach them on no channel (Slack, Teams or the web chat), so they have not heard about these actions. Tell them yourself, and ask them to open the bot once, or check their chat ids in the organisation file.',
    });
  }

  blocks.push({ kind: 'context', text: 'Type an action number (IMP-000012) to open its card, or `actions` for your team’s list.' });
  return { summary: digestSummary(content), blocks };
}
