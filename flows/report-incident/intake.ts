/**
 * Reporting: the details form, the confirmation with priority and targets, the idempotent submit, and joining a
 * similar incident instead. The draft lives in conversation state; its id keys the submission, so a double click,
 * a redelivery or a replayed confirmation raises at most one incident.
 */
import { randomUUID } from 'node:crypto';
import { createIncident } from '../../src/domain/incident';
import { joinIncident } from '../../src/domain/incident-actions';
import { matchServices, type Organisation } from '../../src/domain/organisation';
import { priorityFor } from '../../src/domain/priority';
import type { PersonRef } from '../../src/domain/records';
import { deadlinesFor } from '../../src/domain/sla';
import type { ActionEvent, CommandEvent, InboundEvent, SubmitEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import { DuplicateKeyError } from '../../src/store/ports';
import { createIncidentRepository, type StoredIncident } from './incident.repository';
import { announceToTeam, auditActor, personRef, refreshTeamCards } from './incident-effects';
import { KEYS, LIMITS } from './report-incident.ids';
import { confirmationMessage, confirmationUsedMessage, detailsForm, INTAKE_TEXT, receiptMessage } from './report-incident.messages';
import { checkDetails, draftSchema, type Details, type Draft, type ReportState } from './report-incident.state';
import { findSimilarIncidents } from './similar-incidents';

type StateTurn<E extends InboundEvent> = Turn<E, ReportState>;

/** What the submission's idempotency record keeps: the number it raised. */
interface Submission {
  incidentId: string;
}

/** A form prefilled from words: the first line as summary (cut at a word), everything as details if longer. */
export function prefillFrom(org: Organisation, words: string): Partial<Details> {
  const text = words.trim();
  if (text === '') return {};
  let summary = text.split('\n')[0]!.trim();
  if (summary.length > LIMITS.summary) summary = summary.slice(0, LIMITS.summary - 1).replace(/\s+\S*$/, '') + '…';
  const service = matchServices(org, text)[0]?.id;
  return { summary, ...(summary !== text ? { description: text.slice(0, LIMITS.description) } : {}), ...(service ? { service } : {}) };
}

/** Opens the details form; starting again replaces any earlier draft, so its confirmation goes stale. */
export async function startReport(turn: StateTurn<CommandEvent | ActionEvent>, words: string): Promise<Reply> {
  const draftId = randomUUID();
  await turn.state.save({ formDraftId: draftId });
  return { messages: [detailsForm(turn.services.org, prefillFrom(turn.services.org, words), draftId)] };
}

/** Edit: the form again with the draft's values, keeping its id. */
export async function editDraft(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const state = await turn.state.load();
  if (!state?.draft || state.draft.id !== turn.event.value) return { messages: [textMessage(INTAKE_TEXT.stale)] };
  return { messages: [detailsForm(turn.services.org, state.draft, state.draft.id)] };
}

/** Cancel: forget the draft. */
export async function cancelDraft(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const state = await turn.state.load();
  if (state?.draft?.id === turn.event.value) await turn.state.clear();
  return { update: confirmationUsedMessage(INTAKE_TEXT.cancelled), messages: [textMessage(INTAKE_TEXT.cancelled)] };
}

async function submitted(turn: Turn, draftId: string): Promise<Submission | null> {
  const record = await turn.services.idempotency.get(KEYS.submission(draftId));
  return record?.state === 'done' ? (record.result as Submission) : null;
}

/** The details form came back: check it, then show priority, targets and similar incidents before raising. */
export async function reviewDetails(turn: StateTurn<SubmitEvent>): Promise<Reply> {
  const { services, event, now, actor } = turn;
  const checked = checkDetails(event.values, services.org);
  if ('errors' in checked) return { errors: checked.errors };
  const formId = draftSchema.shape.id.safeParse(event.state);
  if (formId.success) {
    const done = await submitted(turn, formId.data);
    if (done) return { messages: [textMessage(INTAKE_TEXT.detailsReplayed(done.incidentId))] };
  }
  const { details } = checked;
  const level = priorityFor(services.org.priorities, details.impact, details.urgency);
  const deadlines = deadlinesFor(services.org, details.service, level.id, now);
  const repo = createIncidentRepository(services);
  const similar = findSimilarIncidents(`${details.summary} ${details.description}`, await repo.listOpenByService(details.service));
  const draft: Draft = { ...details, id: formId.success ? formId.data : randomUUID(), similar: similar.map((s) => s.incident.id) };
  await turn.state.save({ draft });
  const message = confirmationMessage({ org: services.org, draft, priority: level.id, deadlines, timeZone: actor.timeZone, similar: similar.map((s) => s.incident) });
  return { messages: [message] };
}

/** "On behalf of": a person in the organisation file by name, e-mail or chat name, else the words as typed. */
function onBehalfOf(org: Organisation, typed: string | undefined): PersonRef | undefined {
  if (!typed) return undefined;
  const key = typed.trim().toLowerCase();
  const person = org.people.find((p) => [p.id, p.name, p.email, p.webchatName].some((v) => v?.toLowerCase() === key));
  if (person) return { id: person.id, name: person.name, email: person.email };
  const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(key);
  return { id: email ? `email:${key}` : `name:${key.replace(/\s+/g, '-')}`, name: typed.trim(), ...(email ? { email: key } : {}) };
}

/**
 * Creates the record for a draft: counter, insert, audit. A retry after a crash finds the first record.
 * `onCreated` gets the record this call stored, so the caller need not read it back.
 */
async function raise(turn: StateTurn<ActionEvent>, draft: Draft, onCreated: (stored: StoredIncident) => void): Promise<Submission> {
  const { services, actor, event, now } = turn;
  const repo = createIncidentRepository(services);
  const existing = await repo.findByIntakeKey(draft.id);
  if (existing) return { incidentId: existing.incident.id };
  const behalf = onBehalfOf(services.org, draft.onBehalfOf);
  const incident = createIncident(
    { summary: draft.summary, description: draft.description, service: draft.service, impact: draft.impact, urgency: draft.urgency, ...(behalf ? { onBehalfOf: behalf } : {}) },
    {
      number: await repo.nextNumber(),
      now,
      reporter: { ...personRef(actor), channel: event.conversation.channel },
      organisation: services.org,
      messages: [{ channel: event.conversation.channel, conversationId: event.conversation.id, messageId: event.source?.ref ?? draft.id, purpose: 'reported-from' }],
    },
  );
  try {
    onCreated(await repo.create(incident, { intakeKey: draft.id, actor: auditActor(actor) }));
  } catch (error) {
    const raced = error instanceof DuplicateKeyError ? await repo.findByIntakeKey(draft.id) : null;
    if (raced) return { incidentId: raced.incident.id };
    throw error;
  }
  return { incidentId: incident.id };
}

/** "Raise the incident": at most once per draft, whatever double clicks, retries or replicas do. */
export async function submitDraft(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const { services, now, actor } = turn;
  const draftId = turn.event.value ?? '';
  const repo = createIncidentRepository(services);
  const earlier = draftSchema.shape.id.safeParse(draftId).success ? await submitted(turn, draftId) : null;
  if (earlier) {
    await announceToTeam(services, repo, await repo.get(earlier.incidentId));
    return { update: confirmationUsedMessage(INTAKE_TEXT.submitted(earlier.incidentId)), messages: [textMessage(INTAKE_TEXT.alreadySubmitted(earlier.incidentId))] };
  }
  const state = await turn.state.load();
  const draft = state?.draft;
  if (!draft || draft.id !== draftId) return { messages: [textMessage(INTAKE_TEXT.stale)] };
  let created: StoredIncident | undefined;
  const once = await services.idempotency.once(KEYS.submission(draft.id), () => raise(turn, draft, (s) => (created = s)), { now, leaseMs: 60_000 });
  if (!once.result) return { messages: [textMessage(INTAKE_TEXT.stillSaving)] };
  const { incidentId } = once.result;
  const current = created?.incident.id === incidentId ? created : await repo.get(incidentId);
  const stored = await announceToTeam(services, repo, current);
  await turn.state.clear();
  const used = confirmationUsedMessage(INTAKE_TEXT.submitted(stored.incident.id));
  if (!once.fresh) return { update: used, messages: [textMessage(INTAKE_TEXT.alreadySubmitted(stored.incident.id))] };
  return { update: used, messages: [receiptMessage(services.org, stored.incident, actor.timeZone)] };
}

/** Join: the person is recorded as affected by one of the similar incidents they were shown. */
export async function joinSimilar(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const { services, actor, now } = turn;
  const incidentId = turn.event.value ?? '';
  const state = await turn.state.load();
  if (!state?.draft?.similar.includes(incidentId)) return { messages: [textMessage(INTAKE_TEXT.stale)] };
  const repo = createIncidentRepository(services);
  const stored = await repo.get(incidentId);
  const me = personRef(actor);
  const next = joinIncident(stored.incident, { actor: me, now, person: me });
  if (next === stored.incident) return { messages: [textMessage(INTAKE_TEXT.alreadyJoined(stored.incident))] };
  const saved = await repo.save(next, stored.version, { actor: auditActor(actor), action: 'incident.affected_added', before: stored.incident, extra: { person: me.id } });
  await turn.state.clear();
  await refreshTeamCards(services, saved.incident);
  return { update: confirmationUsedMessage(INTAKE_TEXT.joinedConfirmation(incidentId)), messages: [textMessage(INTAKE_TEXT.joined(saved.incident))] };
}
