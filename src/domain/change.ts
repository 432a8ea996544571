/**
 * Requests for change (ISO/IEC 20000-1 clause 8.5.1): what, why, which services, the plans (implementation,
 * test, backout), the risk assessment, who authorised it, when it runs, what happened, and the review.
 *
 * Lifecycle (the usual ITIL shape): draft → submitted → assessed → approved | rejected → scheduled →
 * implementing → implemented | failed | backed_out → reviewed → closed. Before work starts the requester may
 * withdraw the change (`withdrawn`) and a change manager may cancel it (`cancelled`): two states, because the
 * evidence differs (the requester no longer wants it vs. the change process stopped it).
 * A standard change is pre-approved by its template and goes straight to `scheduled`; normal and emergency changes
 * are assessed as they are submitted (the risk questionnaire is part of the form), so they start `assessed`,
 * routed to their approvers. An emergency change is authorised by the ECAB and is always reviewed afterwards.
 * Decisions and later steps are in change-approval.ts and change-actions.ts; templates in change-templates.ts;
 * freeze, clash and maintenance-window checks in change-schedule.ts.
 */
import { z } from 'zod';
import { riskSchema, scoreRisk } from './change-risk';
import { findStandardTemplate, unknownTemplateMessage } from './change-templates';
import { InvalidInputError, type FieldProblem } from './errors';
import { defineLifecycle } from './lifecycle';
import type { Organisation, StandardChangeTemplate } from './organisation';
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
  SYSTEM_ACTOR,
  type MessageRef,
  type Reporter,
} from './records';
import { parseOrThrow } from './validation';

/** Change types (see ISO20000.md): who authorises depends on the type. */
export const CHANGE_TYPES = ['standard', 'normal', 'emergency'] as const;
/** A change type. */
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** Change states, in lifecycle order. */
export const CHANGE_STATUSES = [
  'draft',
  'submitted',
  'assessed',
  'approved',
  'rejected',
  'scheduled',
  'implementing',
  'implemented',
  'failed',
  'backed_out',
  'reviewed',
  'closed',
  'withdrawn',
  'cancelled',
] as const;
/** A change state. */
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

/** The change lifecycle. */
export const changeLifecycle = defineLifecycle({
  kind: 'change',
  states: CHANGE_STATUSES,
  transitions: {
    submit: { from: ['draft'], to: 'submitted' },
    assess: { from: ['submitted'], to: 'assessed' },
    // `submitted` too: records stored before assessment was a state of its own are still awaiting a decision.
    approve: { from: ['submitted', 'assessed'], to: 'approved' },
    reject: { from: ['submitted', 'assessed'], to: 'rejected' },
    schedule: { from: ['approved', 'scheduled'], to: 'scheduled' },
    start: { from: ['approved', 'scheduled'], to: 'implementing' },
    complete: { from: ['implementing'], to: 'implemented', past: 'marked implemented' },
    fail: { from: ['implementing'], to: 'failed', past: 'marked failed' },
    back_out: { from: ['implementing', 'failed'], to: 'backed_out', past: 'backed out' },
    review: { from: ['implemented', 'failed', 'backed_out'], to: 'reviewed' },
    close: { from: ['implemented', 'reviewed'], to: 'closed' },
    withdraw: { from: ['draft', 'submitted', 'assessed', 'approved', 'scheduled'], to: 'withdrawn', past: 'withdrawn' },
    cancel: { from: ['draft', 'submitted', 'assessed', 'approved', 'scheduled'], to: 'cancelled' },
  },
  stateLabels: { backed_out: 'backed out' },
});
/** A change lifecycle action. */
export type ChangeAction = (typeof changeLifecycle.actions)[number];

/** In which capacity a decision was made. */
export const APPROVAL_CAPACITIES = ['pre-approved', 'change-manager', 'cab', 'ecab'] as const;

/** One authorisation decision: who, when, what, why (all mandatory evidence for 8.5.1). */
export const approvalSchema = z.object({
  by: personRefSchema,
  at: z.date(),
  decision: z.enum(['approved', 'rejected']),
  comment: z.string().default(''),
  as: z.enum(APPROVAL_CAPACITIES),
});
/** An authorisation decision. */
export type Approval = z.output<typeof approvalSchema>;

