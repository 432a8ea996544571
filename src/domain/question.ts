/**
 * Process questions ("how do I request a new starter's laptop?") answered from the organisation's own process
 * documents, and knowledge gaps: questions the bot could not answer well, routed to the owner of the process so
 * the documents improve (clause 7.6 knowledge; the gap list is also an input to continual improvement).
 */
import { z } from 'zod';
import { DomainError } from './errors';
import { defineLifecycle } from './lifecycle';
import { PROCESS_IDS } from './organisation.schema';
import { personRefSchema, recordTimestamps, reporterSchema, shortText, type PersonRef } from './records';

/** A passage of a process document an answer was drawn from. */
export const answerRefSchema = z.object({
  docId: z.string().min(1),
  sectionId: z.string().min(1),
  title: z.string().optional(),
});
/** A reference to a document section. */
export type AnswerRef = z.output<typeof answerRefSchema>;

/** A question someone asked and what the bot answered with. */
export const processQuestionSchema = z.object({
  id: z.string().min(1),
  text: shortText(1000, 'Question'),
  askedBy: reporterSchema,
  at: z.date(),
  /** The process the question was about, when the bot could tell. */
  process: z.enum(PROCESS_IDS).optional(),
  /** Sections the answer came from, best first (empty when nothing matched). */
  answerRefs: z.array(answerRefSchema).default([]),
  /** How well the best section matched (search score, higher is better; 0 when nothing matched). */
  score: z.number().min(0).default(0),
  feedback: z.object({ helpful: z.boolean(), at: z.date(), comment: z.string().optional() }).optional(),
  /** The knowledge gap raised for it, if any. */
  gapId: z.string().optional(),
});
/** A process question. */
export type ProcessQuestion = z.output<typeof processQuestionSchema>;

/** Knowledge gap states. */
export const GAP_STATUSES = ['open', 'answered', 'dismissed'] as const;

/** A gap is answered (the owner wrote an answer, ideally into the documents) or dismissed (with a reason). */
export const knowledgeGapLifecycle = defineLifecycle({
  kind: 'knowledge gap',
  states: GAP_STATUSES,
  transitions: {
    answer: { from: ['open'], to: 'answered' },
    dismiss: { from: ['open'], to: 'dismissed' },
    reopen: { from: ['answered', 'dismissed'], to: 'open' },
  },
});

/** A question the documents did not answer, waiting for the process owner. */
export const knowledgeGapSchema = z.object({
  id: z.string().min(1),
  questionId: z.string().min(1),
  question: z.string().min(1),
  askedBy: reporterSchema,
  process: z.enum(PROCESS_IDS).optional(),
  /** The process owner it was routed to (absent when the file names nobody for that process). */
  routedTo: personRefSchema.optional(),
  status: z.enum(GAP_STATUSES),
  /** Why it is a gap: nothing matched, a weak match, or someone said the answer did not help. */
  reason: z.enum(['no_answer', 'low_score', 'unhelpful']),
  answer: z.object({ text: z.string().min(1), by: personRefSchema, at: z.date(), docRef: answerRefSchema.optional() }).optional(),
  dismissal: z.object({ reason: z.string().min(1), by: personRefSchema, at: z.date() }).optional(),
  ...recordTimestamps,
});
/** A knowledge gap. */
export type KnowledgeGap = z.output<typeof knowledgeGapSchema>;

/** Records a question and its answer references (ids and time passed in). */
export function createProcessQuestion(input: {
  id: string;
  text: string;
  askedBy: z.input<typeof reporterSchema>;
  at: Date;
  process?: ProcessQuestion['process'];
  answerRefs?: AnswerRef[];
  score?: number;
}): ProcessQuestion {
  return processQuestionSchema.parse(input);
}

/** Records whether the answer helped. */
export function recordQuestionFeedback(question: ProcessQuestion, helpful: boolean, at: Date, comment?: string): ProcessQuestion {
  return { ...question, feedback: { helpful, at, ...(comment?.trim() ? { comment: comment.trim() } : {}) } };
}

/**
 * Whether a question is a knowledge gap: nothing matched, the best match scored below `minScore`, or the
 * person said the answer did not help. Null when it was answered well enough.
 */
export function gapReason(question: ProcessQuestion, minScore: number): KnowledgeGap['reason'] | null {
  if (question.feedback?.helpful === false) return 'unhelpful';
  if (question.answerRefs.length === 0) return 'no_answer';
  if (question.score < minScore) return 'low_score';
  return null;
}

/** Opens a gap for a question, routed to the process owner. */
export function createKnowledgeGap(
  question: ProcessQuestion,
  ctx: { id: string; now: Date; reason: KnowledgeGap['reason']; routedTo?: PersonRef },
): KnowledgeGap {
  return knowledgeGapSchema.parse({
    id: ctx.id,
    questionId: question.id,
    question: question.text,
    askedBy: question.askedBy,
    process: question.process,
    routedTo: ctx.routedTo,
    status: 'open',
    reason: ctx.reason,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
}

/** The process owner (or anyone they delegate to) answers the gap. */
export function answerKnowledgeGap(
  gap: KnowledgeGap,
  ctx: { actor: PersonRef; now: Date; text: string; docRef?: AnswerRef },
): KnowledgeGap {
  const status = knowledgeGapLifecycle.next(gap.status, 'answer', gap.id);
  const text = ctx.text.trim();
  if (text === '') throw new DomainError('invalid_input', 'An answer needs some text.');
  return { ...gap, status, answer: { text, by: ctx.actor, at: ctx.now, ...(ctx.docRef ? { docRef: ctx.docRef } : {}) }, updatedAt: ctx.now };
}

/** Dismisses a gap (out of scope, a duplicate, not a process question), with a reason. */
export function dismissKnowledgeGap(gap: KnowledgeGap, ctx: { actor: PersonRef; now: Date; reason: string }): KnowledgeGap {
  const status = knowledgeGapLifecycle.next(gap.status, 'dismiss', gap.id);
  const reason = ctx.reason.trim();
  if (reason === '') throw new DomainError('invalid_input', 'Say why the gap is dismissed.');
  return { ...gap, status, dismissal: { reason, by: ctx.actor, at: ctx.now }, updatedAt: ctx.now };
}
