/**
 * `report-incident`: incident management (ISO/IEC 20000-1 clause 8.6.1) written once against the engine, for
 * Slack, Teams and the web chat alike. This file only routes: reporting lives in intake.ts, working an incident
 * in work.ts, look-ups in lookup.ts, the sweeps in their job files, every word people read in the messages files.
 */
import { matchServices } from '../../src/domain/organisation';
import type { ActionEvent } from '../../src/engine/events';
import { defineFlow, type Reply, type Turn } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import { autoCloseJob } from './auto-close.job';
import { incidentIntentScore } from './incident-intent';
import { cancelDraft, editDraft, joinSimilar, reviewDetails, startReport, submitDraft } from './intake';
import { homeBlocks, listMine, showIncident } from './lookup';
import { declareIfMajorPriority, declareMajorCommand } from './major-incident';
import { ACTIONS, FLOW_ID, FORMS, KEYS } from './report-incident.ids';
import { offerMessage } from './report-incident.messages';
import { reportStateSchema, type ReportState } from './report-incident.state';
import { slaWatchJob } from './sla-watch.job';
import { confirm, openForm, submitAssign, submitReopen, submitResolve, submitUpdate, take } from './work';

/** A record number as people type it: `INC-000123`, `inc-12`, `INC12`. */
const INCIDENT_NUMBER = /^inc-?\d{1,12}$/i;

/**
 * Once an incident is raised (or a replayed submit finds it raised), one at a major priority is declared major.
 * The reporter's receipt does not wait on a failure here: it is logged, and a replay of the button finishes it.
 */
async function afterSubmit(turn: Turn<ActionEvent, ReportState>, reply: Reply): Promise<Reply> {
  const submitted = await turn.services.idempotency.get(KEYS.submission(turn.event.value ?? ''));
  const incidentId = submitted?.state === 'done' ? (submitted.result as { incidentId?: string } | undefined)?.incidentId : undefined;
  if (!incidentId) return reply;
  try {
    await declareIfMajorPriority(turn.services, incidentId);
  } catch (error) {
    turn.services.logger.error({ err: error, incident: incidentId }, 'declaring a major incident failed; a replayed submit retries it');
  }
  return reply;
}

/** The incident flow. */
export const reportIncidentFlow = defineFlow<ReportState>({
  id: FLOW_ID,
  title: 'Incidents',
  stateSchema: reportStateSchema,
  commands: [
    { name: 'incident', aliases: ['inc', 'report'], usage: 'incident [what is wrong]', description: 'report something that is broken or not working' },
    { name: 'mine', usage: 'mine', description: 'your open incidents' },
    { name: 'major', usage: 'major INC-000123', description: 'declare a major incident (support team and incident managers)' },
    // Named by its example: it is matched by its pattern, never typed as a word.
    { name: 'INC-000123', pattern: INCIDENT_NUMBER, usage: 'INC-000123', description: 'look up an incident' },
  ],

  matchText: (text, { org }) => incidentIntentScore(text, org),

  async onCommand(turn) {
    const { command, args } = turn.event;
    if (command.toLowerCase() === 'mine') return listMine(turn);
    if (command.toLowerCase() === 'major') return declareMajorCommand(turn);
    if (INCIDENT_NUMBER.test(command)) return showIncident(turn, command);
    const quote = turn.event.quote;
    if (quote) return startReport(turn, quote.link ? `${quote.text}\n\nReported from: ${quote.link}` : quote.text);
    return startReport(turn, args);
  },

  async onText(turn) {
    const offer = turn.event.text.slice(0, 4000);
    await turn.state.save({ offer });
    return { messages: [offerMessage(offer, matchServices(turn.services.org, offer)[0])] };
  },

  async onAction(turn, action) {
    switch (action) {
      case ACTIONS.report:
        return startReport(turn, (await turn.state.load())?.offer ?? '');
      case ACTIONS.edit:
        return editDraft(turn);
      case ACTIONS.submit:
        return afterSubmit(turn, await submitDraft(turn));
      case ACTIONS.cancel:
        return cancelDraft(turn);
      case ACTIONS.join:
        return joinSimilar(turn);
      case ACTIONS.take:
        return take(turn);
      case ACTIONS.assign:
      case ACTIONS.update:
      case ACTIONS.resolve:
      case ACTIONS.reopen:
        return openForm(turn, action);
      case ACTIONS.confirm:
        return confirm(turn);
      case ACTIONS.view:
        return showIncident(turn as Turn, turn.event.value ?? '');
      default:
        return { messages: [textMessage('That button is no longer available.')] };
    }
  },

  async onSubmit(turn, form) {
    switch (form) {
      case FORMS.details:
        return reviewDetails(turn);
      case FORMS.assign:
        return submitAssign(turn);
      case FORMS.update:
        return submitUpdate(turn);
      case FORMS.resolve:
        return submitResolve(turn);
      case FORMS.reopen:
        return submitReopen(turn);
      default:
        return { messages: [textMessage('That form is no longer available.')] };
    }
  },

  home: ({ services, actor }) => homeBlocks(services, actor),

  jobs: (services) => [slaWatchJob(services), autoCloseJob(services)],
});