/** The stored change record. */
export const changeSchema = z.object({
  id: recordNumberSchema('CHG'),
  type: z.enum(CHANGE_TYPES),
  /** The standard change template it was raised from (standard changes only). */
  template: z.string().optional(),
  title: shortText(150, 'Title'),
  description: longText(4000, 'Description').default(''),
  services: z.array(z.string().min(1)).min(1),
  reason: longText(2000, 'Reason'),
  implementationPlan: longText(4000, 'Implementation plan').default(''),
  backoutPlan: longText(4000, 'Backout plan').default(''),
  testPlan: longText(4000, 'Test plan').default(''),
  plannedStart: z.date(),
  plannedEnd: z.date(),
  requester: reporterSchema,
  implementer: personRefSchema.optional(),
  risk: riskSchema,
  approvals: z.array(approvalSchema).default([]),
  status: z.enum(CHANGE_STATUSES),
  linkedIncidents: z.array(z.string()).default([]),
  linkedProblems: z.array(z.string()).default([]),
  outcome: z
    .object({ result: z.enum(['successful', 'failed', 'backed_out']), notes: z.string().default(''), at: z.date(), by: personRefSchema })
    .optional(),
  /** Post-implementation review: did it meet its objectives, what was learnt. */
  review: z.object({ at: z.date(), by: personRefSchema, objectivesMet: z.boolean(), notes: z.string().default('') }).optional(),
  closure: z.object({ at: z.date(), by: personRefSchema, notes: z.string().optional() }).optional(),
  cancellation: z.object({ at: z.date(), by: personRefSchema, reason: z.string() }).optional(),
  /** The requester withdrew it before implementation (the reason may be empty: it is their own request). */
  withdrawal: z.object({ at: z.date(), by: personRefSchema, reason: z.string().default('') }).optional(),
  notes: z.array(z.object({ at: z.date(), by: personRefSchema, text: z.string().min(1) })).default([]),
  channel: channelSchema,
  messages: z.array(messageRefSchema).default([]),
  clause: z.literal('8.5.1').default('8.5.1'),
  ...recordTimestamps,
});
/** A change record. */
export type Change = z.output<typeof changeSchema>;

/**
 * What a requester submits. Dates are instants (the form converts local input with the person's zone). A standard
 * change names its template and may leave out the services (the template's), the planned end (start plus the
 * template's duration) and the plans (always the template's: they are what was pre-approved).
 */
export const newChangeSchema = z
  .object({
    type: z.enum(CHANGE_TYPES),
    template: z.string().optional(),
    title: shortText(150, 'Title'),
    description: longText(4000, 'Description').default(''),
    services: z.array(z.string().min(1)).default([]),
    reason: shortText(2000, 'Reason'),
    implementationPlan: longText(4000, 'Implementation plan').default(''),
    backoutPlan: longText(4000, 'Backout plan').default(''),
    testPlan: longText(4000, 'Test plan').default(''),
    plannedStart: z.date(),
    plannedEnd: z.date().optional(),
    implementer: personRefSchema.optional(),
    riskAnswers: z.record(z.string(), z.string()).default({}),
    linkedIncidents: z.array(z.string()).default([]),
    linkedProblems: z.array(z.string()).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.type !== 'standard' && c.services.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['services'], message: 'Pick at least one service the change touches' });
    }
    if (c.plannedEnd === undefined && c.type !== 'standard') {
      ctx.addIssue({ code: 'custom', path: ['plannedEnd'], message: 'Say when the change will be finished' });
    }
    if (c.plannedEnd !== undefined && c.plannedEnd.getTime() <= c.plannedStart.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['plannedEnd'], message: 'The planned end must be after the planned start' });
    }
    if (c.type === 'standard' && !c.template) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'A standard change must come from a standard change template' });
    }
    if (c.type === 'normal' && c.implementationPlan === '') {
      ctx.addIssue({ code: 'custom', path: ['implementationPlan'], message: 'Describe the steps of the change' });
    }
  });
/** Input for {@link createChange}. */
export type NewChange = z.input<typeof newChangeSchema>;

