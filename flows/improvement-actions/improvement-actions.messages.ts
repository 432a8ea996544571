/**
 * Every word people read in the improvement flow: the form, the confirmation, the receipt, the cards (approver,
 * owner, verifier), the owner's answer forms, the nudges and escalations, and the `actions` list. Neutral blocks
 * only; each adapter renders them natively. Dates are days (`YYYY-MM-DD`), judged overdue in the reader's zone.
 */
import { DateTime } from 'luxon';
import { daysBetween } from '../../src/domain/dates';
import { daysOverdue, type Improvement } from '../../src/domain/improvement';
import type { NudgeDue } from '../../src/domain/nudges';
import { PROCESSES, type Organisation } from '../../src/domain/organisation';
import type { Block, Button, Field, Form, Input, Message, RichText } from '../../src/engine/message';
import { ACTIONS, FORMS, id, LIMITS } from './improvement-actions.ids';
import type { Draft } from './improvement-actions.state';

/** Short texts of the flow. */
export const TEXT = {
  stale: 'That confirmation is out of date: start again with `improve`.',
  cancelled: 'Cancelled; nothing was saved.',
  stillSaving: 'Your action is still being saved; press the button again in a moment.',
  submitted: (id: string) => `Submitted as ${id}.`,
  alreadySubmitted: (id: string) => `That action was already submitted as ${id}.`,
  notFound: (id: string) => `I can't find ${id}.`,
  onlyDecider: (id: string, who: string) => `Only the owner's manager or the process owner (${who}) can decide on ${id}, and never its owner.`,
  onlyOwner: (id: string, owner: string) => `Only ${owner}, the owner of ${id}, can do that.`,
  closed: (id: string, how: string) => `${id} is ${how}; there is nothing more to do on it.`,
  notDone: (id: string, how: string) => `${id} is ${how}; its effectiveness is checked once the owner marks it done.`,
  rejectReason: 'Say why it is rejected; the owner and requester need to know',
  noteEmpty: 'Write what has been done so far',
  percent: 'Progress is a whole number from 0 to 100',
  evidence: 'A corrective action needs evidence of what was done (a link, a document, a short description)',
  deferReason: 'Say why the target date is moving; every deferral is kept on the record',
  deferDate: 'Write the new date as YYYY-MM-DD',
  notEffectiveNotes: 'Say why it was not effective, so the owner knows what to do next',
  noApprover: (id: string) => `Nobody but the owner is named to approve ${id}: the organisation file gives the owner no manager and the process no owner.`,
};

const SOURCE_WORDS: Record<Improvement['source']['kind'], string> = {
  incident: 'Incident',
  problem: 'Problem',
  change: 'Change (its review)',
  audit_finding: 'Audit finding',
  complaint: 'Complaint',
  staff_idea: 'Staff idea',
  management_review: 'Management review',
};

const TYPE_WORDS: Record<Improvement['type'], string> = { improvement: 'Improvement (10.2)', corrective_action: 'Corrective action (10.1)' };

const STATUS_WORDS: Record<Improvement['status'], string> = {
  proposed: 'awaiting approval',
  approved: 'approved, not started',
  in_progress: 'in progress',
  done: 'done, awaiting its effectiveness check',
  verified: 'verified effective',
  rejected: 'rejected',
};

/** The status in words. */
export function statusWords(status: Improvement['status']): string {
  return STATUS_WORDS[status];
}

/**
 * Dates already written out: a sweep writes the same few target dates on thousands of cards, and luxon's
 * formatting was a tenth of a sweep's CPU (bench/nudges.bench.ts). Bounded: emptied when it grows past
 * {@link DAY_WORDS_KEPT} dates.
 */
const dayWordsCache = new Map<string, string>();
const DAY_WORDS_KEPT = 5_000;

/** `Tue 31 Mar 2026`. */
export function dayWords(date: string): string {
  let words = dayWordsCache.get(date);
  if (words === undefined) {
    const day = DateTime.fromISO(date, { zone: 'UTC' });
    words = day.isValid ? day.toFormat('ccc d LLL yyyy') : date;
    if (dayWordsCache.size >= DAY_WORDS_KEPT) dayWordsCache.clear();
    dayWordsCache.set(date, words);
  }
  return words;
}

