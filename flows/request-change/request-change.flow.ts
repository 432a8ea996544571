/**
 * `request-change`: change enablement (ISO/IEC 20000-1 clause 8.5.1) written once against the engine, for Slack,
 * Teams and the web chat alike. This file only routes: requesting lives in intake.ts, authorising in approval.ts,
 * look-ups in lookup.ts, every word people read in the messages file.
 */
import { defineFlow } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import { approve, openAsk, openReject, openReply, submitAsk, submitReject, submitReply, withdraw } from './approval';
import { changeNudgesJob } from './change-nudges.job';
import { markStarted, openOutcome, openReview, submitOutcome, submitReview } from './implementation';
import { cancelDraft, chooseType, editDraft, reviewRequest, startRequest, submitDraft } from './intake';
import { homeBlocks, showChange, showSchedule } from './lookup';
import { ACTIONS, FLOW_ID, FORMS } from './request-change.ids';
import { typeChoiceMessage } from './request-change.messages';
import { changeStateSchema, type ChangeState } from './request-change.state';

/** A change number as people type it: `CHG-000045`, `chg-45`, `CHG45`. */
const CHANGE_NUMBER = /^chg-?\d{1,12}$/i;

/** Words that ask for a change rather than report a fault. */
const CHANGE_WORDS = /\b(i need to|we need to|planning to|plan to|want to|going to|schedule|upgrade|patch|deploy|migrate|install|replace|decommission|change request|rfc)\b/i;

/** The change flow. */
export const requestChangeFlow = defineFlow<ChangeState>({
  id: FLOW_ID,
  title: 'Changes',
  stateSchema: changeStateSchema,
  commands: [
    { name: 'change', aliases: ['rfc'], usage: 'change [standard|normal|emergency]', description: 'request a change (its approvers decide in chat)' },
    { name: 'changes', usage: 'changes', description: 'the change schedule for the next 14 days, with freeze windows' },
    { name: 'CHG-000045', pattern: CHANGE_NUMBER, usage: 'CHG-000045', description: 'look up a change' },
  ],

  matchText: (text) => (CHANGE_WORDS.test(text) && /\b(on|this|next|tonight|tomorrow|saturday|sunday|weekend|server|servers|database|db|firewall|release)\b/i.test(text) ? 0.6 : 0),

  async onCommand(turn) {
    const word = turn.event.command.toLowerCase();
    if (word === 'changes') return showSchedule(turn);
    if (CHANGE_NUMBER.test(word)) return showChange(turn, turn.event.command);
    return startRequest(turn);
  },

  async onText() {
    return { messages: [typeChoiceMessage()] };
  },

  async onAction(turn, action) {
    switch (action) {
      case ACTIONS.type:
        return chooseType(turn);
      case ACTIONS.edit:
        return editDraft(turn);
      case ACTIONS.submit:
        return submitDraft(turn);
      case ACTIONS.cancel:
        return cancelDraft(turn);
      case ACTIONS.approve:
        return approve(turn);
      case ACTIONS.reject:
        return openReject(turn);
      case ACTIONS.ask:
        return openAsk(turn);
      case ACTIONS.withdraw:
        return withdraw(turn);
      case ACTIONS.started:
        return markStarted(turn);
      case ACTIONS.done:
        return openOutcome(turn, 'successful');
      case ACTIONS.failed:
        return openOutcome(turn, 'failed');
      case ACTIONS.review:
        return openReview(turn);
      case ACTIONS.reply:
        return openReply(turn);
      case ACTIONS.view:
        return showChange(turn, turn.event.value ?? '');
      default:
        return { messages: [textMessage('That button is no longer available.')] };
    }
  },

  async onSubmit(turn, form) {
    switch (form) {
      case FORMS.details:
        return reviewRequest(turn, 'normal');
      case FORMS.emergency:
        return reviewRequest(turn, 'emergency');
      case FORMS.standard:
        return reviewRequest(turn, 'standard');
      case FORMS.reject:
        return submitReject(turn);
      case FORMS.ask:
        return submitAsk(turn);
      case FORMS.done:
        return submitOutcome(turn, 'successful');
      case FORMS.failed:
        return submitOutcome(turn, 'failed');
      case FORMS.review:
        return submitReview(turn);
      case FORMS.reply:
        return submitReply(turn);
      default:
        return { messages: [textMessage('That form is no longer available.')] };
    }
  },

  home: homeBlocks,

  jobs: (services) => [changeNudgesJob(services)],
});
