import { InvalidTransitionError } from '../../src/domain/errors';
import {
  answerKnowledgeGap,
  createKnowledgeGap,
  createProcessQuestion,
  dismissKnowledgeGap,
  gapReason,
  knowledgeGapSchema,
  recordQuestionFeedback,
} from '../../src/domain/question';
import { A_MONDAY_MORNING, aPersonRef, aReporter } from '../support/mothers';

const question = (overrides: Partial<Parameters<typeof createProcessQuestion>[0]> = {}) =>
  createProcessQuestion({
    id: 'q-1',
    text: 'How do I request a laptop for a new starter?',
    askedBy: aReporter(),
    at: A_MONDAY_MORNING,
    process: 'service-request',
    answerRefs: [{ docId: 'service-request', sectionId: 'new-starters', title: 'New starters' }],
    score: 12.5,
    ...overrides,
  });

describe('process questions', () => {
  it('records the question with its answer references', () => {
    expect(question()).toMatchObject({ id: 'q-1', score: 12.5, answerRefs: [{ sectionId: 'new-starters' }] });
    expect(createProcessQuestion({ id: 'q-2', text: 'Who owns payroll?', askedBy: aReporter(), at: A_MONDAY_MORNING })).toMatchObject({
      answerRefs: [],
      score: 0,
    });
  });

  it('refuses an empty question', () => {
    expect(() => question({ text: '   ' })).toThrow();
  });

  it('decides when a question is a knowledge gap', () => {
    expect(gapReason(question(), 5)).toBeNull();
    expect(gapReason(question({ score: 2 }), 5)).toBe('low_score');
    expect(gapReason(question({ answerRefs: [], score: 0 }), 5)).toBe('no_answer');
    expect(gapReason(recordQuestionFeedback(question(), false, A_MONDAY_MORNING, ' wrong form '), 5)).toBe('unhelpful');
    expect(recordQuestionFeedback(question(), false, A_MONDAY_MORNING, ' wrong form ').feedback).toEqual({
      helpful: false,
      at: A_MONDAY_MORNING,
      comment: 'wrong form',
    });
  });
});

describe('knowledge gaps', () => {
  const alice = aPersonRef({ id: 'alice', name: 'Alice Adams' });
  const gap = () => createKnowledgeGap(question({ score: 1 }), { id: 'gap-1', now: A_MONDAY_MORNING, reason: 'low_score', routedTo: alice });

  it('opens routed to the process owner', () => {
    expect(gap()).toMatchObject({ id: 'gap-1', questionId: 'q-1', status: 'open', routedTo: alice, process: 'service-request' });
    expect(knowledgeGapSchema.parse(gap())).toEqual(gap());
  });

  it('is answered or dismissed once, with text', () => {
    const answered = answerKnowledgeGap(gap(), { actor: alice, now: A_MONDAY_MORNING, text: 'Use the New Starter form in the HR portal.' });
    expect(answered).toMatchObject({ status: 'answered', answer: { text: 'Use the New Starter form in the HR portal.', by: alice } });
    expect(() => answerKnowledgeGap(answered, { actor: alice, now: A_MONDAY_MORNING, text: 'again' })).toThrow(InvalidTransitionError);
    expect(() => dismissKnowledgeGap(gap(), { actor: alice, now: A_MONDAY_MORNING, reason: '' })).toThrow('Say why the gap is dismissed.');
    expect(dismissKnowledgeGap(gap(), { actor: alice, now: A_MONDAY_MORNING, reason: 'Not a process question' }).status).toBe('dismissed');
  });
});