/** The target date with how it stands on `today` (the reader's date): `Tue 31 Mar 2026 (3 days overdue)`. */
export function targetWords(improvement: Pick<Improvement, 'status' | 'targetDate'>, today: string): string {
  const late = daysOverdue(improvement, today);
  if (late > 0) return `${dayWords(improvement.targetDate)} (${late} day${late === 1 ? '' : 's'} overdue)`;
  if (improvement.status === 'done' || improvement.status === 'verified' || improvement.status === 'rejected') return dayWords(improvement.targetDate);
  const left = daysBetween(today, improvement.targetDate);
  return `${dayWords(improvement.targetDate)} (${left === 0 ? 'today' : `in ${left} day${left === 1 ? '' : 's'}`})`;
}

const options = <T extends string>(words: Record<T, string>) => (Object.entries(words) as [T, string][]).map(([value, label]) => ({ value, label }));

/** The raise form, prefilled from a draft when editing. */
export function raiseForm(org: Organisation, draftId: string, today: string, draft?: Partial<Draft>): Message {
  const initial = (value: string | undefined) => (value ? { initial: value } : {});
  const owner = draft?.owner ? org.people.find((p) => p.id === draft.owner)?.name : undefined;
  const inputs: Input[] = [
    { kind: 'text', name: 'title', label: 'Title', required: true, maxLength: LIMITS.title, placeholder: 'Publish a VPN status page', ...initial(draft?.title) },
    { kind: 'text', name: 'description', label: 'Description', multiline: true, maxLength: LIMITS.description, ...initial(draft?.description) },
    { kind: 'select', name: 'type', label: 'Type', required: true, options: [{ value: 'improvement', label: 'Improvement' }, { value: 'corrective_action', label: 'Corrective action (for a nonconformity)' }], ...initial(draft?.type) },
    { kind: 'select', name: 'source', label: 'Where did it come from?', required: true, options: options(SOURCE_WORDS), ...initial(draft?.source) },
    { kind: 'text', name: 'sourceRef', label: 'Source record', placeholder: 'INC-000123, CHG-000045 or PRB-000007', hint: 'Optional.', ...initial(draft?.sourceRef) },
    { kind: 'text', name: 'owner', label: 'Owner', required: true, hint: 'Name or e-mail of someone in the organisation file.', ...initial(owner) },
    {
      kind: 'select',
      name: 'process',
      label: 'Process it improves',
      searchable: true,
      hint: "Its owner may approve it, as may the action owner's manager.",
      options: (Object.entries(PROCESSES) as [string, { name: string }][]).map(([value, p]) => ({ value, label: p.name.slice(0, 75) })),
      initial: draft?.process ?? 'improvement',
    },
    { kind: 'select', name: 'priority', label: 'Priority', options: [{ value: 'high', label: 'High' }, { value: 'medium', label: 'Medium' }, { value: 'low', label: 'Low' }], initial: draft?.priority ?? 'medium' },
    { kind: 'date', name: 'targetDate', label: 'Target date', required: true, min: today, ...initial(draft?.targetDate) },
    { kind: 'text', name: 'nonconformity', label: 'Nonconformity (corrective actions)', multiline: true, maxLength: LIMITS.text, hint: 'What went wrong, where, and what shows it.', ...initial(draft?.nonconformity) },
    { kind: 'text', name: 'correction', label: 'Correction (corrective actions)', multiline: true, maxLength: LIMITS.text, hint: 'What was done at once to contain it.', ...initial(draft?.correction) },
    { kind: 'text', name: 'rootCause', label: 'Root cause (corrective actions)', multiline: true, maxLength: LIMITS.text, ...initial(draft?.rootCause) },
  ];
  const form: Form = { id: id(FORMS.raise), title: 'Improvement or corrective action', intro: 'Continual improvement (clause 10.2) or a corrective action for a nonconformity (10.1).', inputs, submitLabel: 'Check it', cancelLabel: 'Cancel', state: draftId };
  return { summary: form.title, blocks: [], form };
}

function detailFields(improvement: Improvement, today: string): Field[] {
  const fields: Field[] = [
    { label: 'Type', value: TYPE_WORDS[improvement.type] },
    { label: 'Source', value: `${SOURCE_WORDS[improvement.source.kind]}${improvement.source.ref ? ` ${improvement.source.ref}` : ''}` },
    { label: 'Owner', value: improvement.owner.name },
    { label: 'Target date', value: targetWords(improvement, today) },
    { label: 'Priority', value: improvement.priority },
    { label: 'Process', value: PROCESSES[improvement.process].name },
  ];
  if (improvement.manager) fields.push({ label: 'Manager', value: improvement.manager.name });
  if (improvement.deferrals.length > 0) fields.push({ label: 'Deferrals', value: String(improvement.deferrals.length) });
  return fields;
}

