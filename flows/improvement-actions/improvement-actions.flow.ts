/**
 * `improvement-actions`: the improvement register (ISO/IEC 20000-1 clause 10: corrective actions 10.1, continual
 * improvement 10.2) written once against the engine, for Slack, Teams and the web chat alike. This file only
 * routes: raising lives in intake.ts, decisions and effectiveness checks in decisions.ts, the owner's answers in
 * owner-answers.ts, look-ups in lookup.ts, the sweep in improvement-nudges.job.ts, every word in the messages file.
 */
import { defineFlow } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import { approve, openNotEffective, openReject, submitNotEffective, submitReject, verifyEffective } from './decisions';
import { ACTIONS, FLOW_ID, FORMS } from './improvement-actions.ids';
import { improvementStateSchema, type ImprovementState } from './improvement-actions.state';
import { improvementNudgesJob } from './improvement-nudges.job';
import { improvementDigestJob, openFromDigest } from './digest.job';
import { DIGEST_ACTIONS } from './digest.messages';
import { cancelDraft, editDraft, raiseFromRecord, reviewRaise, startRaise, submitDraft } from './intake';
import { homeBlocks, showActions, showImprovement } from './lookup';
import { openDefer, openDone, openProgress, snooze, submitDefer, submitDone, submitProgress } from './owner-answers';

/** An improvement number as people type it: `IMP-000012`, `imp-12`, `IMP12`. */
const IMPROVEMENT_NUMBER = /^imp-?\d{1,12}$/i;

/** Words that raise an improvement rather than report a fault. */
const IMPROVE_WORDS = /\b(improvement (idea|action)|corrective action|nonconformit(y|ies)|we (could|should) improve|lessons? learn(ed|t)|audit finding)\b/i;

/** The improvement flow. */
export const improvementActionsFlow = defineFlow<ImprovementState>({
  id: FLOW_ID,
  title: 'Improvements',
  stateSchema: improvementStateSchema,
  commands: [
    { name: 'improve', aliases: ['imp'], usage: 'improve [title]', description: 'raise an improvement or a corrective action (clause 10)' },
    { name: 'actions', usage: 'actions', description: 'your open improvement actions, overdue first (and your team’s, for a manager)' },
    { name: 'IMP-000012', pattern: IMPROVEMENT_NUMBER, usage: 'IMP-000012', description: 'look up an improvement action' },
  ],

  matchText: (text) => (IMPROVE_WORDS.test(text) ? 0.6 : 0),

  async onCommand(turn) {
    const word = turn.event.command.toLowerCase();
    if (word === 'actions') return showActions(turn);
    if (IMPROVEMENT_NUMBER.test(word)) return showImprovement(turn, turn.event.command);
    return startRaise(turn);
  },

  async onText(turn) {
    return startRaise({ ...turn, event: { ...turn.event, type: 'command', command: 'improve', args: '' } });
  },

  async onAction(turn, action) {
    switch (action) {
      case ACTIONS.submit:
        return submitDraft(turn);
      case ACTIONS.edit:
        return editDraft(turn);
      case ACTIONS.cancel:
        return cancelDraft(turn);
      case ACTIONS.approve:
        return approve(turn);
      case ACTIONS.reject:
        return openReject(turn);
      case ACTIONS.progress:
        return openProgress(turn);
      case ACTIONS.done:
        return openDone(turn);
      case ACTIONS.defer:
        return openDefer(turn);
      case ACTIONS.snooze:
        return snooze(turn);
      case ACTIONS.effective:
        return verifyEffective(turn);
      case ACTIONS.notEffective:
        return openNotEffective(turn);
      case ACTIONS.raise:
        return raiseFromRecord(turn);
      case DIGEST_ACTIONS.open:
        return openFromDigest(turn);
      default:
        return { messages: [textMessage('That button is no longer available.')] };
    }
  },

  async onSubmit(turn, form) {
    switch (form) {
      case FORMS.raise:
        return reviewRaise(turn);
      case FORMS.reject:
        return submitReject(turn);
      case FORMS.progress:
        return submitProgress(turn);
      case FORMS.done:
        return submitDone(turn);
      case FORMS.defer:
        return submitDefer(turn);
      case FORMS.notEffective:
        return submitNotEffective(turn);
      default:
        return { messages: [textMessage('That form is no longer available.')] };
    }
  },

  home: homeBlocks,

  jobs: (services) => [improvementNudgesJob(services), improvementDigestJob(services)],
});