/**
 * A new change from validated input, with its risk assessed on the organisation's questionnaire and bands. Normal
 * and emergency changes start `assessed` (the assessment is part of the submission), awaiting authorisation on
 * the route their type and risk give; a standard change starts `scheduled`, pre-approved by its template.
 *
 * Throws {@link InvalidInputError} with every problem at its form field: the shape of the input (end before
 * start, …), then `template` not in the catalogue, `services` not in the catalogue (or not covered by the
 * template), `plannedStart` in the past (only an emergency change may start at once), unanswered `risk.<id>`
 * questions, and a missing `backoutPlan` for a medium or high risk change (the risk is scored first). Freeze
 * windows and clashes are not refused here: they need the other changes, see `checkSchedule` in change-schedule.ts.
 */
export function createChange(
  input: NewChange,
  ctx: { number: number; now: Date; requester: Reporter; organisation: Organisation; messages?: MessageRef[] },
): Change {
  const { riskAnswers, ...data } = parseOrThrow(newChangeSchema, input, 'change');
  const org = ctx.organisation;
  const problems: FieldProblem[] = [];

  let template: StandardChangeTemplate | undefined;
  if (data.type === 'standard') {
    template = findStandardTemplate(org, data.template ?? '');
    if (!template) problems.push({ path: 'template', message: unknownTemplateMessage(org, data.template ?? '') });
  }
  const serviceIds = data.services.length > 0 ? data.services : (template?.services ?? []);
  const services = serviceIds.flatMap((id) => {
    const service = org.services.find((s) => s.id === id);
    if (!service) problems.push({ path: 'services', message: `"${id}" is not in the service catalogue; pick services from the list` });
    return service ? [service] : [];
  });
  const outside = template ? serviceIds.filter((id) => !template.services.includes(id)) : [];
  if (template && outside.length > 0) {
    problems.push({
      path: 'services',
      message: `The template "${template.title}" is pre-approved for ${template.services.join(', ')} only, not ${outside.join(', ')}; raise a normal change instead`,
    });
  }
  // Only an emergency change may start at once: anything else must leave time to authorise and prepare it.
  if (data.type !== 'emergency' && data.plannedStart.getTime() < ctx.now.getTime()) {
    problems.push({ path: 'plannedStart', message: 'Pick a start time in the future' });
  }

  // A standard change's template was assessed once when it was approved; answering again adds nothing.
  const scored =
    template && Object.keys(riskAnswers).length === 0
      ? { risk: { answers: {}, score: 0, level: 'low' as const }, problems: [] }
      : data.type === 'standard' && !template
        ? { risk: undefined, problems: [] }
        : scoreRisk(riskAnswers, services.map((s) => s.criticality), org.changes);
  problems.push(...scored.problems);
  const plans = template
    ? { implementationPlan: template.implementationPlan, backoutPlan: template.backoutPlan, testPlan: template.testPlan }
    : { implementationPlan: data.implementationPlan, backoutPlan: data.backoutPlan, testPlan: data.testPlan };
  if (scored.risk && scored.risk.level !== 'low' && plans.backoutPlan === '') {
    problems.push({
      path: 'backoutPlan',
      message: `A ${scored.risk.level}-risk change needs a backout plan: say how it would be undone if it goes wrong`,
    });
  }
  if (problems.length > 0 || !scored.risk) {
    const first = problems[0];
    throw new InvalidInputError(`That change isn't valid (${first?.path}): ${first?.message}.`, problems);
  }

  const plannedEnd = data.plannedEnd ?? new Date(data.plannedStart.getTime() + (template?.durationMinutes ?? 0) * 60_000);
  return changeSchema.parse({
    id: formatRecordNumber('CHG', ctx.number),
    ...data,
    ...plans,
    description: data.description || template?.description || '',
    services: serviceIds,
    plannedEnd,
    requester: ctx.requester,
    risk: scored.risk,
    status: template ? 'scheduled' : 'assessed',
    approvals: template
      ? [{ by: SYSTEM_ACTOR, at: ctx.now, decision: 'approved', comment: `Standard change template ${template.id}`, as: 'pre-approved' }]
      : [],
    channel: ctx.requester.channel,
    messages: ctx.messages ?? [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
}
