/**
 * Ids of the incident flow, in one place: the flow id prefixes every button and form (`report-incident:take`),
 * so an id is never typed twice; the limits are shared by the forms and their validation.
 */
import { actionId, type ActionId } from '../../src/engine/message';

/** The flow's id. */
export const FLOW_ID = 'report-incident';

/** Buttons of the flow: reporting, joining, working an incident, answering a resolution. */
export const ACTIONS = {
  report: 'report',
  edit: 'edit',
  submit: 'submit',
  cancel: 'cancel',
  join: 'join',
  take: 'take',
  assign: 'assign',
  update: 'update',
  resolve: 'resolve',
  confirm: 'confirm',
  reopen: 'reopen',
  view: 'view',
} as const;

/** Forms of the flow. */
export const FORMS = { details: 'details', assign: 'assign', update: 'update', resolve: 'resolve', reopen: 'reopen' } as const;

/** `report-incident:<name>` for a button or form of this flow. */
export function id(name: string): ActionId {
  return actionId(FLOW_ID, name);
}

/** Limits of the forms, shared by the inputs and their validation. */
export const LIMITS = { summary: 150, description: 4000, onBehalfOf: 200, note: 4000 } as const;

/** Idempotency keys, derived from the records they guard so a retry or a second replica finds the same key. */
export const KEYS = {
  submission: (draftId: string) => `incident:submit:${draftId}`,
  teamCard: (incidentId: string) => `incident:${incidentId}:team-card`,
  reporterNote: (incidentId: string, version: number, personId: string) => `incident:${incidentId}:v${version}:to:${personId}`,
  sla: (incidentId: string, target: string, level: 'warning' | 'breach', personId: string) =>
    `incident:${incidentId}:sla:${target}:${level === 'warning' ? '75' : 'breach'}:to:${personId}`,
  autoClosed: (incidentId: string, personId: string) => `incident:${incidentId}:auto-closed:to:${personId}`,
  majorRoom: (incidentId: string) => `incident:${incidentId}:major:room`,
  majorTeamsPost: (incidentId: string) => `incident:${incidentId}:major:teams-channel`,
  majorAnnounced: (incidentId: string, channel: string) => `incident:${incidentId}:major:announced:${channel}`,
  majorChange: (incidentId: string, version: number, where: string) => `incident:${incidentId}:v${version}:major:${where}`,
  majorReview: (incidentId: string) => `incident:${incidentId}:major:review`,
  majorReviewOwner: (incidentId: string, personId: string) => `incident:${incidentId}:major:review:to:${personId}`,
};
