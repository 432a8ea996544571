/**
 * Authorising: the approval card to each approver the route names (once per change and person), decisions from
 * its buttons (Approve; Reject with a reason; Ask a question), every copy of the card refreshed in place once the
 * change is decided, and the requester told. The rules (who may decide, quorum, rejection, no second vote) are
 * the domain's, in change-approval.ts.
 */
import { withdrawChange } from '../../src/domain/change-actions';
import { decideChange, pendingApprovers } from '../../src/domain/change-approval';
import { isDomainError } from '../../src/domain/errors';
import type { MessageRef } from '../../src/domain/records';
import type { ActionEvent, SubmitEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import { auditActor, personRef, SYSTEM_AUDIT_ACTOR, tell } from '../shared/actors';
import { timeZoneOf } from '../shared/people';
import { createChangeRepository, type StoredChange } from './change.repository';
import { KEYS, LIMITS } from './request-change.ids';
import { answerMessage, approvalCard, askForm, decisionNote, questionMessage, rejectForm, replyForm, statusWords, TEXT } from './request-change.messages';

const APPROVAL_CARD = 'approval-card';

/**
 * Sends the approval card to every approver still to decide (once per change and person, whatever retries do) and
 * keeps where each copy went on the record, so a decision updates them all in place.
 */
export async function announceToApprovers(services: Services, stored: StoredChange): Promise<StoredChange> {
  const change = stored.record;
  if (change.status !== 'submitted' && change.status !== 'assessed') return stored;
  const refs: MessageRef[] = [];
  for (const approver of pendingApprovers(change, services.org)) {
    if (change.messages.some((m) => m.purpose === APPROVAL_CARD && m.conversationId === approver)) continue;
    try {
      const result = await services.notifier.notify({ person: approver }, approvalCard(services.org, change, timeZoneOf(services, approver)), { key: KEYS.approvalCard(change.id, approver) });
      for (const d of result.deliveries) refs.push({ channel: d.ref.channel, conversationId: approver, messageId: d.ref.ref, purpose: APPROVAL_CARD });
    } catch (error) {
      services.logger.warn({ err: error, change: change.id, approver }, 'approval card could not be sent');
    }
  }
  if (refs.length === 0) return stored;
  const repo = createChangeRepository(services);
  let current = stored;
  // A decision may land while the cards are on their way: keep the refs on whatever version is current.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const next = { ...current.record, messages: [...current.record.messages, ...refs.filter((r) => !current.record.messages.some((m) => m.messageId === r.messageId))] };
      return await repo.save(next, current.version, { actor: SYSTEM_AUDIT_ACTOR, action: 'change.approvers_notified', before: current.record, extra: { cards: refs.length } });
    } catch (error) {
      if (!isDomainError(error, 'conflict')) throw error;
      current = await repo.get(change.id);
    }
  }
  return current;
}

/** Refreshes every approver's copy of the card; a platform failing on one copy does not undo the decision. */
async function refreshCards(services: Services, stored: StoredChange): Promise<void> {
  for (const ref of stored.record.messages.filter((m) => m.purpose === APPROVAL_CARD)) {
    try {
      await services.notifier.update({ channel: ref.channel, ref: ref.messageId }, approvalCard(services.org, stored.record, timeZoneOf(services, ref.conversationId)));
    } catch (error) {
      services.logger.warn({ err: error, change: stored.record.id, channel: ref.channel }, 'approval card could not be updated');
    }
  }
}

/**
 * Records one decision; the card updates in place, and once the change is decided the requester is told. Two
 * clicks at once are decided one after the other: the second sees the first and is answered "already".
 */
async function decide(turn: Turn<ActionEvent | SubmitEvent>, changeId: string, decision: 'approved' | 'rejected', comment: string): Promise<Reply> {
  const { services, actor, now } = turn;
  const repo = createChangeRepository(services);
  const { before, stored: saved, changed } = await repo.update(changeId, (current) => {
    const next = decideChange(current, { actor: personRef(actor), now, decision, comment }, services.org);
    if (next === current) return null;
    const settled = next.status !== current.status;
    return { next, note: { actor: auditActor(actor), action: settled ? `change.${next.status}` : 'change.decision_recorded', extra: { decision, comment } } };
  });
  if (!changed) {
    // The same decision again (a double click, a replayed card): counted once, said once more.
    return { update: approvalCard(services.org, saved.record, actor.timeZone), messages: [textMessage(`You already ${decision} ${changeId}.`)] };
  }
  const settled = saved.record.status !== before.status;
  await refreshCards(services, saved);
  if (settled) await tell(services, saved.record.requester.id, decisionNote(saved.record, actor.name, comment), KEYS.requesterNote(saved.record.id, saved.version));
  const said = settled ? `${changeId} is now ${statusWords(saved.record.status)}.` : `Your ${decision === 'approved' ? 'approval' : 'rejection'} of ${changeId} is recorded; more decisions are needed.`;
  return { update: approvalCard(services.org, saved.record, actor.timeZone), messages: [textMessage(said)] };
}

/** Approve. */
export async function approve(turn: Turn<ActionEvent>): Promise<Reply> {
  return decide(turn, turn.event.value ?? '', 'approved', '');
}

/** Reject…: the form asking why (checked against the rules first, so nobody fills in a form for nothing). */
export async function openReject(turn: Turn<ActionEvent>): Promise<Reply> {
  const repo = createChangeRepository(turn.services);
  const stored = await repo.get(turn.event.value ?? '');
  if (stored.record.status !== 'submitted' && stored.record.status !== 'assessed') return { messages: [textMessage(TEXT.decided(stored.record.id, statusWords(stored.record.status)))] };
  return { messages: [rejectForm(stored.record)] };
}

