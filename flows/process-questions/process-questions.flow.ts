/**
 * `process-questions`: "how do I…?" answered from the organisation's own process documents, cited, with a human
 * fallback (ISO/IEC 20000-1 clause 7.6, and the documented processes of clause 8). This file only routes:
 * answering lives in answering.ts, gaps in gaps.ts, the index behind the {@link KnowledgePort}.
 */
import { defineFlow, type Flow } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import { answerQuestion, recordFeedback } from './answering';
import { listGaps, openAnswerForm, sendToOwner, submitAnswer } from './gaps';
import { sharedKnowledge, type KnowledgePort } from './knowledge-port';
import { ACTIONS, FLOW_ID, FORMS } from './process-questions.ids';
import { questionIntentScore } from './question-intent';

/** Builds the flow over a source of the knowledge index (tests hand it a fixed one). */
export function createProcessQuestionsFlow(knowledge: KnowledgePort): Flow {
  return defineFlow({
    id: FLOW_ID,
    title: 'Process questions',
    commands: [
      { name: 'ask', usage: 'ask <question>', description: 'ask how something is done here; answered from the process documents' },
      { name: 'gaps', usage: 'gaps', description: 'questions the documents could not answer (process owners)' },
    ],

    matchText: (text, { org }) => questionIntentScore(text, org),

    async onCommand(turn) {
      const { command, args } = turn.event;
      if (command.toLowerCase() === 'gaps') return listGaps(turn);
      return answerQuestion(turn, knowledge, turn.event.quote?.text ?? args);
    },

    onText: (turn) => answerQuestion(turn, knowledge, turn.event.text),

    async onAction(turn, action) {
      switch (action) {
        case ACTIONS.helpful:
          return recordFeedback(turn, knowledge, true);
        case ACTIONS.unhelpful:
          return recordFeedback(turn, knowledge, false);
        case ACTIONS.askOwner:
          return sendToOwner(turn);
        case ACTIONS.answer:
          return openAnswerForm(turn);
        default:
          return { messages: [textMessage('That button is no longer available.')] };
      }
    },

    async onSubmit(turn, form) {
      if (form === FORMS.answer) return submitAnswer(turn);
      return { messages: [textMessage('That form is no longer available.')] };
    },
  });
}

/** The registered flow, answering from the index the composition root keeps current. */
export const processQuestionsFlow = createProcessQuestionsFlow(sharedKnowledge);
