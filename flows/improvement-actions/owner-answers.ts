/**
 * The owner's buttons on their card and nudges: Mark progress (a note), Done (evidence; required for a corrective
 * action), Need more time (a new date and a reason, kept as a deferral), Snooze until tomorrow (no nudge before
 * their next working day). Each answer updates the entry (audited), refreshes every copy of the card in place, and
 * Done stops the nudges (the sweep reads open entries only) and asks the manager for the effectiveness check.
 */
import { localIsoDate } from '../../src/domain/dates';
import { isDomainError } from '../../src/domain/errors';
import { OPEN_IMPROVEMENT_STATUSES, type Improvement } from '../../src/domain/improvement';
import { addImprovementProgress, completeImprovement, deferImprovement, snoozeImprovement } from '../../src/domain/improvement-actions';
import { nextWorkingDayStart } from '../../src/domain/nudges';
import type { ActionEvent, SubmitEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import { auditActor, personRef, tell } from '../shared/actors';
import { formatTime } from '../shared/format';
import { calendarOf, timeZoneOf } from '../shared/people';
import { cardFor, cardForActor, keepRefs, refreshCards, sendOnce } from './cards';
import { KEYS, LIMITS, PURPOSES } from './improvement-actions.ids';
import { approverIntro, dayWords, deferForm, doneForm, progressForm, statusWords, TEXT } from './improvement-actions.messages';
import { text } from './improvement-actions.state';
import { createImprovementRepository, type StoredImprovement } from './improvement.repository';
import { approverOf } from './roles';

const isReply = (value: StoredImprovement | Reply): value is Reply => !('record' in value);

/** Loads the entry for its owner: a reply when someone else pressed, or the entry is no longer open. */
async function forOwner(turn: Turn<ActionEvent | SubmitEvent>, entryId: string): Promise<StoredImprovement | Reply> {
  const { services, actor } = turn;
  const stored = await createImprovementRepository(services).load(entryId);
  if (!stored) return { messages: [textMessage(TEXT.notFound(entryId || 'that action'))] };
  const entry = stored.record;
  if (entry.owner.id !== actor.id) return { messages: [textMessage(TEXT.onlyOwner(entry.id, entry.owner.name))] };
  if (!OPEN_IMPROVEMENT_STATUSES.includes(entry.status)) {
    return { update: cardForActor(services, entry, actor), messages: [textMessage(TEXT.closed(entry.id, statusWords(entry.status)))] };
  }
  return stored;
}

/** Saves the owner's answer, refreshes the cards, and answers with the card as it is now. */
async function answer(turn: Turn<ActionEvent | SubmitEvent>, found: StoredImprovement, next: Improvement, action: string, said: string, extra?: Record<string, unknown>): Promise<{ saved: StoredImprovement; reply: Reply }> {
  const { services, actor } = turn;
  const saved = await createImprovementRepository(services).save(next, found.version, { actor: auditActor(actor), action, before: found.record, ...(extra ? { extra } : {}) });
  await refreshCards(services, saved);
  return { saved, reply: { update: cardForActor(services, saved.record, actor), messages: [textMessage(said)] } };
}

/** Mark progress: the form. */
export async function openProgress(turn: Turn<ActionEvent>): Promise<Reply> {
  const found = await forOwner(turn, turn.event.value ?? '');
  return isReply(found) ? found : { messages: [progressForm(found.record)] };
}

/** The progress note came back (the first note on an approved entry starts it). */
export async function submitProgress(turn: Turn<SubmitEvent>): Promise<Reply> {
  const note = text(turn.event.values.note);
  const typed = text(turn.event.values.percent);
  const errors: Record<string, string> = {};
  if (note === '') errors.note = TEXT.noteEmpty;
  if (note.length > LIMITS.note) errors.note = `Keep it to ${LIMITS.note} characters`;
  const percent = typed === '' ? undefined : Number(typed);
  if (percent !== undefined && (!Number.isInteger(percent) || percent < 0 || percent > 100)) errors.percent = TEXT.percent;
  if (Object.keys(errors).length > 0) return { errors };
  const found = await forOwner(turn, turn.event.state ?? '');
  if (isReply(found)) return found;
  const next = addImprovementProgress(found.record, { actor: personRef(turn.actor), now: turn.now, text: note, ...(percent !== undefined ? { percent } : {}) });
  return (await answer(turn, found, next, 'improvement.progress_noted', `Progress on ${found.record.id} recorded.`, { note, percent })).reply;
}

/** Done: the evidence form (not before the entry is approved). */
export async function openDone(turn: Turn<ActionEvent>): Promise<Reply> {
  const found = await forOwner(turn, turn.event.value ?? '');
  if (isReply(found)) return found;
  if (found.record.status === 'proposed') return { messages: [textMessage(`${found.record.id} is still awaiting approval; it can be marked done once approved.`)] };
  return { messages: [doneForm(found.record)] };
}

/** The evidence came back: done, nudges stop, and the manager is asked to check it worked. */
export async function submitDone(turn: Turn<SubmitEvent>): Promise<Reply> {
  const { services } = turn;
  const evidence = text(turn.event.values.evidence);
  if (evidence.length > LIMITS.note) return { errors: { evidence: `Keep it to ${LIMITS.note} characters` } };
  const found = await forOwner(turn, turn.event.state ?? '');
  if (isReply(found)) return found;
  if (found.record.type === 'corrective_action' && evidence === '') return { errors: { evidence: TEXT.evidence } };
  const next = completeImprovement(found.record, { actor: personRef(turn.actor), now: turn.now, evidence });
  const approver = approverOf(services, next);
  const said = `${found.record.id} is done. ${approver ? `${services.people.person(approver)?.name ?? approver} will check that it worked.` : 'Someone other than you must check that it worked.'}`;
  const { saved, reply } = await answer(turn, found, next, 'improvement.done', said, { evidence });
  if (approver && saved.record.completedAt) {
    const card = cardFor(services, saved.record, approver, approverIntro(saved.record, 'verify'));
    const { refs } = await sendOnce(services, saved, approver, card, KEYS.verifyCard(saved.record.id, approver, saved.record.completedAt), PURPOSES.verify);
    await keepRefs(services, saved, refs, 'improvement.cards_sent', { cards: refs.length });
  }
  return reply;
}

/** Need more time: the new date and reason form. */
export async function openDefer(turn: Turn<ActionEvent>): Promise<Reply> {
  const found = await forOwner(turn, turn.event.value ?? '');
  return isReply(found) ? found : { messages: [deferForm(found.record, localIsoDate(turn.now, turn.actor.timeZone))] };
}

/** The new date came back: a deferral with its reason (every one kept); the ladder starts again from the new date. */
export async function submitDefer(turn: Turn<SubmitEvent>): Promise<Reply> {
  const { services, actor, now } = turn;
  const to = text(turn.event.values.targetDate);
  const reason = text(turn.event.values.reason);
  const errors: Record<string, string> = {};
  if (reason === '') errors.reason = TEXT.deferReason;
  if (reason.length > LIMITS.note) errors.reason = `Keep it to ${LIMITS.note} characters`;
  if (to === '') errors.targetDate = 'Give the new target date';
  if (Object.keys(errors).length > 0) return { errors };
  const found = await forOwner(turn, turn.event.state ?? '');
  if (isReply(found)) return found;
  let next: Improvement;
  try {
    next = deferImprovement(found.record, { actor: personRef(actor), now, to, reason, today: localIsoDate(now, actor.timeZone) });
  } catch (error) {
    if (isDomainError(error, 'invalid_input')) return { errors: { targetDate: error.message } };
    throw error;
  }
  const { saved, reply } = await answer(turn, found, next, 'improvement.target_date_moved', `${found.record.id} is now due ${dayWords(to)}. The deferral and its reason are on the record.`, { from: found.record.targetDate, to, reason });
  const manager = approverOf(services, saved.record);
  if (manager) {
    const said = `${actor.name} moved ${saved.record.id} "${saved.record.title}" from ${dayWords(found.record.targetDate)} to ${dayWords(to)}: ${reason}`;
    await tell(services, manager, textMessage(said), KEYS.decisionNote(saved.record.id, saved.version, manager));
  }
  return reply;
}

/** Snooze until tomorrow: no nudge about the entry before the owner's next working day starts. */
export async function snooze(turn: Turn<ActionEvent>): Promise<Reply> {
  const { services, actor, now } = turn;
  const found = await forOwner(turn, turn.event.value ?? '');
  if (isReply(found)) return found;
  const zone = timeZoneOf(services, actor.id);
  const until = nextWorkingDayStart(now, calendarOf(services, actor.id), zone);
  const next = snoozeImprovement(found.record, { actor: personRef(actor), now, until });
  return (await answer(turn, found, next, 'improvement.snoozed', `No reminders about ${found.record.id} until ${formatTime(until, actor.timeZone)}.`, { until })).reply;
}
