/**
 * Every word people read in the change flow: the type choice, the forms, the confirmation with risk, route and
 * schedule findings, the receipt, the approvers' card and its decided state, the schedule and a change's page.
 * Neutral blocks only; each adapter renders them natively. Times are shown in the reader's own zone.
 */
import type { ApprovalRoute } from '../../src/domain/change-approval';
import type { Change, ChangeType } from '../../src/domain/change';
import type { Organisation } from '../../src/domain/organisation';
import type { Block, Field, Form, Input, Message, RichText } from '../../src/engine/message';
import { formatTime, serviceName } from '../shared/format';
import { raiseImprovementButton } from '../shared/raise-improvement';
import { ACTIONS, FORMS, id, LIMITS } from './request-change.ids';
import { toLocalInput, type Draft } from './request-change.state';

/** Short texts of the flow. */
export const TEXT = {
  stale: 'That confirmation is out of date: start again with `change`.',
  cancelled: 'Change request cancelled; nothing was saved.',
  stillSaving: 'Your change is still being saved; press the button again in a moment.',
  submitted: (changeId: string) => `Submitted as ${changeId}.`,
  alreadySubmitted: (changeId: string) => `That request was already submitted as ${changeId}.`,
  noTemplates: 'The organisation file lists no standard changes yet, so every change needs approval: pick Normal instead.',
  notFound: (changeId: string) => `I can't find ${changeId}.`,
  decided: (changeId: string, how: string) => `${changeId} is already ${how}; there is nothing left to decide.`,
  rejectReason: 'Say why you are rejecting the change; the requester needs to know what to fix',
  questionEmpty: 'Type your question for the requester',
  questionSent: (changeId: string, requester: string) => `Your question about ${changeId} was sent to ${requester}.`,
  onlyRequester: (changeId: string) => `Only the person who requested ${changeId} can withdraw it.`,
  onlyRequesterReplies: (changeId: string) => `Only the person who requested ${changeId} can answer questions about it.`,
  answerSent: (changeId: string, to: string) => `Your answer about ${changeId} was sent to ${to}.`,
  onlyImplementer: (changeId: string) => `Only the implementer of ${changeId} or a change manager can record how it went.`,
  onlyReviewer: (changeId: string) => `The review of ${changeId} is written by its requester or a change manager.`,
  started: (changeId: string) => `${changeId} is being implemented. Press Done or Failed when it is over.`,
  alreadyOutcome: (changeId: string, how: string) => `${changeId} is ${how}; its outcome cannot be recorded now.`,
  closed: (changeId: string) => `${changeId} is implemented and closed. Thank you.`,
  reviewNeeded: (changeId: string, requester: string) => `${changeId}'s outcome is recorded. It needs a post-implementation review before it closes; ${requester} has been asked for it.`,
  reviewed: (changeId: string) => `${changeId} has already been reviewed.`,
};

const TYPE_WORDS: Record<ChangeType, { label: string; description: string }> = {
  standard: { label: 'Standard', description: 'A pre-approved change from the catalogue: goes straight onto the schedule.' },
  normal: { label: 'Normal', description: 'Assessed for risk and authorised by a change manager or the CAB before it runs.' },
  emergency: {
    label: 'Emergency',
    description: 'Only to restore service or prevent imminent harm: authorised by the emergency CAB, reviewed afterwards.',
  },
};

/** "What kind of change?": the three types with what each means. */
export function typeChoiceMessage(): Message {
  return {
    summary: 'What kind of change is it?',
    blocks: [
      { kind: 'heading', text: 'Request a change' },
      { kind: 'text', text: 'What kind of change is it?' },
      { kind: 'fields', fields: (['standard', 'normal', 'emergency'] as const).map((t) => ({ label: TYPE_WORDS[t].label, value: TYPE_WORDS[t].description })) },
      {
        kind: 'actions',
        buttons: [
          { action: id(ACTIONS.type), label: 'Standard', value: 'standard' },
          { action: id(ACTIONS.type), label: 'Normal', value: 'normal', style: 'primary' },
          { action: id(ACTIONS.type), label: 'Emergency', value: 'emergency', style: 'danger' },
        ],
      },
    ],
  };
}