function correctiveBlocks(improvement: Improvement): Block[] {
  if (improvement.type !== 'corrective_action') return [];
  const lines = [
    improvement.nonconformity ? `Nonconformity: ${improvement.nonconformity.what}` : undefined,
    improvement.correction ? `Correction: ${improvement.correction}` : undefined,
    improvement.rootCause ? `Root cause: ${improvement.rootCause}` : undefined,
  ].filter((l): l is string => l !== undefined);
  return lines.length > 0 ? [{ kind: 'text', text: lines.join('\n').slice(0, 2900) }] : [];
}

/** The confirmation: what will be submitted, and who will approve it. */
export function confirmationMessage(org: Organisation, preview: Improvement, approverName: string | undefined, draftId: string, today: string): Message {
  return {
    summary: `${preview.title}: ready to submit`,
    blocks: [
      { kind: 'heading', text: preview.title },
      { kind: 'fields', fields: detailFields(preview, today) },
      ...correctiveBlocks(preview),
      { kind: 'text', text: approverName ? `${approverName} will be asked to approve it (the owner's manager; the process owner may decide too).` : 'Nobody but the owner is named to approve it; it will wait in the register.' },
      {
        kind: 'actions',
        buttons: [
          { action: id(ACTIONS.submit), label: 'Submit', value: draftId, style: 'primary' },
          { action: id(ACTIONS.edit), label: 'Edit', value: draftId },
          { action: id(ACTIONS.cancel), label: 'Cancel', value: draftId },
        ],
      },
    ],
  };
}

/** A confirmation once used: no buttons left to press. */
export function usedMessage(text: string): Message {
  return { summary: text, blocks: [{ kind: 'context', text }] };
}

/** The requester's receipt. */
export function receiptMessage(improvement: Improvement, approverName: string | undefined): Message {
  const next = approverName ? `${approverName} has been asked to approve it.` : 'Nobody but the owner is named to approve it.';
  return {
    summary: `${improvement.id} raised`,
    blocks: [{ kind: 'text', text: [{ bold: `${improvement.id} "${improvement.title}"` }, ` is in the improvement register (clause ${improvement.clause}), owned by ${improvement.owner.name}. ${next}`] }],
  };
}

/** Who looks at a card: it shows each the buttons they may press. */
export type Audience = 'approver' | 'owner' | 'viewer';

function ownerButtons(improvement: Improvement): Button[] {
  const v = improvement.id;
  const buttons: Button[] = [{ action: id(ACTIONS.progress), label: 'Mark progress', value: v }];
  if (improvement.status !== 'proposed') buttons.push({ action: id(ACTIONS.done), label: 'Done', value: v, style: 'primary' });
  buttons.push({ action: id(ACTIONS.defer), label: 'Need more time', value: v }, { action: id(ACTIONS.snooze), label: 'Snooze until tomorrow', value: v });
  return buttons;
}

function approverButtons(improvement: Improvement): Button[] {
  const v = improvement.id;
  if (improvement.status === 'proposed') {
    return [
      { action: id(ACTIONS.approve), label: 'Approve', value: v, style: 'primary' },
      { action: id(ACTIONS.reject), label: 'Reject', value: v, style: 'danger' },
    ];
  }
  if (improvement.status === 'done') {
    return [
      { action: id(ACTIONS.effective), label: 'Verify effective', value: v, style: 'primary' },
      { action: id(ACTIONS.notEffective), label: 'Not effective', value: v, style: 'danger' },
    ];
  }
  return [];
}

/**
 * The entry's card for one reader: its details, latest progress and the buttons that reader may press now. The
 * same card is refreshed in place on every answer, so a closed entry shows no buttons anywhere.
 */
