/**
 * Knowledge gaps after they are logged: the asker sends one to the process owner, the owner answers it from a
 * form and the answer goes back to the asker, and `gaps` lists the open ones for process owners.
 */
import { hasRole, personById } from '../../src/domain/organisation';
import { answerKnowledgeGap } from '../../src/domain/question';
import type { ActionEvent, SubmitEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import { auditActor, personRef } from '../shared/actors';
import { KEYS, LIMITS } from './process-questions.ids';
import { answerForm, answerToAskerMessage, gapsMessage, ownerAskedMessage, ownerCard, TEXT } from './process-questions.messages';
import { createQuestionRepository } from './question.repository';

/** "Ask the process owner": the owner gets the question with an Answer button, once. */
export async function sendToOwner(turn: Turn<ActionEvent>): Promise<Reply> {
  const { services, actor } = turn;
  const repo = createQuestionRepository(services);
  const { gap, ownerAskedAt } = await repo.getGap(turn.event.value ?? '');
  if (gap.askedBy.id !== actor.id) return { messages: [textMessage(TEXT.notYours)] };
  if (!gap.routedTo) return { messages: [textMessage(TEXT.noOwner)] };
  if (gap.status !== 'open') return { messages: [textMessage(TEXT.alreadyAnswered)] };
  if (ownerAskedAt) return { messages: [textMessage(TEXT.alreadyAsked(gap.routedTo.name))] };
  // The send is keyed by the gap: a retry after a crash between the send and the mark never sends twice.
  await services.notifier.notify({ person: gap.routedTo.id }, ownerCard(gap), { key: KEYS.toOwner(gap.id) });
  const fresh = await repo.markOwnerAsked(gap, auditActor(actor));
  const reply = fresh ? ownerAskedMessage(gap.routedTo.name) : textMessage(TEXT.alreadyAsked(gap.routedTo.name));
  return { update: reply, messages: [reply] };
}

function mayAnswer(turn: Turn, routedTo: string | undefined): boolean {
  if (routedTo === turn.actor.id) return true;
  return hasRole(personById(turn.services.people.index, turn.actor.id), 'process-owner');
}

/** The owner's Answer button: the answer form. */
export async function openAnswerForm(turn: Turn<ActionEvent>): Promise<Reply> {
  const { gap } = await createQuestionRepository(turn.services).getGap(turn.event.value ?? '');
  if (!mayAnswer(turn, gap.routedTo?.id)) return { messages: [textMessage(TEXT.answerNotAllowed(gap.routedTo?.name ?? 'a process owner'))] };
  if (gap.status !== 'open') return { messages: [textMessage(TEXT.alreadyAnswered)] };
  return { messages: [answerForm(gap)] };
}

/** The answer form came back: checked, saved once, sent to the asker. */
export async function submitAnswer(turn: Turn<SubmitEvent>): Promise<Reply> {
  const { services, actor, now } = turn;
  const repo = createQuestionRepository(services);
  const { gap } = await repo.getGap(turn.event.state ?? '');
  if (!mayAnswer(turn, gap.routedTo?.id)) return { messages: [textMessage(TEXT.answerNotAllowed(gap.routedTo?.name ?? 'a process owner'))] };
  const raw = turn.event.values.answer;
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return { errors: { answer: TEXT.answerEmpty } };
  if (text.length > LIMITS.ownerAnswer) return { errors: { answer: TEXT.answerTooLong(LIMITS.ownerAnswer) } };
  if (gap.status !== 'open') return { messages: [textMessage(TEXT.alreadyAnswered)] };
  const answered = answerKnowledgeGap(gap, { actor: personRef(actor), now, text });
  if (!(await repo.saveAnswer(answered, gap, auditActor(actor)))) return { messages: [textMessage(TEXT.alreadyAnswered)] };
  await services.notifier.notify({ person: gap.askedBy.id }, answerToAskerMessage(gap, actor.name, text), { key: KEYS.answerToAsker(gap.id) });
  return { messages: [textMessage(TEXT.answerSent(gap.askedBy.name))] };
}

/** `gaps`: the open documentation gaps, for process owners only. */
export async function listGaps(turn: Turn): Promise<Reply> {
  const { services, actor } = turn;
  if (!hasRole(personById(services.people.index, actor.id), 'process-owner')) return { messages: [textMessage(TEXT.gapsRefused)] };
  const repo = createQuestionRepository(services);
  const [gaps, total] = await Promise.all([repo.listOpen(LIMITS.gapsListed), repo.countOpen()]);
  return { messages: [gapsMessage(gaps, total, actor.id, actor.timeZone)] };
}