function serviceOptions(org: Organisation) {
  return org.services.map((s) => ({ value: s.id, label: s.name, ...(s.description ? { description: s.description.slice(0, 70) } : {}) }));
}

/** The risk questions as select inputs (`risk.<id>`), answered before the route is known. */
function riskInputs(org: Organisation, answers: Record<string, string>): Input[] {
  return org.changes.riskQuestions.map((q) => ({
    kind: 'select' as const,
    name: `risk.${q.id}`,
    label: q.text,
    required: true,
    options: q.options.map((o) => ({ value: o.value, label: o.label })),
    ...(answers[q.id] ? { initial: answers[q.id] } : {}),
  }));
}

/** The details form of a normal or emergency change, prefilled from a draft when editing. */
export function detailsForm(org: Organisation, type: 'normal' | 'emergency', draftId: string, zone: string, draft?: Partial<Draft>): Message {
  const at = (date: Date | undefined) => (date ? { initial: toLocalInput(date, zone) } : {});
  const initial = (value: string | undefined) => (value ? { initial: value } : {});
  const form: Form = {
    id: id(type === 'emergency' ? FORMS.emergency : FORMS.details),
    title: type === 'emergency' ? 'Emergency change' : 'Normal change',
    intro:
      type === 'emergency'
        ? 'Only for restoring service or preventing imminent harm. The emergency CAB decides; a review follows.'
        : `Times are in your time zone (${zone}).`,
    inputs: [
      { kind: 'text', name: 'title', label: 'Title', required: true, maxLength: LIMITS.title, placeholder: 'Patch the payroll database servers', ...initial(draft?.title) },
      { kind: 'multiselect', name: 'services', label: 'Services affected', required: true, options: serviceOptions(org), ...(draft?.services ? { initial: draft.services } : {}) },
      { kind: 'text', name: 'reason', label: 'Why is it needed?', required: true, multiline: true, maxLength: LIMITS.reason, ...initial(draft?.reason) },
      { kind: 'text', name: 'description', label: 'What will change', multiline: true, maxLength: LIMITS.description, ...initial(draft?.description) },
      { kind: 'datetime', name: 'plannedStart', label: 'Planned start', required: true, ...at(draft?.plannedStart) },
      { kind: 'datetime', name: 'plannedEnd', label: 'Planned end', required: true, ...at(draft?.plannedEnd) },
      { kind: 'text', name: 'implementationPlan', label: 'Implementation plan', multiline: true, maxLength: LIMITS.plan, hint: 'The steps, in order.', ...initial(draft?.implementationPlan) },
      { kind: 'text', name: 'backoutPlan', label: 'Backout plan', multiline: true, maxLength: LIMITS.plan, hint: 'How it would be undone if it goes wrong.', ...initial(draft?.backoutPlan) },
      { kind: 'text', name: 'testPlan', label: 'Test plan', multiline: true, maxLength: LIMITS.plan, hint: 'How you will know it worked.', ...initial(draft?.testPlan) },
      { kind: 'text', name: 'implementer', label: 'Implementer', hint: 'Name or e-mail; empty if you will do it.', ...initial(draft?.implementer ? org.people.find((p) => p.id === draft.implementer)?.name : undefined) },
      { kind: 'text', name: 'linked', label: type === 'emergency' ? 'Incident it restores' : 'Linked incident or problem', placeholder: 'INC-000123', ...initial(draft?.linkedIncidents?.join(', ')) },
      ...riskInputs(org, draft?.riskAnswers ?? {}),
    ],
    submitLabel: 'Check it',
    cancelLabel: 'Cancel',
    state: draftId,
  };
  return { summary: form.title, blocks: [], form };
}

