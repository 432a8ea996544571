/**
 * Deciding on an entry from its card: Approve / Reject (with a reason) while it is proposed, and the effectiveness
 * check once the owner marks it done — Verify effective / Not effective (with why). Only the owner's manager or
 * the process owner may press them, never the owner (roles.ts); the rules themselves are the domain's.
 */
import { decideImprovement, verifyImprovement } from '../../src/domain/improvement-actions';
import type { ActionEvent, SubmitEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import { auditActor, personRef, tell } from '../shared/actors';
import { cardForActor, refreshCards } from './cards';
import { KEYS, LIMITS } from './improvement-actions.ids';
import { checkNote, decisionNote, notEffectiveForm, rejectForm, statusWords, TEXT } from './improvement-actions.messages';
import { text } from './improvement-actions.state';
import { createImprovementRepository, type StoredImprovement } from './improvement.repository';
import { deciders, mayDecide, nameOf } from './roles';

/** Loads the entry and checks the actor may decide on it; a reply when they may not (or it is gone). */
async function forDecider(turn: Turn<ActionEvent | SubmitEvent>, entryId: string): Promise<StoredImprovement | Reply> {
  const { services, actor } = turn;
  const stored = await createImprovementRepository(services).load(entryId);
  if (!stored) return { messages: [textMessage(TEXT.notFound(entryId || 'that action'))] };
  if (!mayDecide(services, stored.record, actor.id)) {
    const who = deciders(services, stored.record).map((p) => nameOf(services, p)).join(' or ') || 'nobody named';
    return { messages: [textMessage(TEXT.onlyDecider(stored.record.id, who))] };
  }
  return stored;
}

const isReply = (value: StoredImprovement | Reply): value is Reply => !('record' in value);

/**
 * Approve or reject; the owner and the requester are told, every copy of the card refreshed. Two clicks at once
 * are decided one after the other (the repository's update reloads on conflict): the second is answered "already".
 */
async function decide(turn: Turn<ActionEvent | SubmitEvent>, entryId: string, approved: boolean, comment: string): Promise<Reply> {
  const { services, actor, now } = turn;
  const found = await forDecider(turn, entryId);
  if (isReply(found)) return found;
  const { stored: saved, changed } = await createImprovementRepository(services).update(found.record.id, (current) => {
    if (current.status !== 'proposed') return null;
    const next = decideImprovement(current, { actor: personRef(actor), now, approved, comment });
    return { next, note: { actor: auditActor(actor), action: `improvement.${next.status}`, extra: { comment } } };
  });
  const entry = saved.record;
  if (!changed) {
    const same = entry.decision?.approved === approved && entry.decision.by.id === actor.id;
    const said = same ? `You already ${approved ? 'approved' : 'rejected'} ${entry.id}.` : `${entry.id} is already ${statusWords(entry.status)}; there is nothing left to decide.`;
    return { update: cardForActor(services, entry, actor), messages: [textMessage(said)] };
  }
  await refreshCards(services, saved);
  const note = decisionNote(entry, actor.name, approved, comment);
  for (const person of new Set([entry.owner.id, entry.raisedBy.id])) {
    if (person !== actor.id && person !== 'system') await tell(services, person, note, KEYS.decisionNote(entry.id, saved.version, person));
  }
  return { update: cardForActor(services, entry, actor), messages: [textMessage(`${entry.id} is ${statusWords(entry.status)}.`)] };
}

/** Approve. */
export async function approve(turn: Turn<ActionEvent>): Promise<Reply> {
  return decide(turn, turn.event.value ?? '', true, '');
}

/** Reject…: the form asking why (permission and state checked first, so nobody fills in a form for nothing). */
export async function openReject(turn: Turn<ActionEvent>): Promise<Reply> {
  const found = await forDecider(turn, turn.event.value ?? '');
  if (isReply(found)) return found;
  if (found.record.status !== 'proposed') return { messages: [textMessage(`${found.record.id} is already ${statusWords(found.record.status)}; there is nothing left to decide.`)] };
  return { messages: [rejectForm(found.record)] };
}

/** The rejection form came back. */
export async function submitReject(turn: Turn<SubmitEvent>): Promise<Reply> {
  const reason = text(turn.event.values.reason);
  if (reason === '') return { errors: { reason: TEXT.rejectReason } };
  if (reason.length > LIMITS.note) return { errors: { reason: `The reason can be ${LIMITS.note} characters at most` } };
  return decide(turn, turn.event.state ?? '', false, reason);
}

/** Records the effectiveness check; the owner is told, the cards refreshed (no more buttons once verified). */
async function check(turn: Turn<ActionEvent | SubmitEvent>, entryId: string, effective: boolean, notes: string): Promise<Reply> {
  const { services, actor, now } = turn;
  const found = await forDecider(turn, entryId);
  if (isReply(found)) return found;
  const entry = found.record;
  if (entry.status !== 'done') {
    const said = entry.status === 'verified' || entry.status === 'rejected' ? TEXT.closed(entry.id, statusWords(entry.status)) : TEXT.notDone(entry.id, statusWords(entry.status));
    return { update: cardForActor(services, entry, actor), messages: [textMessage(said)] };
  }
  const next = verifyImprovement(entry, { actor: personRef(actor), now, effective, notes });
  const saved = await createImprovementRepository(services).save(next, found.version, {
    actor: auditActor(actor),
    action: effective ? 'improvement.verified' : 'improvement.not_effective',
    before: entry,
    extra: { effective, notes },
  });
  await refreshCards(services, saved);
  await tell(services, saved.record.owner.id, checkNote(saved.record, actor.name, effective, notes), KEYS.decisionNote(saved.record.id, saved.version, saved.record.owner.id));
  return { update: cardForActor(services, saved.record, actor), messages: [textMessage(`${saved.record.id} is ${statusWords(saved.record.status)}.`)] };
}

/** Verify effective. */
export async function verifyEffective(turn: Turn<ActionEvent>): Promise<Reply> {
  return check(turn, turn.event.value ?? '', true, '');
}

/** Not effective…: the form asking why. */
export async function openNotEffective(turn: Turn<ActionEvent>): Promise<Reply> {
  const found = await forDecider(turn, turn.event.value ?? '');
  if (isReply(found)) return found;
  if (found.record.status !== 'done') return { messages: [textMessage(TEXT.notDone(found.record.id, statusWords(found.record.status)))] };
  return { messages: [notEffectiveForm(found.record)] };
}

/** The "not effective" form came back. */
export async function submitNotEffective(turn: Turn<SubmitEvent>): Promise<Reply> {
  const notes = text(turn.event.values.notes);
  if (notes === '') return { errors: { notes: TEXT.notEffectiveNotes } };
  if (notes.length > LIMITS.note) return { errors: { notes: `Keep it to ${LIMITS.note} characters` } };
  return check(turn, turn.event.state ?? '', false, notes);
}