/** The rejection form came back. */
export async function submitReject(turn: Turn<SubmitEvent>): Promise<Reply> {
  const reason = typeof turn.event.values.reason === 'string' ? turn.event.values.reason.trim() : '';
  if (reason === '') return { errors: { reason: TEXT.rejectReason } };
  if (reason.length > LIMITS.comment) return { errors: { reason: `The reason can be ${LIMITS.comment} characters at most` } };
  return decide(turn, turn.event.state ?? '', 'rejected', reason);
}

/** Ask a question: the form. */
export async function openAsk(turn: Turn<ActionEvent>): Promise<Reply> {
  const stored = await createChangeRepository(turn.services).get(turn.event.value ?? '');
  return { messages: [askForm(stored.record)] };
}

/** The question goes to the requester (once per question asked). */
export async function submitAsk(turn: Turn<SubmitEvent>): Promise<Reply> {
  const { services, actor } = turn;
  const question = typeof turn.event.values.question === 'string' ? turn.event.values.question.trim() : '';
  if (question === '') return { errors: { question: TEXT.questionEmpty } };
  if (question.length > LIMITS.comment) return { errors: { question: `The question can be ${LIMITS.comment} characters at most` } };
  const repo = createChangeRepository(services);
  const stored = await repo.get(turn.event.state ?? '');
  const asked = stored.record.notes.filter((n) => n.by.id === actor.id).length;
  const next = { ...stored.record, notes: [...stored.record.notes, { at: turn.now, by: personRef(actor), text: `Question: ${question}` }], updatedAt: turn.now };
  const saved = await repo.save(next, stored.version, { actor: auditActor(actor), action: 'change.question_asked', before: stored.record, extra: { question } });
  await tell(services, saved.record.requester.id, questionMessage(saved.record, { id: actor.id, name: actor.name }, question), KEYS.question(saved.record.id, actor.id, asked + 1));
  return { messages: [textMessage(TEXT.questionSent(saved.record.id, saved.record.requester.name))] };
}

/** `CHG-… person-id` from a Reply button or form: the change and the approver who asked. */
function replyTarget(services: Services, value: string | undefined): { changeId: string; asker: { id: string; name: string } } | null {
  const [changeId, askerId] = (value ?? '').split(' ');
  const asker = askerId ? services.org.people.find((p) => p.id === askerId) : undefined;
  return changeId && asker ? { changeId, asker: { id: asker.id, name: asker.name } } : null;
}

/** Reply: the requester answers an approver's question. */
export async function openReply(turn: Turn<ActionEvent>): Promise<Reply> {
  const target = replyTarget(turn.services, turn.event.value);
  if (!target) return { messages: [textMessage('That button is no longer available.')] };
  const stored = await createChangeRepository(turn.services).get(target.changeId);
  if (stored.record.requester.id !== turn.actor.id) return { messages: [textMessage(TEXT.onlyRequesterReplies(stored.record.id))] };
  return { messages: [replyForm(stored.record, target.asker)] };
}

/** The answer goes to the approver who asked (once per answer), and is kept on the change. */
export async function submitReply(turn: Turn<SubmitEvent>): Promise<Reply> {
  const { services, actor } = turn;
  const answer = typeof turn.event.values.answer === 'string' ? turn.event.values.answer.trim() : '';
  if (answer === '') return { errors: { answer: 'Type your answer' } };
  if (answer.length > LIMITS.comment) return { errors: { answer: `The answer can be ${LIMITS.comment} characters at most` } };
  const target = replyTarget(services, turn.event.state);
  if (!target) return { messages: [textMessage('That form is no longer available.')] };
  const repo = createChangeRepository(services);
  const stored = await repo.get(target.changeId);
  if (stored.record.requester.id !== actor.id) return { messages: [textMessage(TEXT.onlyRequesterReplies(stored.record.id))] };
  const answered = stored.record.notes.filter((n) => n.by.id === actor.id && n.text.startsWith('Answer to ')).length;
  const next = { ...stored.record, notes: [...stored.record.notes, { at: turn.now, by: personRef(actor), text: `Answer to ${target.asker.name}: ${answer}` }], updatedAt: turn.now };
  const saved = await repo.save(next, stored.version, { actor: auditActor(actor), action: 'change.question_answered', before: stored.record, extra: { to: target.asker.id, answer } });
  await tell(services, target.asker.id, answerMessage(saved.record, actor.name, answer), KEYS.answer(saved.record.id, target.asker.id, answered + 1));
  return { messages: [textMessage(TEXT.answerSent(saved.record.id, target.asker.name))] };
}

/** Withdraw: the requester takes the change back before it is decided; approvers' cards say so. */
export async function withdraw(turn: Turn<ActionEvent>): Promise<Reply> {
  const { services, actor, now } = turn;
  const repo = createChangeRepository(services);
  const current = await repo.get(turn.event.value ?? '');
  if (current.record.requester.id !== actor.id) return { messages: [textMessage(TEXT.onlyRequester(current.record.id))] };
  const { stored: saved } = await repo.update(current.record.id, (change) => {
    const next = withdrawChange(change, { actor: personRef(actor), now, reason: 'Withdrawn by the requester' });
    return next === change ? null : { next, note: { actor: auditActor(actor), action: 'change.withdrawn' } };
  });
  await refreshCards(services, saved);
  return { update: textMessage(`${saved.record.id} was withdrawn.`), messages: [textMessage(`${saved.record.id} was withdrawn; approvers will no longer be asked.`)] };
}
