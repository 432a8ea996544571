/**
 * Look-ups: a change by number, the change schedule for the coming days with its freeze windows, and the person's
 * own changes on the App Home.
 */
import { pendingApprovers } from '../../src/domain/change-approval';
import { freezeWindowsDuring } from '../../src/domain/change-schedule';
import { canonicalRecordNumber } from '../../src/domain/records';
import type { CommandEvent } from '../../src/engine/events';
import type { HomeContext, Reply, Turn } from '../../src/engine/flow';
import { textMessage, type Block } from '../../src/engine/message';
import { createChangeRepository } from './change.repository';
import { formatTime } from '../shared/format';
import { ACTIONS, id } from './request-change.ids';
import { approvalCard, changePage, scheduleMessage, statusWords, TEXT } from './request-change.messages';

/** How far ahead `changes` looks. */
export const SCHEDULE_DAYS = 14;

/** `CHG-000045`: the change's page (every member of staff may read the change schedule and its records). */
export async function showChange(turn: Turn, typed: string): Promise<Reply> {
  const number = canonicalRecordNumber(typed);
  const repo = createChangeRepository(turn.services);
  const stored = number ? await repo.load(number) : null;
  if (!stored) return { messages: [textMessage(TEXT.notFound(number ?? typed))] };
  // An approver still to decide gets the card they decide on, wherever they look it up.
  const deciding = pendingApprovers(stored.record, turn.services.org).includes(turn.actor.id);
  const page = deciding ? approvalCard(turn.services.org, stored.record, turn.actor.timeZone) : changePage(turn.services.org, stored.record, turn.actor.timeZone);
  return { messages: [page] };
}

/** `changes`: what is planned in the next two weeks, and the freezes in that time. */
export async function showSchedule(turn: Turn<CommandEvent>): Promise<Reply> {
  const { services, now, actor } = turn;
  const until = new Date(now.getTime() + SCHEDULE_DAYS * 86_400_000);
  const changes = await createChangeRepository(services).listSchedule(now, until);
  const freezes = freezeWindowsDuring(services.org, now, until);
  return { messages: [scheduleMessage(services.org, changes, freezes, actor.timeZone, SCHEDULE_DAYS)] };
}

/** The App Home: changes waiting for the person's decision (with their buttons), and their own changes in progress. */
export async function homeBlocks({ services, actor }: HomeContext): Promise<Block[]> {
  const repo = createChangeRepository(services);
  const blocks: Block[] = [];
  const waiting = (await repo.listAwaitingDecision(200)).map((s) => s.record).filter((c) => pendingApprovers(c, services.org).includes(actor.id));
  if (waiting.length > 0) {
    blocks.push({ kind: 'heading', text: 'Changes waiting for your decision' });
    for (const change of waiting.slice(0, 10)) {
      blocks.push({ kind: 'text', text: [{ bold: change.id }, ` ${change.title} — ${change.risk.level} risk, planned ${formatTime(change.plannedStart, actor.timeZone)}`] });
      blocks.push({ kind: 'actions', buttons: [{ action: id(ACTIONS.view), label: 'Open', value: change.id }] });
    }
  }
  const mine = await repo.listOpenForPerson(actor.id, 10);
  if (mine.length > 0) {
    blocks.push({ kind: 'heading', text: 'Your changes' });
    blocks.push(...mine.map((c) => ({ kind: 'text' as const, text: [{ bold: c.id }, ` ${c.title} — ${statusWords(c.status)}`] })));
  }
  return blocks;
}