/** The standard change form: a template from the catalogue, when, and who does it. */
export function standardForm(org: Organisation, draftId: string, zone: string, draft?: Partial<Draft>): Message {
  const form: Form = {
    id: id(FORMS.standard),
    title: 'Standard change',
    intro: `Pre-approved changes from the catalogue. Times are in your time zone (${zone}).`,
    inputs: [
      {
        kind: 'select',
        name: 'template',
        label: 'Standard change',
        required: true,
        searchable: true,
        options: org.changes.standardCatalogue.map((t) => ({ value: t.id, label: t.title.slice(0, 75), ...(t.description ? { description: t.description.slice(0, 70) } : {}) })),
        ...(draft?.template ? { initial: draft.template } : {}),
      },
      { kind: 'datetime', name: 'plannedStart', label: 'Planned start', required: true, ...(draft?.plannedStart ? { initial: toLocalInput(draft.plannedStart, zone) } : {}) },
      { kind: 'text', name: 'implementer', label: 'Implementer', hint: 'Name or e-mail; empty if you will do it.' },
    ],
    submitLabel: 'Check it',
    cancelLabel: 'Cancel',
    state: draftId,
  };
  return { summary: form.title, blocks: [], form };
}

/** Who decides, in words. */
export function routeWords(route: ApprovalRoute, org: Organisation): string {
  const names = (ids: readonly string[]) => ids.map((p) => org.people.find((x) => x.id === p)?.name ?? p).join(', ');
  switch (route.kind) {
    case 'pre-approved':
      return 'Pre-approved by its standard change template: no one needs to authorise it.';
    case 'change-manager':
      return `One change manager decides (${names(route.approvers)}).`;
    case 'cab':
      return `The CAB decides: ${route.quorum} approvals needed (${names(route.approvers)}); ${route.rejection === 'any' ? 'one rejection rejects it' : 'a majority of rejections rejects it'}.`;
    case 'ecab':
      return `The emergency CAB decides: ${route.quorum} approval${route.quorum === 1 ? '' : 's'} needed (${names(route.approvers)}).`;
  }
}

/** Findings of the schedule checks, shown before the requester confirms. */
export interface ScheduleFindings {
  blocked: boolean;
  lines: RichText[];
}

function windowText(change: Pick<Change, 'plannedStart' | 'plannedEnd'>, zone: string): string {
  return `${formatTime(change.plannedStart, zone)} – ${formatTime(change.plannedEnd, zone)}`;
}

/** The confirmation: what will be submitted, its risk and route, and what the schedule checks found. */
export function confirmationMessage(options: { org: Organisation; change: Change; route: ApprovalRoute; findings: ScheduleFindings; draftId: string; zone: string }): Message {
  const { org, change, route, findings, draftId, zone } = options;
  const fields: Field[] = [
    { label: 'Type', value: TYPE_WORDS[change.type].label },
    { label: 'Services', value: change.services.map((s) => serviceName(org, s)).join(', ') },
    { label: 'When', value: windowText(change, zone) },
    { label: 'Risk', value: change.type === 'standard' ? 'Pre-assessed (standard change)' : `${change.risk.level} (score ${change.risk.score})` },
  ];
  if (change.implementer) fields.push({ label: 'Implementer', value: change.implementer.name });
  const blocks: Block[] = [
    { kind: 'heading', text: change.title },
    { kind: 'fields', fields },
    { kind: 'text', text: routeWords(route, org) },
  ];
  if (findings.lines.length > 0) blocks.push({ kind: 'text', text: [{ bold: findings.blocked ? 'It cannot be submitted as it is:' : 'Before you submit:' }] }, ...findings.lines.map((line) => ({ kind: 'text' as const, text: line })));
  const buttons = [
    ...(findings.blocked ? [] : [{ action: id(ACTIONS.submit), label: 'Submit', value: draftId, style: 'primary' as const }]),
    { action: id(ACTIONS.edit), label: 'Edit', value: draftId },
    { action: id(ACTIONS.cancel), label: 'Cancel', value: draftId },
  ];
  blocks.push({ kind: 'actions', buttons });
  return { summary: `${change.title}: ${findings.blocked ? 'blocked' : 'ready to submit'}`, blocks };
}