export function actionCard(org: Organisation, improvement: Improvement, today: string, audience: Audience, header?: RichText): Message {
  const blocks: Block[] = [];
  if (header) blocks.push({ kind: 'text', text: header });
  blocks.push({ kind: 'heading', text: `${improvement.id} ${improvement.title}`.slice(0, 150) }, { kind: 'fields', fields: detailFields(improvement, today) });
  if (improvement.description) blocks.push({ kind: 'text', text: improvement.description.slice(0, 1000) });
  blocks.push(...correctiveBlocks(improvement));
  const last = improvement.progress.at(-1);
  if (last) blocks.push({ kind: 'context', text: `Latest progress (${last.by.name}${last.percent !== undefined ? `, ${last.percent}%` : ''}): ${last.text.slice(0, 300)}` });
  const deferral = improvement.deferrals.at(-1);
  if (deferral) blocks.push({ kind: 'context', text: `Moved from ${deferral.from} to ${deferral.to} by ${deferral.by.name}: ${deferral.reason.slice(0, 300)}` });
  // Only while the snooze lasts (to the day: the card knows the reader's date, not the hour).
  const snoozedTo = improvement.snoozedUntil?.toISOString().slice(0, 10);
  if (snoozedTo && snoozedTo > today && improvement.status !== 'done') blocks.push({ kind: 'context', text: 'Snoozed: no reminders until the next working day.' });
  const buttons = audience === 'owner' && ['proposed', 'approved', 'in_progress'].includes(improvement.status) ? ownerButtons(improvement) : audience === 'approver' ? approverButtons(improvement) : [];
  blocks.push({ kind: 'context', text: `Status: ${statusWords(improvement.status)}.` });
  if (buttons.length > 0) blocks.push({ kind: 'actions', buttons });
  return { summary: `${improvement.id} ${improvement.title}: ${statusWords(improvement.status)}`, blocks };
}

/** The line above a nudge to the owner. */
export function nudgeHeader(due: NudgeDue, improvement: Improvement): RichText {
  switch (due.kind) {
    case 'heads-up':
      return [{ bold: `Heads-up: ${improvement.id} is due in ${due.daysLeft} day${due.daysLeft === 1 ? '' : 's'}.` }, ' Mark progress, or ask for more time if you need it.'];
    case 'due-today':
      return [{ bold: `${improvement.id} is due today.` }, ' Mark it done, or ask for more time with a reason.'];
    case 'escalation':
      return [{ bold: `${improvement.id} is ${due.daysOverdue} day${due.daysOverdue === 1 ? '' : 's'} overdue.` }, ' Mark it done, note progress, or ask for a new date with a reason.'];
  }
}

/** An escalation to someone other than the owner (their manager, the manager's manager, the process owner). */
export function escalationMessage(org: Organisation, improvement: Improvement, due: Extract<NudgeDue, { kind: 'escalation' }>, today: string): Message {
  const header: RichText = [
    { bold: `${improvement.id} is ${due.daysOverdue} day${due.daysOverdue === 1 ? '' : 's'} overdue` },
    ` and ${improvement.owner.name} has not closed it. You hear about it as their manager or the owner of the process it improves.`,
  ];
  return { ...actionCard(org, improvement, today, 'viewer', header), summary: `${improvement.id} is ${due.daysOverdue} days overdue (owner ${improvement.owner.name})` };
}

/** What the owner hears when an entry they own is raised by someone else. */
export function ownerIntro(improvement: Improvement): RichText {
  return [{ bold: `You own ${improvement.id}.` }, ` ${improvement.raisedBy.name} raised it; it is due ${dayWords(improvement.targetDate)}.`];
}

/** The approver's header on their card. */
export function approverIntro(improvement: Improvement, stage: 'approve' | 'verify'): RichText {
  return stage === 'approve'
    ? [{ bold: `${improvement.raisedBy.name} raised ${improvement.id} for ${improvement.owner.name}.` }, ' Approve it, or reject it with a reason.']
    : [{ bold: `${improvement.owner.name} marked ${improvement.id} done.` }, ' Check that it worked: verify it effective, or send it back.'];
}

/** The decision, told to the owner and the requester. */
export function decisionNote(improvement: Improvement, by: string, approved: boolean, comment: string): Message {
  const said = approved ? `${by} approved ${improvement.id} "${improvement.title}". It is due ${dayWords(improvement.targetDate)}.` : `${by} rejected ${improvement.id} "${improvement.title}": ${comment}`;
  return { summary: said, blocks: [{ kind: 'text', text: said }] };
}

/** The effectiveness check, told to the owner. */
export function checkNote(improvement: Improvement, by: string, effective: boolean, notes: string): Message {
  const said = effective ? `${by} verified ${improvement.id} effective. It is closed — thank you.` : `${by} found ${improvement.id} not effective: ${notes}. It is back in progress.`;
  return { summary: said, blocks: [{ kind: 'text', text: said }] };
}

