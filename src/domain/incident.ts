/**
 * Incident records (ISO/IEC 20000-1 clause 8.6.1): classified by service, prioritised by impact × urgency,
 * with SLA deadlines, the actions taken, resolution and closure. The record's `id` is its human number.
 *
 * Lifecycle: new → in_progress ⇄ on_hold → resolved → closed. A resolved incident can be reopened (the fix did
 * not hold, and the reporter has not confirmed yet); a closed incident is final: the standard treats closure as
 * the end of the record, so a recurrence is reported as a new incident linked through `relatedTo`, which keeps
 * both resolution times honest in SLA reports. State changes live in incident-actions.ts.
 */
import { z } from 'zod';
import { defineLifecycle } from './lifecycle';
import type { Organisation } from './organisation';
import { priorityFor } from './priority';
import {
  channelSchema,
  formatRecordNumber,
  longText,
  messageRefSchema,
  personRefSchema,
  recordNumberSchema,
  recordTimestamps,
  reporterSchema,
  shortText,
  type Reporter,
  type MessageRef,
} from './records';
import { deadlinesFor } from './sla';
import { notFound } from './errors';
import { parseOrThrow } from './validation';

/** Re-exported for callers that only import incidents. */
export { SYSTEM_ACTOR } from './records';

/** Incident states, in lifecycle order. */
export const INCIDENT_STATUSES = ['new', 'in_progress', 'on_hold', 'resolved', 'closed'] as const;
/** An incident state. */
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** States in which the incident still needs work: the SLA clocks run and people may join it as affected. */
export const OPEN_INCIDENT_STATUSES = ['new', 'in_progress', 'on_hold'] as const satisfies readonly IncidentStatus[];

/** The incident lifecycle; `next(status, action, id)` explains a refusal in words. */
export const incidentLifecycle = defineLifecycle({
  kind: 'incident',
  states: INCIDENT_STATUSES,
  transitions: {
    take: { from: ['new', 'in_progress'], to: 'in_progress', past: 'taken' },
    hold: { from: ['in_progress'], to: 'on_hold', past: 'put on hold' },
    resume: { from: ['on_hold'], to: 'in_progress' },
    resolve: { from: ['new', 'in_progress', 'on_hold'], to: 'resolved' },
    close: { from: ['resolved'], to: 'closed' },
    reopen: { from: ['resolved'], to: 'in_progress' },
  },
  stateLabels: { on_hold: 'on hold' },
});
/** An incident lifecycle action. */
export type IncidentAction = (typeof incidentLifecycle.actions)[number];

/** How an incident was resolved; reports group by these. */
export const RESOLUTION_CODES = [
  'fixed',
  'workaround',
  'no_fault_found',
  'user_guidance',
  'duplicate',
  'logged_in_error',
  'referred_to_change',
] as const;
/** A resolution code. */
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

const slaEventSchema = z.object({ target: z.enum(['response', 'resolution']), at: z.date() });

/** SLA state: deadlines, first response, pause while on hold, and the warnings and breaches already recorded. */
export const incidentSlaSchema = z.object({
  respondBy: z.date(),
  resolveBy: z.date(),
  respondedAt: z.date().optional(),
  /** While on hold the resolution clock is paused; resuming moves `resolveBy` by the working time lost. */
  onHoldSince: z.date().optional(),
  warnings: z.array(slaEventSchema).default([]),
  breaches: z.array(slaEventSchema).default([]),
});
/** An incident's SLA state. */
export type IncidentSla = z.output<typeof incidentSlaSchema>;

/** One entry in the incident's history: work notes stay with the support team, updates are shared. */
export const incidentUpdateSchema = z.object({
  at: z.date(),
  by: personRefSchema,
  text: z.string().min(1).max(4000),
  kind: z.enum(['work_note', 'update', 'status']).default('update'),
});
/** An incident history entry. */
export type IncidentUpdate = z.output<typeof incidentUpdateSchema>;

/** The stored incident record (re-validated when loaded; defaults cover records from older versions). */
export const incidentSchema = z.object({
  id: recordNumberSchema('INC'),
  summary: shortText(150, 'Summary'),
  description: longText(4000, 'Description').default(''),
  service: z.string().min(1),
  /** The support team the incident is routed to (the service's support team when it was raised). */
  team: z.string().min(1),
  impact: z.string().min(1),
  urgency: z.string().min(1),
  priority: z.string().min(1),
  sla: incidentSlaSchema,
  status: z.enum(INCIDENT_STATUSES),
  reporter: reporterSchema,
  onBehalfOf: personRefSchema.optional(),
  assignee: personRefSchema.optional(),
  affected: z.array(personRefSchema).default([]),
  updates: z.array(incidentUpdateSchema).default([]),
  resolution: z
    .object({ code: z.enum(RESOLUTION_CODES), notes: z.string().default(''), at: z.date(), by: personRefSchema })
    .optional(),
  closure: z
    .object({ at: z.date(), by: personRefSchema, how: z.enum(['confirmed', 'auto', 'support']), notes: z.string().optional() })
    .optional(),
  major: z.boolean().default(false),
  reopenCount: z.number().int().min(0).default(0),
  /** Other records this one relates to: the closed incident it recurs, a change, a problem. */
  relatedTo: z.array(z.string()).default([]),
  channel: channelSchema,
  messages: z.array(messageRefSchema).default([]),
  clause: z.literal('8.6.1').default('8.6.1'),
  ...recordTimestamps,
});
/** An incident record. */
export type Incident = z.output<typeof incidentSchema>;

/** What someone types to report an incident (validated at the edge with this schema). */
export const newIncidentSchema = z.object({
  summary: shortText(150, 'Summary'),
  description: longText(4000, 'Description').default(''),
  service: z.string().trim().min(1, { error: 'Pick the service that is affected' }),
  impact: z.string().min(1, { error: 'Say how many people are affected' }),
  urgency: z.string().min(1, { error: 'Say how urgent it is' }),
  onBehalfOf: personRefSchema.optional(),
  affected: z.array(personRefSchema).default([]),
  major: z.boolean().default(false),
  relatedTo: z.array(z.string()).default([]),
});
/** Input for {@link createIncident}. */
export type NewIncident = z.input<typeof newIncidentSchema>;

/**
 * A new incident from validated input: priority from the organisation's matrix, deadlines from its targets and
 * the service's calendar, routed to the service's support team. Throws {@link InvalidInputError} for bad input
 * and `not_found` for an unknown service.
 */
export function createIncident(
  input: NewIncident,
  ctx: { number: number; now: Date; reporter: Reporter; organisation: Organisation; messages?: MessageRef[] },
): Incident {
  const data = parseOrThrow(newIncidentSchema, input, 'incident');
  const service = ctx.organisation.services.find((s) => s.id === data.service);
  if (!service) throw notFound(`a service called "${data.service}"`, 'Pick one from the service catalogue.');
  const level = priorityFor(ctx.organisation.priorities, data.impact, data.urgency);
  const { respondBy, resolveBy } = deadlinesFor(ctx.organisation, service.id, level.id, ctx.now);
  return incidentSchema.parse({
    id: formatRecordNumber('INC', ctx.number),
    ...data,
    team: service.supportTeam,
    priority: level.id,
    sla: { respondBy, resolveBy },
    status: 'new',
    reporter: ctx.reporter,
    channel: ctx.reporter.channel,
    messages: ctx.messages ?? [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
}