/** The confirmation once used: no buttons left to press. */
export function confirmationUsedMessage(text: string): Message {
  return { summary: text, blocks: [{ kind: 'context', text }] };
}

const STATUS_WORDS: Partial<Record<Change['status'], string>> = {
  submitted: 'awaiting authorisation',
  assessed: 'awaiting authorisation',
  approved: 'approved',
  rejected: 'rejected',
  scheduled: 'scheduled',
  implementing: 'being implemented',
  implemented: 'implemented',
  failed: 'failed',
  backed_out: 'backed out',
  reviewed: 'reviewed',
  closed: 'closed',
  cancelled: 'cancelled',
};

/** A change's status in words. */
export function statusWords(status: Change['status']): string {
  return STATUS_WORDS[status] ?? status.replace(/_/g, ' ');
}

function decisionLines(org: Organisation, change: Change): Block[] {
  const decisions = change.approvals.filter((a) => a.as !== 'pre-approved');
  if (decisions.length === 0) return [];
  return [
    {
      kind: 'context',
      text: decisions.map((a) => `${a.by.name} ${a.decision}${a.comment ? `: "${a.comment}"` : ''}`).join(' · '),
    },
  ];
}

/** The change's essentials, as every card and page shows them. */
function essentials(org: Organisation, change: Change, zone: string): Block[] {
  const fields: Field[] = [
    { label: 'Status', value: statusWords(change.status) },
    { label: 'Type', value: TYPE_WORDS[change.type].label },
    { label: 'Risk', value: `${change.risk.level} (score ${change.risk.score})` },
    { label: 'Services', value: change.services.map((s) => serviceName(org, s)).join(', ') },
    { label: 'When', value: windowText(change, zone) },
    { label: 'Requested by', value: change.requester.name },
  ];
  if (change.implementer) fields.push({ label: 'Implementer', value: change.implementer.name });
  if (change.linkedIncidents.length > 0) fields.push({ label: 'Linked', value: [...change.linkedIncidents, ...change.linkedProblems].join(', ') });
  const blocks: Block[] = [{ kind: 'heading', text: `${change.id} ${change.title}` }, { kind: 'fields', fields }, { kind: 'text', text: [{ bold: 'Why: ' }, change.reason] }];
  if (change.implementationPlan) blocks.push({ kind: 'text', text: [{ bold: 'Plan: ' }, change.implementationPlan.slice(0, 1500)] });
  if (change.backoutPlan) blocks.push({ kind: 'text', text: [{ bold: 'Backout: ' }, change.backoutPlan.slice(0, 1500)] });
  if (change.testPlan) blocks.push({ kind: 'text', text: [{ bold: 'Test: ' }, change.testPlan.slice(0, 1000)] });
  return [...blocks, ...decisionLines(org, change)];
}

/** The approvers' card: the essentials and, while a decision is pending, Approve / Reject / Ask a question. */
export function approvalCard(org: Organisation, change: Change, zone: string, options: { reminder?: number } = {}): Message {
  const pending = change.status === 'submitted' || change.status === 'assessed';
  const blocks = essentials(org, change, zone);
  if (options.reminder) blocks.unshift({ kind: 'text', text: [{ bold: `Reminder: ${change.id} is waiting for your decision.` }, ` It is planned for ${formatTime(change.plannedStart, zone)}.`] });
  if (pending) {
    blocks.push({
      kind: 'actions',
      buttons: [
        { action: id(ACTIONS.approve), label: 'Approve', value: change.id, style: 'primary' },
        { action: id(ACTIONS.reject), label: 'Reject…', value: change.id, style: 'danger' },
        { action: id(ACTIONS.ask), label: 'Ask a question', value: change.id },
      ],
    });
  } else if (change.status === 'withdrawn' || change.status === 'cancelled') {
    blocks.push({ kind: 'context', text: `No decision needed: ${statusWords(change.status)}.` });
  } else {
    blocks.push({ kind: 'context', text: `Decided: ${statusWords(change.status)}.` });
  }
  return { summary: `${options.reminder ? 'Reminder: ' : ''}${change.id} ${change.title}: ${statusWords(change.status)}`, blocks };
}