function smallForm(name: string, title: string, intro: RichText, inputs: Input[], submitLabel: string, state: string): Message {
  const form: Form = { id: id(name), title: title.slice(0, 24), intro, inputs, submitLabel, cancelLabel: 'Cancel', state };
  return { summary: title, blocks: [], form };
}

/** Reject…: why. */
export function rejectForm(improvement: Improvement): Message {
  return smallForm(FORMS.reject, `Reject ${improvement.id}`, improvement.title, [{ kind: 'text', name: 'reason', label: 'Why is it rejected?', required: true, multiline: true, maxLength: LIMITS.note }], 'Reject', improvement.id);
}

/** Mark progress: a note and an optional percentage. */
export function progressForm(improvement: Improvement): Message {
  return smallForm(FORMS.progress, `Progress ${improvement.id}`, improvement.title, [
    { kind: 'text', name: 'note', label: 'What has been done?', required: true, multiline: true, maxLength: LIMITS.note },
    { kind: 'number', name: 'percent', label: 'How far along (%)', min: 0, max: 100 },
  ], 'Record it', improvement.id);
}

/** Done: the evidence (required for a corrective action). */
export function doneForm(improvement: Improvement): Message {
  const corrective = improvement.type === 'corrective_action';
  return smallForm(FORMS.done, `Done: ${improvement.id}`, corrective ? 'A corrective action needs evidence: it is what the effectiveness check starts from.' : improvement.title, [
    { kind: 'text', name: 'evidence', label: 'Evidence of what was done', required: corrective, multiline: true, maxLength: LIMITS.note, hint: 'A link, a document name, a short description.' },
  ], 'Mark done', improvement.id);
}

/** Need more time: the new date and why (kept as a deferral). */
export function deferForm(improvement: Improvement, today: string): Message {
  return smallForm(FORMS.defer, `New date: ${improvement.id}`, `Due ${dayWords(improvement.targetDate)}. Every deferral is kept on the record with its reason.`, [
    { kind: 'date', name: 'targetDate', label: 'New target date', required: true, min: today },
    { kind: 'text', name: 'reason', label: 'Why does it need more time?', required: true, multiline: true, maxLength: LIMITS.note },
  ], 'Move the date', improvement.id);
}

/** Not effective: why, for the owner. */
export function notEffectiveForm(improvement: Improvement): Message {
  return smallForm(FORMS.notEffective, `Check: ${improvement.id}`, improvement.title, [{ kind: 'text', name: 'notes', label: 'Why was it not effective?', required: true, multiline: true, maxLength: LIMITS.note }], 'Send it back', improvement.id);
}

/** One line of the `actions` list. */
function actionLine(improvement: Improvement, today: string, withOwner: boolean): Block {
  const late = daysOverdue(improvement, today) > 0;
  return {
    kind: 'text',
    text: [
      { bold: improvement.id },
      ` ${improvement.title}${withOwner ? ` (${improvement.owner.name})` : ''} — ${statusWords(improvement.status)}, target ${targetWords(improvement, today)}`,
      ...(late ? [{ bold: ' OVERDUE' }] : []),
    ],
  };
}

/** Overdue first (longest overdue first), then by target date. */
export function overdueFirst(list: readonly Improvement[], today: string): Improvement[] {
  return [...list].sort((a, b) => daysOverdue(b, today) - daysOverdue(a, today) || a.targetDate.localeCompare(b.targetDate) || a.id.localeCompare(b.id));
}

/** The `actions` list (also the App Home section): the reader's own, then their team's for a manager. */
export function actionsBlocks(mine: readonly Improvement[], team: readonly Improvement[] | undefined, today: string): Block[] {
  const blocks: Block[] = [{ kind: 'heading', text: 'Your improvement actions' }];
  if (mine.length === 0) blocks.push({ kind: 'context', text: 'You own no open improvement or corrective actions.' });
  blocks.push(...overdueFirst(mine, today).map((i) => actionLine(i, today, false)));
  if (team) {
    blocks.push({ kind: 'heading', text: "Your team's actions" });
    if (team.length === 0) blocks.push({ kind: 'context', text: 'Nobody in your teams owns an open action.' });
    blocks.push(...overdueFirst(team, today).map((i) => actionLine(i, today, true)));
  }
  blocks.push({ kind: 'context', text: 'Type an action number (IMP-000012) to open its card.' });
  return blocks;
}
