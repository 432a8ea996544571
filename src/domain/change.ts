/**
 * Requests for change (ISO/IEC 20000-1 clause 8.5.1): what, why, which services, the plans (implementation,
 * test, backout), the risk assessment, who authorised it, when it runs, what happened, and the review.
 *
 * Lifecycle (the usual ITIL shape): draft → submitted → approved | rejected → scheduled → implementing →
 * implemented | failed | backed_out → reviewed → closed, and cancelled from any state before work starts.
 * A standard change is pre-approved by its template; an emergency change is authorised by the ECAB and is always
 * reviewed afterwards. Decisions and later steps are in change-approval.ts and change-actions.ts.
 */
import { z } from 'zod';
import { assessRisk, riskSchema } from './change-risk';
import { InvalidInputError, notFound } from './errors';
import { defineLifecycle } from './lifecycle';
import type { Organisation } from './organisation';
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
  'approved',
  'rejected',
  'scheduled',
  'implementing',
  'implemented',
  'failed',
  'backed_out',
  'reviewed',
  'closed',
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
    approve: { from: ['submitted'], to: 'approved' },
    reject: { from: ['submitted'], to: 'rejected' },
    schedule: { from: ['approved', 'scheduled'], to: 'scheduled' },
    start: { from: ['approved', 'scheduled'], to: 'implementing' },
    complete: { from: ['implementing'], to: 'implemented', past: 'marked implemented' },
    fail: { from: ['implementing'], to: 'failed', past: 'marked failed' },
    back_out: { from: ['implementing', 'failed'], to: 'backed_out', past: 'backed out' },
    review: { from: ['implemented', 'failed', 'backed_out'], to: 'reviewed' },
    close: { from: ['implemented', 'reviewed'], to: 'closed' },
    cancel: { from: ['draft', 'submitted', 'approved', 'scheduled'], to: 'cancelled' },
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
  notes: z.array(z.object({ at: z.date(), by: personRefSchema, text: z.string().min(1) })).default([]),
  channel: channelSchema,
  messages: z.array(messageRefSchema).default([]),
  clause: z.literal('8.5.1').default('8.5.1'),
  ...recordTimestamps,
});
/** A change record. */
export type Change = z.output<typeof changeSchema>;

/** What a requester submits. Dates are instants (the form converts local input with the person's zone). */
export const newChangeSchema = z
  .object({
    type: z.enum(CHANGE_TYPES),
    template: z.string().optional(),
    title: shortText(150, 'Title'),
    description: longText(4000, 'Description').default(''),
    services: z.array(z.string().min(1)).min(1, { error: 'Pick at least one service the change touches' }),
    reason: shortText(2000, 'Reason'),
    implementationPlan: longText(4000, 'Implementation plan').default(''),
    backoutPlan: longText(4000, 'Backout plan').default(''),
    testPlan: longText(4000, 'Test plan').default(''),
    plannedStart: z.date(),
    plannedEnd: z.date(),
    implementer: personRefSchema.optional(),
    riskAnswers: z.record(z.string(), z.string()).default({}),
    linkedIncidents: z.array(z.string()).default([]),
    linkedProblems: z.array(z.string()).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.plannedEnd.getTime() <= c.plannedStart.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['plannedEnd'], message: 'The planned end must be after the planned start' });
    }
    if (c.type === 'standard' && !c.template) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'A standard change must come from a standard change template' });
    }
    if (c.type !== 'standard' && c.backoutPlan === '') {
      ctx.addIssue({ code: 'custom', path: ['backoutPlan'], message: 'Say how the change would be undone if it goes wrong' });
    }
    if (c.type === 'normal' && c.implementationPlan === '') {
      ctx.addIssue({ code: 'custom', path: ['implementationPlan'], message: 'Describe the steps of the change' });
    }
  });
/** Input for {@link createChange}. */
export type NewChange = z.input<typeof newChangeSchema>;

/**
 * A new change from validated input, with its risk assessed. Normal and emergency changes start `submitted`
 * (awaiting authorisation); a standard change starts `approved`, pre-approved by its template. A normal change
 * may not be planned to start in the past.
 */
export function createChange(
  input: NewChange,
  ctx: { number: number; now: Date; requester: Reporter; organisation: Organisation; messages?: MessageRef[] },
): Change {
  const { riskAnswers, ...data } = parseOrThrow(newChangeSchema, input, 'change');
  const services = data.services.map((id) => {
    const service = ctx.organisation.services.find((s) => s.id === id);
    if (!service) throw notFound(`a service called "${id}"`, 'Pick services from the service catalogue.');
    return service;
  });
  if (data.type === 'normal' && data.plannedStart.getTime() < ctx.now.getTime()) {
    throw new InvalidInputError('A normal change cannot be planned to start in the past.', [
      { path: 'plannedStart', message: 'Pick a start time in the future' },
    ]);
  }
  const preApproved = data.type === 'standard';
  // A standard change's template was assessed once when it was approved; answering again adds nothing.
  const risk =
    preApproved && Object.keys(riskAnswers).length === 0
      ? { answers: {}, score: 0, level: 'low' as const }
      : assessRisk(riskAnswers, services.map((s) => s.criticality));
  return changeSchema.parse({
    id: formatRecordNumber('CHG', ctx.number),
    ...data,
    requester: ctx.requester,
    risk,
    status: preApproved ? 'approved' : 'submitted',
    approvals: preApproved
      ? [{ by: SYSTEM_ACTOR, at: ctx.now, decision: 'approved', comment: `Standard change template ${data.template}`, as: 'pre-approved' }]
      : [],
    channel: ctx.requester.channel,
    messages: ctx.messages ?? [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
}