/** The change managers are told that a change is still undecided close to its planned start. */
export function escalationMessage(org: Organisation, change: Change, zone: string, waitingOn: readonly string[]): Message {
  const names = waitingOn.map((p) => org.people.find((x) => x.id === p)?.name ?? p).join(', ') || 'nobody eligible';
  const text = `${change.id} "${change.title}" starts ${formatTime(change.plannedStart, zone)} and is still not decided. Waiting on: ${names}.`;
  return { summary: `Undecided change: ${change.id}`, blocks: [{ kind: 'text', text: [{ bold: 'Undecided change. ' }, text] }, { kind: 'actions', buttons: [{ action: id(ACTIONS.view), label: 'Open it', value: change.id }] }] };
}

/** The requester's receipt. */
export function receiptMessage(org: Organisation, change: Change, route: ApprovalRoute, zone: string): Message {
  const blocks = essentials(org, change, zone);
  const said = route.kind === 'pre-approved' ? `Scheduled. ${routeWords(route, org)} You will be asked how it went at the planned start.` : `Submitted. ${routeWords(route, org)} I'll tell you when it is decided.`;
  blocks.splice(1, 0, { kind: 'text', text: said });
  if (change.status === 'submitted' || change.status === 'assessed') {
    blocks.push({ kind: 'actions', buttons: [{ action: id(ACTIONS.withdraw), label: 'Withdraw', value: change.id, confirm: { title: 'Withdraw the change?', text: 'Approvers will no longer be asked to decide.', yes: 'Withdraw', no: 'Keep it' } }] });
  }
  return { summary: `${change.id} submitted`, blocks };
}

/** States after which lessons can be turned into an improvement action. */
const LEARNING_STATUSES: readonly Change['status'][] = ['failed', 'backed_out', 'reviewed', 'closed'];

/** A change's page (look-up by number); once it has run, with "Raise improvement" for what it taught. */
export function changePage(org: Organisation, change: Change, zone: string): Message {
  const blocks = essentials(org, change, zone);
  if (change.review) blocks.push({ kind: 'text', text: [{ bold: 'Review: ' }, change.review.notes.slice(0, 1500)] });
  if (LEARNING_STATUSES.includes(change.status)) blocks.push({ kind: 'actions', buttons: [raiseImprovementButton(change.id)] });
  return { summary: `${change.id} ${change.title}: ${statusWords(change.status)}`, blocks };
}

/** The review is recorded: the change is closed, and its lessons can become an improvement action. */
export function reviewDoneMessage(change: Change): Message {
  const text = `Review recorded; ${change.id} is closed. If it taught something to change for good, raise an improvement action.`;
  return { summary: text, blocks: [{ kind: 'text', text }, { kind: 'actions', buttons: [raiseImprovementButton(change.id)] }] };
}

/** The requester is told of the decision. */
export function decisionNote(change: Change, decidedBy: string, comment: string): Message {
  const text = change.status === 'approved' ? `${change.id} "${change.title}" was approved (last decision by ${decidedBy}).` : `${change.id} "${change.title}" was rejected by ${decidedBy}: ${comment}`;
  return { summary: text, blocks: [{ kind: 'text', text }] };
}

