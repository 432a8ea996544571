/**
 * Requesting: the type choice, the form (a template for a standard change, the full form otherwise), the
 * confirmation with risk, route and schedule findings, and the idempotent submit that raises `CHG-…`, tells the
 * approvers and answers the requester. The draft lives in conversation state; its id keys the submission, so a
 * double click, a redelivery or a replayed confirmation raises at most one change.
 */
import { randomUUID } from 'node:crypto';
import { createChange, type Change, type ChangeType } from '../../src/domain/change';
import { approvalRoute } from '../../src/domain/change-approval';
import { isDomainError } from '../../src/domain/errors';
import type { ActionEvent, CommandEvent, InboundEvent, SubmitEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import { DuplicateKeyError } from '../../src/store/ports';
import { auditActor, personRef } from '../shared/actors';
import { announceToApprovers } from './approval';
import { createChangeRepository } from './change.repository';
import { KEYS } from './request-change.ids';
import { confirmationMessage, confirmationUsedMessage, detailsForm, receiptMessage, standardForm, TEXT, typeChoiceMessage } from './request-change.messages';
import { checkDetails, draftSchema, findPerson, newChangeOf, parseLocal, type ChangeState, type Draft } from './request-change.state';
import { scheduleFindings } from './schedule-checks';

type StateTurn<E extends InboundEvent> = Turn<E, ChangeState>;

/** What the submission's idempotency record keeps: the number it raised. */
interface Submission {
  changeId: string;
}

/** `change [standard|normal|emergency]`: the type's form at once, else the choice of type. */
export async function startRequest(turn: StateTurn<CommandEvent>): Promise<Reply> {
  const word = turn.event.args.trim().toLowerCase();
  const type = (['standard', 'normal', 'emergency'] as const).find((t) => word === t || (word.length >= 3 && t.startsWith(word)));
  if (type) return openTypeForm(turn, type);
  return { messages: [typeChoiceMessage()] };
}

/** A type picked: its form, under a new draft id (an earlier confirmation goes stale). */
export async function openTypeForm(turn: StateTurn<InboundEvent>, type: ChangeType, draft?: Draft): Promise<Reply> {
  const { org } = turn.services;
  if (type === 'standard' && org.changes.standardCatalogue.length === 0) return { messages: [textMessage(TEXT.noTemplates)] };
  const draftId = draft?.id ?? randomUUID();
  // A new form makes an earlier confirmation stale: its draft goes.
  await turn.state.clear();
  const zone = turn.actor.timeZone;
  return { messages: [type === 'standard' ? standardForm(org, draftId, zone, draft) : detailsForm(org, type, draftId, zone, draft)] };
}

/** The button on the type choice. */
export async function chooseType(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const type = turn.event.value;
  if (type !== 'standard' && type !== 'normal' && type !== 'emergency') return { messages: [textMessage(TEXT.stale)] };
  return openTypeForm(turn, type);
}

/** Field problems the domain found (risk answers, plans a risk level needs), by the form's input names. */
function fieldErrors(error: unknown): Record<string, string> | null {
  if (!isDomainError(error, 'invalid_input')) return null;
  const fields = (error.details?.fields ?? []) as ReadonlyArray<{ path: string; message: string }>;
  if (fields.length === 0) return { title: error.message };
  return Object.fromEntries(fields.map((f) => [f.path === 'template' ? 'template' : f.path, f.message]));
}

/** The change a draft would become (its number a placeholder: nothing is stored), or field errors. */
function preview(turn: Turn, draft: Omit<Draft, 'id'>): { change: Change } | { errors: Record<string, string> } {
  const { services, actor, event, now } = turn;
  try {
    const change = createChange(newChangeOf(draft, services.org), { number: 1, now, requester: { ...personRef(actor), channel: event.conversation.channel }, organisation: services.org });
    return { change };
  } catch (error) {
    const errors = fieldErrors(error);
    if (errors) return { errors };
    throw error;
  }
}

/** The standard form came back: the template's plans, its typical duration from the start given. */
function checkStandard(turn: StateTurn<SubmitEvent>): { draft: Omit<Draft, 'id'> } | { errors: Record<string, string> } {
  const { org } = turn.services;
  const values = turn.event.values;
  const template = org.changes.standardCatalogue.find((t) => t.id === values.template);
  const start = parseLocal(typeof values.plannedStart === 'string' ? values.plannedStart : '', turn.actor.timeZone);
  const typed = typeof values.implementer === 'string' ? values.implementer.trim() : '';
  const implementer = typed ? findPerson(org, typed) : undefined;
  const errors: Record<string, string> = {};
  if (!template) errors.template = 'Pick a standard change from the catalogue';
  if (!start) errors.plannedStart = 'Say when the change starts';
  if (typed && !implementer) errors.implementer = `"${typed.slice(0, 60)}" is not in the organisation file; give a name or e-mail from it, or leave it empty`;
  if (!template || !start || Object.keys(errors).length > 0) return { errors };
  return {
    draft: {
      type: 'standard',
      template: template.id,
      title: template.title,
      description: template.description,
      services: template.services,
      reason: `Standard change: ${template.title}`,
      implementationPlan: template.implementationPlan,
      backoutPlan: template.backoutPlan,
      testPlan: template.testPlan,
      plannedStart: start,
      plannedEnd: new Date(start.getTime() + template.durationMinutes * 60_000),
      ...(implementer ? { implementer: implementer.id } : {}),
      riskAnswers: {},
      linkedIncidents: [],
    },
  };
}

/**
 * A form came back: check it, then show risk, route and schedule findings before submitting. The type is the
 * form's own (each type has its form id), so a form submitted after its conversation state expired keeps it.
 */
export async function reviewRequest(turn: StateTurn<SubmitEvent>, type: ChangeType): Promise<Reply> {
  const { services, actor } = turn;
  const draftId = draftSchema.shape.id.safeParse(turn.event.state);
  if (draftId.success) {
    const done = await submitted(turn, draftId.data);
    if (done) return { messages: [textMessage(TEXT.alreadySubmitted(done.changeId))] };
  }
  const checked = type === 'standard' ? checkStandard(turn) : checkDetails(turn.event.values, type, services.org, actor.timeZone);
  if ('errors' in checked) return { errors: checked.errors };
  const previewed = preview(turn, checked.draft);
  if ('errors' in previewed) return { errors: previewed.errors };
  const draft: Draft = { ...checked.draft, id: draftId.success ? draftId.data : randomUUID() };
  await turn.state.save({ draft });
  const repo = createChangeRepository(services);
  const findings = await scheduleFindings(services, repo, previewed.change, actor.timeZone);
  const route = approvalRoute(previewed.change, services.org);
  return { messages: [confirmationMessage({ org: services.org, change: previewed.change, route, findings, draftId: draft.id, zone: actor.timeZone })] };
}

/** Edit: the form again with the draft's values, keeping its id. */
export async function editDraft(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const state = await turn.state.load();
  if (!state?.draft || state.draft.id !== turn.event.value) return { messages: [textMessage(TEXT.stale)] };
  return openTypeForm(turn, state.draft.type, state.draft);
}

/** Cancel: forget the draft. */
export async function cancelDraft(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const state = await turn.state.load();
  if (state?.draft?.id === turn.event.value) await turn.state.clear();
  return { update: confirmationUsedMessage(TEXT.cancelled), messages: [textMessage(TEXT.cancelled)] };
}

async function submitted(turn: Turn, draftId: string): Promise<Submission | null> {
  const record = await turn.services.idempotency.get(KEYS.submission(draftId));
  return record?.state === 'done' ? (record.result as Submission) : null;
}

/** Creates the record for a draft: counter, insert, audit. A retry after a crash finds the first record. */
async function raise(turn: StateTurn<ActionEvent>, draft: Draft): Promise<Submission> {
  const { services, actor, event, now } = turn;
  const repo = createChangeRepository(services);
  const existing = await repo.findByIntakeKey(draft.id);
  if (existing) return { changeId: existing.record.id };
  const change = createChange(newChangeOf(draft, services.org), {
    number: await repo.nextNumber(),
    now,
    requester: { ...personRef(actor), channel: event.conversation.channel },
    organisation: services.org,
    messages: [{ channel: event.conversation.channel, conversationId: event.conversation.id, messageId: event.source?.ref ?? draft.id, purpose: 'requested-from' }],
  });
  try {
    await repo.create(change, { intakeKey: draft.id, actor: auditActor(actor) });
  } catch (error) {
    const raced = error instanceof DuplicateKeyError ? await repo.findByIntakeKey(draft.id) : null;
    if (raced) return { changeId: raced.record.id };
    throw error;
  }
  return { changeId: change.id };
}

/**
 * "Submit": at most once per draft, whatever double clicks, retries or replicas do. The schedule is checked
 * again at this moment (another change may have taken the window since the confirmation was shown).
 */
export async function submitDraft(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const { services, now, actor } = turn;
  const draftId = turn.event.value ?? '';
  const repo = createChangeRepository(services);
  const earlier = draftSchema.shape.id.safeParse(draftId).success ? await submitted(turn, draftId) : null;
  if (earlier) {
    await announceToApprovers(services, await repo.get(earlier.changeId));
    return { update: confirmationUsedMessage(TEXT.submitted(earlier.changeId)), messages: [textMessage(TEXT.alreadySubmitted(earlier.changeId))] };
  }
  const state = await turn.state.load();
  const draft = state?.draft;
  if (!draft || draft.id !== draftId) return { messages: [textMessage(TEXT.stale)] };
  const previewed = preview(turn, draft);
  if ('errors' in previewed) return { messages: [textMessage(Object.values(previewed.errors).join(' '))] };
  const findings = await scheduleFindings(services, repo, previewed.change, actor.timeZone);
  const route = approvalRoute(previewed.change, services.org);
  if (findings.blocked) {
    return { update: confirmationMessage({ org: services.org, change: previewed.change, route, findings, draftId, zone: actor.timeZone }) };
  }
  const once = await services.idempotency.once(KEYS.submission(draft.id), () => raise(turn, draft), { now, leaseMs: 60_000 });
  if (!once.result) return { messages: [textMessage(TEXT.stillSaving)] };
  const stored = await repo.get(once.result.changeId);
  await announceToApprovers(services, stored);
  await turn.state.clear();
  const used = confirmationUsedMessage(TEXT.submitted(stored.record.id));
  if (!once.fresh) return { update: used, messages: [textMessage(TEXT.alreadySubmitted(stored.record.id))] };
  return { update: used, messages: [receiptMessage(services.org, stored.record, route, actor.timeZone)] };
}
