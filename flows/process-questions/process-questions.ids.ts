/**
 * Ids of the process-questions flow in one place: the flow id prefixes every button and form
 * (`process-questions:helpful`), so an id is never typed twice; limits shared by the checks and the forms.
 */
import { actionId, type ActionId } from '../../src/engine/message';

/** The flow's id. */
export const FLOW_ID = 'process-questions';

/** Buttons: feedback on an answer, the offer to ask the owner, the owner's Answer. */
export const ACTIONS = {
  helpful: 'helpful',
  unhelpful: 'unhelpful',
  askOwner: 'ask-owner',
  answer: 'answer',
} as const;

/** Forms: the owner's answer to a gap. */
export const FORMS = { answer: 'answer' } as const;

/** `process-questions:<name>` for a button or form of this flow. */
export function id(name: string): ActionId {
  return actionId(FLOW_ID, name);
}

/** Limits: a question is one question (the record keeps 1,000 characters); an owner's answer fits a chat message. */
export const LIMITS = { question: 1000, ownerAnswer: 3000, excerpt: 1400, gapsListed: 20, gapButtons: 5 } as const;

/** Idempotency keys, derived from the records they guard. */
export const KEYS = {
  toOwner: (gapId: string) => `knowledge-gap:${gapId}:to-owner`,
  answerToAsker: (gapId: string) => `knowledge-gap:${gapId}:answer-to-asker`,
};

/** The ISO/IEC 20000-1 clause questions and gaps are evidence for (7.6, knowledge). */
export const KNOWLEDGE_CLAUSE = '7.6';