/** The rejection form: the reason is required. */
export function rejectForm(change: Change): Message {
  const form: Form = {
    id: id(FORMS.reject),
    title: `Reject ${change.id}`,
    intro: change.title,
    inputs: [{ kind: 'text', name: 'reason', label: 'Why are you rejecting it?', required: true, multiline: true, maxLength: LIMITS.comment }],
    submitLabel: 'Reject',
    state: change.id,
  };
  return { summary: form.title, blocks: [], form };
}

/** Ask the requester a question before deciding. */
export function askForm(change: Change): Message {
  const form: Form = {
    id: id(FORMS.ask),
    title: `Question about ${change.id}`,
    intro: `Your question goes to ${change.requester.name}.`,
    inputs: [{ kind: 'text', name: 'question', label: 'Your question', required: true, multiline: true, maxLength: LIMITS.comment }],
    submitLabel: 'Send',
    state: change.id,
  };
  return { summary: form.title, blocks: [], form };
}

/** An approver's question, delivered to the requester. */
export function questionMessage(change: Change, from: { id: string; name: string }, question: string): Message {
  return {
    summary: `${from.name} asks about ${change.id}`,
    blocks: [
      { kind: 'text', text: [{ bold: `${from.name} asks about ${change.id} "${change.title}":` }] },
      { kind: 'text', text: question },
      { kind: 'context', text: 'The change waits for their decision.' },
      { kind: 'actions', buttons: [{ action: id(ACTIONS.reply), label: 'Reply', value: `${change.id} ${from.id}`, style: 'primary' }] },
    ],
  };
}

/** The requester's reply to an approver's question. */
export function replyForm(change: Change, to: { id: string; name: string }): Message {
  const form: Form = {
    id: id(FORMS.reply),
    title: `Reply about ${change.id}`,
    intro: `Your answer goes to ${to.name}.`,
    inputs: [{ kind: 'text', name: 'answer', label: 'Your answer', required: true, multiline: true, maxLength: LIMITS.comment }],
    submitLabel: 'Send',
    state: `${change.id} ${to.id}`,
  };
  return { summary: form.title, blocks: [], form };
}

/** The requester's answer, delivered to the approver who asked, with their card to decide on. */
export function answerMessage(change: Change, from: string, answer: string): Message {
  return {
    summary: `${from} answered about ${change.id}`,
    blocks: [
      { kind: 'text', text: [{ bold: `${from} answered your question about ${change.id} "${change.title}":` }] },
      { kind: 'text', text: answer },
      { kind: 'actions', buttons: [{ action: id(ACTIONS.view), label: 'Open the change', value: change.id }] },
    ],
  };
}

/** The change schedule for the next days, with the freeze windows in it. */
export function scheduleMessage(org: Organisation, changes: Change[], freezes: ReadonlyArray<{ name: string; start: Date; end: Date; reason: string }>, zone: string, days: number): Message {
  const blocks: Block[] = [{ kind: 'heading', text: `Change schedule, next ${days} days` }];
  for (const freeze of freezes) blocks.push({ kind: 'text', text: [{ bold: `Freeze: ${freeze.name}` }, ` ${formatTime(freeze.start, zone)} – ${formatTime(freeze.end, zone)}. ${freeze.reason}`] });
  if (changes.length === 0) blocks.push({ kind: 'text', text: 'No changes are planned.' });
  for (const change of changes) {
    blocks.push({
      kind: 'text',
      text: [{ bold: change.id }, ` ${change.title} — ${windowText(change, zone)} · ${change.services.map((s) => serviceName(org, s)).join(', ')} · ${statusWords(change.status)}`],
    });
  }
  return { summary: `Change schedule: ${changes.length} change${changes.length === 1 ? '' : 's'}`, blocks };
}

