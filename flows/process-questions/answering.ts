/**
 * Answering a question: check it, search the documents the person may read, pass the confidence gate, record
 * the question (and a gap when there was no good answer), and reply with a cited answer or an honest "I don't
 * know" with the offer to ask the owner. Feedback on an answer is recorded once; "not helpful" opens a gap.
 */
import { randomUUID } from 'node:crypto';
import { teamsOf } from '../../src/domain/organisation';
import { createKnowledgeGap, createProcessQuestion, recordQuestionFeedback, type AnswerRef, type ProcessQuestion } from '../../src/domain/question';
import type { ActionEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import { auditActor, personRef } from '../shared/actors';
import { decide } from './confidence';
import type { KnowledgeHit } from './knowledge-index';
import type { KnowledgePort } from './knowledge-port';
import { ownerLabel, ownerOf, processOfClause } from './owners';
import { answerMessage, dontKnowMessage, NOTHING_TO_ANSWER_FROM, problemMessage, TEXT, tooVagueMessage, unhelpfulMessage } from './process-questions.messages';
import { createQuestionRepository } from './question.repository';

function refOf(hit: KnowledgeHit): AnswerRef {
  return { docId: hit.section.doc.file, sectionId: hit.section.anchor || '_', title: hit.section.heading };
}

/** Answers `question` for the person of this turn. */
export async function answerQuestion(turn: Turn, knowledge: KnowledgePort, question: string): Promise<Reply> {
  const { services, actor, event, now } = turn;
  const channel = event.conversation.channel;
  const text = question.trim();
  const index = knowledge.current(services.logger);
  const reader = { teams: teamsOf(services.people.index, actor.id).map((team) => team.id) };
  const decision = decide(index, text, reader);
  if (decision.kind === 'problem') return { messages: [problemMessage(decision.problem, channel, text.length)] };
  if (decision.kind === 'no_documents') return { messages: [NOTHING_TO_ANSWER_FROM] };
  if (decision.kind === 'too_vague') return { messages: [tooVagueMessage(channel)] };
  const { judgement } = decision;
  const repo = createQuestionRepository(services);
  const best = judgement.best;
  const refs = judgement.confident && best ? [best, ...judgement.also].map(refOf) : judgement.hits.slice(0, 3).map(refOf);
  const process = processOfClause(best?.section.doc.iso20000);
  const record = createProcessQuestion({
    id: `q-${randomUUID()}`,
    text,
    askedBy: { ...personRef(actor), channel },
    at: now,
    ...(process ? { process } : {}),
    answerRefs: refs,
    score: Math.round((best?.score ?? 0) * 1000) / 1000,
  });

  if (judgement.confident && best) {
    await repo.addQuestion(record, auditActor(actor));
    const owner = ownerLabel(services.people.index, best.section.doc);
    return { messages: [answerMessage({ section: best.section, ...(owner ? { owner } : {}), also: judgement.also, questionId: record.id })] };
  }

  // No good answer: the question is a documentation gap, routed to whoever owns the nearest document.
  const owner = ownerOf(services.people.index, best?.section.doc);
  const gap = createKnowledgeGap(record, {
    id: `gap-${randomUUID()}`,
    now,
    reason: best ? 'low_score' : 'no_answer',
    ...(owner ? { routedTo: { id: owner.id, name: owner.name, email: owner.email } } : {}),
  });
  await repo.addQuestion({ ...record, gapId: gap.id }, auditActor(actor));
  await repo.addGap(gap, auditActor(actor));
  return {
    messages: [dontKnowMessage({ question: text, gapId: gap.id, ...(owner ? { owner: owner.name } : {}), ...(best && best.coverage >= 0.5 ? { nearest: best.section } : {}) })],
  };
}

/** 👍 / 👎 on an answer: recorded once, by the person who asked; 👎 opens a gap and offers the owner. */
export async function recordFeedback(turn: Turn<ActionEvent>, knowledge: KnowledgePort, helpful: boolean): Promise<Reply> {
  const { services, actor, now } = turn;
  const repo = createQuestionRepository(services);
  const question: ProcessQuestion = await repo.getQuestion(turn.event.value ?? '');
  if (question.askedBy.id !== actor.id) return { messages: [textMessage(TEXT.notYours)] };
  if (question.feedback) return { messages: [textMessage(TEXT.alreadyRated)] };
  const rated = recordQuestionFeedback(question, helpful, now);
  if (helpful) {
    const fresh = await repo.recordFeedback(rated, auditActor(actor));
    return { messages: [textMessage(fresh ? TEXT.thanks : TEXT.alreadyRated)] };
  }
  const firstRef = question.answerRefs[0];
  const doc = firstRef ? knowledge.current(services.logger).documents.find((d) => d.file === firstRef.docId) : undefined;
  const owner = ownerOf(services.people.index, doc);
  const gap = createKnowledgeGap(rated, {
    id: `gap-${randomUUID()}`,
    now,
    reason: 'unhelpful',
    ...(owner ? { routedTo: { id: owner.id, name: owner.name, email: owner.email } } : {}),
  });
  const fresh = await repo.recordFeedback({ ...rated, gapId: gap.id }, auditActor(actor));
  if (!fresh) return { messages: [textMessage(TEXT.alreadyRated)] };
  await repo.addGap(gap, auditActor(actor));
  return { messages: [unhelpfulMessage(gap.id, owner?.name)] };
}
