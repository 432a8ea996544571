/**
 * After authorisation: the implementer's card (Started / Done / Failed), the outcome that must be recorded, the
 * post-implementation review that emergency and failed changes need before they close, and closure. The rules
 * (lifecycle, a review before closing) are the domain's, in change-actions.ts.
 */
import { closeChange, needsReview, recordChangeOutcome, reviewChange, startChange } from '../../src/domain/change-actions';
import type { Change } from '../../src/domain/change';
import type { ActionEvent, SubmitEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import { auditActor, personRef, tell } from '../shared/actors';
import { timeZoneOf } from '../shared/people';
import { createChangeRepository, type StoredChange } from './change.repository';
import { KEYS, LIMITS } from './request-change.ids';
import { implementerCard, outcomeForm, reviewDoneMessage, reviewForm, reviewRequestMessage, statusWords, TEXT } from './request-change.messages';

/** Who implements: the named implementer, else the requester. */
export function implementerOf(change: Change): string {
  return change.implementer?.id ?? change.requester.id;
}

/** Only the implementer (or a change manager) records how implementation went. */
function mayImplement(services: Services, change: Change, personId: string): boolean {
  return personId === implementerOf(change) || services.org.approvers.changeManagers.includes(personId);
}

/** Started: the change is being implemented (a second click, or a click racing it, changes nothing). */
export async function markStarted(turn: Turn<ActionEvent>): Promise<Reply> {
  const { services, actor, now } = turn;
  const repo = createChangeRepository(services);
  const current = await repo.get(turn.event.value ?? '');
  if (!mayImplement(services, current.record, actor.id)) return { messages: [textMessage(TEXT.onlyImplementer(current.record.id))] };
  const { stored, changed } = await repo.update(current.record.id, (change) =>
    change.status === 'implementing' ? null : { next: startChange(change, { actor: personRef(actor), now }), note: { actor: auditActor(actor), action: 'change.implementation_started' } },
  );
  return { update: implementerCard(services.org, stored.record, actor.timeZone), ...(changed ? { messages: [textMessage(TEXT.started(stored.record.id))] } : {}) };
}

/** Done / Failed: the outcome form (what was done, or what happened). */
export async function openOutcome(turn: Turn<ActionEvent>, result: 'successful' | 'failed'): Promise<Reply> {
  const { services, actor } = turn;
  const stored = await createChangeRepository(services).get(turn.event.value ?? '');
  if (!mayImplement(services, stored.record, actor.id)) return { messages: [textMessage(TEXT.onlyImplementer(stored.record.id))] };
  if (!['approved', 'scheduled', 'implementing'].includes(stored.record.status)) return { messages: [textMessage(TEXT.alreadyOutcome(stored.record.id, statusWords(stored.record.status)))] };
  return { messages: [outcomeForm(stored.record, result)] };
}

/** Tells the requester a review is due (once per change). */
async function askForReview(services: Services, stored: StoredChange): Promise<void> {
  const requester = stored.record.requester.id;
  await tell(services, requester, reviewRequestMessage(stored.record, timeZoneOf(services, requester)), KEYS.reviewRequest(stored.record.id));
}

/**
 * The outcome form came back. A successful change that needs no review closes at once; a failed or backed-out
 * one, and every emergency change, waits for its review (the requester is asked for it, and nudged until done).
 */
export async function submitOutcome(turn: Turn<SubmitEvent>, result: 'successful' | 'failed'): Promise<Reply> {
  const { services, actor, now, event } = turn;
  const notes = typeof event.values.notes === 'string' ? event.values.notes.trim() : '';
  if (result === 'failed' && notes === '') return { errors: { notes: 'Say what happened; the review starts from it' } };
  if (notes.length > LIMITS.plan) return { errors: { notes: `Keep it to ${LIMITS.plan} characters` } };
  const repo = createChangeRepository(services);
  const stored = await repo.get(event.state ?? '');
  if (!mayImplement(services, stored.record, actor.id)) return { messages: [textMessage(TEXT.onlyImplementer(stored.record.id))] };
  if (!['approved', 'scheduled', 'implementing'].includes(stored.record.status)) return { messages: [textMessage(TEXT.alreadyOutcome(stored.record.id, statusWords(stored.record.status)))] };
  const who = { actor: personRef(actor), now };
  const running = stored.record.status === 'implementing' ? stored.record : startChange(stored.record, who);
  const backedOut = result === 'failed' && event.values.backedOut === true;
  let next = recordChangeOutcome(running, { ...who, result: result === 'successful' ? 'successful' : backedOut ? 'backed_out' : 'failed', notes });
  const closes = !needsReview(next);
  if (closes) next = closeChange(next, { ...who, notes: 'Closed on successful implementation.' });
  const action = closes ? 'change.closed' : `change.${next.status}`;
  const saved = await repo.save(next, stored.version, { actor: auditActor(actor), action, before: stored.record, extra: { result: next.outcome?.result, notes } });
  if (!closes) await askForReview(services, saved);
  const words = closes ? TEXT.closed(saved.record.id) : TEXT.reviewNeeded(saved.record.id, saved.record.requester.name);
  return { messages: [textMessage(words)] };
}

/** Review: the post-implementation review form, for the requester (or a change manager). */
export async function openReview(turn: Turn<ActionEvent>): Promise<Reply> {
  const { services, actor } = turn;
  const stored = await createChangeRepository(services).get(turn.event.value ?? '');
  const change = stored.record;
  if (change.requester.id !== actor.id && !services.org.approvers.changeManagers.includes(actor.id)) return { messages: [textMessage(TEXT.onlyReviewer(change.id))] };
  if (change.review) return { messages: [textMessage(TEXT.reviewed(change.id))] };
  return { messages: [reviewForm(change)] };
}

/** The review came back: recorded, then the change closes. */
export async function submitReview(turn: Turn<SubmitEvent>): Promise<Reply> {
  const { services, actor, now, event } = turn;
  const met = event.values.objectivesMet;
  const lessons = typeof event.values.lessons === 'string' ? event.values.lessons.trim() : '';
  const incidents = typeof event.values.incidents === 'string' ? event.values.incidents.trim() : '';
  const errors: Record<string, string> = {};
  if (met !== 'yes' && met !== 'partly' && met !== 'no') errors.objectivesMet = 'Say whether the change met its objective';
  if (lessons === '') errors.lessons = 'Write what was learnt: what went well, what to change next time';
  if (lessons.length > LIMITS.plan) errors.lessons = `Keep it to ${LIMITS.plan} characters`;
  if (Object.keys(errors).length > 0) return { errors };
  const repo = createChangeRepository(services);
  const stored = await repo.get(event.state ?? '');
  if (stored.record.review) return { messages: [textMessage(TEXT.reviewed(stored.record.id))] };
  if (stored.record.requester.id !== actor.id && !services.org.approvers.changeManagers.includes(actor.id)) return { messages: [textMessage(TEXT.onlyReviewer(stored.record.id))] };
  const who = { actor: personRef(actor), now };
  const notes = [`Objective met: ${met}.`, incidents ? `Incidents caused: ${incidents}.` : 'Incidents caused: none reported.', lessons].join('\n');
  const reviewed = reviewChange(stored.record, { ...who, objectivesMet: met === 'yes', notes });
  const closed = closeChange(reviewed, { ...who, notes: 'Closed after its post-implementation review.' });
  await repo.save(closed, stored.version, { actor: auditActor(actor), action: 'change.reviewed', before: stored.record, extra: { objectivesMet: met, incidents } });
  return { messages: [reviewDoneMessage(stored.record)] };
}

/** The implementer's card at the planned start: sent once per change (the key is the change's). */
export async function nudgeImplementer(services: Services, change: Change): Promise<boolean> {
  const person = implementerOf(change);
  return tell(services, person, implementerCard(services.org, change, timeZoneOf(services, person)), KEYS.implementerNudge(change.id));
}

/** A review still owed: the requester is nudged (key per change and day, so at most one nudge a day). */
export async function nudgeReviewer(services: Services, change: Change, day: string): Promise<boolean> {
  const requester = change.requester.id;
  return tell(services, requester, reviewRequestMessage(change, timeZoneOf(services, requester), true), KEYS.reviewNudge(change.id, day));
}