/** The implementer's card at the planned start: Started / Done / Failed. */
export function implementerCard(org: Organisation, change: Change, zone: string): Message {
  const blocks = essentials(org, change, zone);
  const open = ['approved', 'scheduled', 'implementing'].includes(change.status);
  if (open) {
    blocks.splice(1, 0, { kind: 'text', text: change.status === 'implementing' ? 'Implementation is under way. How did it go?' : 'This change is due to start. Tell me when you start, and how it went.' });
    blocks.push({
      kind: 'actions',
      buttons: [
        ...(change.status === 'implementing' ? [] : [{ action: id(ACTIONS.started), label: 'Started', value: change.id }]),
        { action: id(ACTIONS.done), label: 'Done', value: change.id, style: 'primary' as const },
        { action: id(ACTIONS.failed), label: 'Failed', value: change.id, style: 'danger' as const },
      ],
    });
  } else {
    blocks.push({ kind: 'context', text: `Now ${statusWords(change.status)}.` });
  }
  return { summary: `${change.id} ${change.title}: ${statusWords(change.status)}`, blocks };
}

/** The outcome: what was done (Done), or what happened and whether it was backed out (Failed). */
export function outcomeForm(change: Change, result: 'successful' | 'failed'): Message {
  const inputs: Input[] =
    result === 'successful'
      ? [{ kind: 'text', name: 'notes', label: 'Anything to note? (optional)', multiline: true, maxLength: LIMITS.plan }]
      : [
          { kind: 'text', name: 'notes', label: 'What happened?', required: true, multiline: true, maxLength: LIMITS.plan },
          { kind: 'checkbox', name: 'backedOut', label: 'The change was backed out (service is as it was before)' },
        ];
  const form: Form = { id: id(result === 'successful' ? FORMS.done : FORMS.failed), title: `${change.id}: ${result === 'successful' ? 'done' : 'failed'}`, intro: change.title, inputs, submitLabel: 'Record it', state: change.id };
  return { summary: form.title, blocks: [], form };
}

/** The post-implementation review. */
export function reviewForm(change: Change): Message {
  const form: Form = {
    id: id(FORMS.review),
    title: `Review of ${change.id}`,
    intro: `${change.title} — ${change.outcome ? `outcome: ${change.outcome.result.replace('_', ' ')}` : ''}`,
    inputs: [
      {
        kind: 'select',
        name: 'objectivesMet',
        label: 'Did it meet its objective?',
        required: true,
        options: [
          { value: 'yes', label: 'Yes' },
          { value: 'partly', label: 'Partly' },
          { value: 'no', label: 'No' },
        ],
      },
      { kind: 'text', name: 'incidents', label: 'Incidents it caused', placeholder: 'INC-000123, or leave empty' },
      { kind: 'text', name: 'lessons', label: 'Lessons learnt', required: true, multiline: true, maxLength: LIMITS.plan },
    ],
    submitLabel: 'Record the review',
    state: change.id,
  };
  return { summary: form.title, blocks: [], form };
}

/** The requester is asked for (or reminded of) the review. */
export function reviewRequestMessage(change: Change, zone: string, reminder = false): Message {
  const why = change.type === 'emergency' ? 'Every emergency change is reviewed after it is implemented.' : 'A change that failed is reviewed before it closes.';
  return {
    summary: `${reminder ? 'Reminder: ' : ''}${change.id} needs its post-implementation review`,
    blocks: [
      { kind: 'text', text: [{ bold: `${reminder ? 'Reminder: ' : ''}${change.id} "${change.title}" needs its post-implementation review.` }, ` ${why}`] },
      ...(change.outcome ? [{ kind: 'context' as const, text: `Outcome ${formatTime(change.outcome.at, zone)}: ${change.outcome.result.replace('_', ' ')}${change.outcome.notes ? ` — ${change.outcome.notes.slice(0, 300)}` : ''}` }] : []),
      { kind: 'actions', buttons: [{ action: id(ACTIONS.review), label: 'Write the review', value: change.id, style: 'primary' }] },
    ],
  };
}
