/**
 * The improvement register (ISO/IEC 20000-1 clause 10): continual improvements (10.2) and corrective actions for
 * nonconformities (10.1). An entry has an owner, a target date and a PDCA-shaped lifecycle:
 * proposed → approved → in_progress → done → verified, or rejected. `done` means the owner says it is finished;
 * `verified` means someone other than the owner checked that it worked (effectiveness for a corrective action,
 * evaluation of the outcome for an improvement). A failed check sends it back to in_progress.
 * State changes live in improvement-actions.ts.
 */
import { z } from 'zod';
import { daysBetween, isIsoDate, localIsoDate } from './dates';
import { InvalidInputError } from './errors';
import { defineLifecycle } from './lifecycle';
import { PROCESS_IDS } from './organisation.schema';
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
  type MessageRef,
  type PersonRef,
  type Reporter,
} from './records';
import { parseOrThrow } from './validation';

/** Improvement states. */
export const IMPROVEMENT_STATUSES = ['proposed', 'approved', 'in_progress', 'done', 'verified', 'rejected'] as const;
/** An improvement state. */
export type ImprovementStatus = (typeof IMPROVEMENT_STATUSES)[number];

/** The improvement lifecycle. */
export const improvementLifecycle = defineLifecycle({
  kind: 'improvement',
  states: IMPROVEMENT_STATUSES,
  transitions: {
    approve: { from: ['proposed'], to: 'approved' },
    reject: { from: ['proposed'], to: 'rejected' },
    start: { from: ['approved'], to: 'in_progress' },
    complete: { from: ['approved', 'in_progress'], to: 'done', past: 'marked done' },
    verify: { from: ['done'], to: 'verified' },
    reopen: { from: ['done'], to: 'in_progress' },
  },
});
/** An improvement lifecycle action. */
export type ImprovementAction = (typeof improvementLifecycle.actions)[number];

/** Where an improvement came from. */
export const IMPROVEMENT_SOURCES = ['incident', 'problem', 'change', 'audit_finding', 'complaint', 'staff_idea', 'management_review'] as const;
/** improvement (10.2) or corrective action for a nonconformity (10.1). */
export const IMPROVEMENT_TYPES = ['improvement', 'corrective_action'] as const;
/** An improvement type. */
export type ImprovementType = (typeof IMPROVEMENT_TYPES)[number];
/** How important the improvement is (not an incident priority). */
export const IMPROVEMENT_PRIORITIES = ['high', 'medium', 'low'] as const;

/** The clause a register entry evidences. */
export function clauseFor(type: ImprovementType): '10.1' | '10.2' {
  return type === 'corrective_action' ? '10.1' : '10.2';
}

const isoDate = z.string().refine(isIsoDate, { error: 'must be a date written YYYY-MM-DD' });

/** A change of target date, always with its reason (the register must show every deferral). */
export const deferralSchema = z.object({ from: isoDate, to: isoDate, reason: z.string().min(1), by: personRefSchema, at: z.date() });

/** The check that the action worked, by someone other than the owner. */
export const effectivenessCheckSchema = z.object({ by: personRefSchema, at: z.date(), effective: z.boolean(), notes: z.string().default('') });

/** What went wrong, where, and what shows it (corrective actions). */
export const nonconformitySchema = z.object({
  what: z.string().trim().min(1),
  where: z.string().default(''),
  evidence: z.string().default(''),
});

/** The stored register entry. */
export const improvementSchema = z.object({
  id: recordNumberSchema('IMP'),
  title: shortText(150, 'Title'),
  description: longText(4000, 'Description').default(''),
  source: z.object({ kind: z.enum(IMPROVEMENT_SOURCES), ref: z.string().optional() }),
  type: z.enum(IMPROVEMENT_TYPES),
  /** The process it improves: its owner hears about escalations. */
  process: z.enum(PROCESS_IDS).default('improvement'),
  owner: personRefSchema,
  manager: personRefSchema.optional(),
  raisedBy: reporterSchema,
  priority: z.enum(IMPROVEMENT_PRIORITIES).default('medium'),
  /** The day it is due, `YYYY-MM-DD` (a day, not an instant; string order is date order for queries). */
  targetDate: isoDate,
  status: z.enum(IMPROVEMENT_STATUSES),
  decision: z.object({ by: personRefSchema, at: z.date(), approved: z.boolean(), comment: z.string().default('') }).optional(),
  progress: z.array(z.object({ at: z.date(), by: personRefSchema, text: z.string().min(1), percent: z.number().min(0).max(100).optional() })).default([]),
  deferrals: z.array(deferralSchema).default([]),
  evidence: z.array(z.object({ at: z.date(), by: personRefSchema, text: z.string().min(1) })).default([]),
  nonconformity: nonconformitySchema.optional(),
  correction: z.string().optional(),
  rootCause: z.string().optional(),
  completedAt: z.date().optional(),
  effectivenessCheck: effectivenessCheckSchema.optional(),
  /** The owner asked for quiet: no nudge about this entry before this instant (their next working day). */
  snoozedUntil: z.date().optional(),
  channel: channelSchema,
  messages: z.array(messageRefSchema).default([]),
  clause: z.enum(['10.1', '10.2']),
  ...recordTimestamps,
});
/** An improvement register entry. */
export type Improvement = z.output<typeof improvementSchema>;

/** What someone submits to raise an improvement or corrective action. */
export const newImprovementSchema = z
  .object({
    title: shortText(150, 'Title'),
    description: longText(4000, 'Description').default(''),
    source: z.object({ kind: z.enum(IMPROVEMENT_SOURCES), ref: z.string().optional() }).default({ kind: 'staff_idea' }),
    type: z.enum(IMPROVEMENT_TYPES).default('improvement'),
    process: z.enum(PROCESS_IDS).default('improvement'),
    owner: personRefSchema.optional(),
    manager: personRefSchema.optional(),
    priority: z.enum(IMPROVEMENT_PRIORITIES).default('medium'),
    targetDate: isoDate,
    nonconformity: nonconformitySchema.optional(),
    correction: z.string().optional(),
    rootCause: z.string().optional(),
  })
  .superRefine((i, ctx) => {
    if (i.type === 'corrective_action' && !i.nonconformity) {
      ctx.addIssue({ code: 'custom', path: ['nonconformity'], message: 'Describe the nonconformity this action corrects' });
    }
  });
/** Input for {@link createImprovement}. */
export type NewImprovement = z.input<typeof newImprovementSchema>;

/**
 * A new register entry, `proposed`. The owner defaults to whoever raised it; the target date may not be in the
 * past in `timeZone` (the raiser's or the organisation's).
 */
export function createImprovement(
  input: NewImprovement,
  ctx: { number: number; now: Date; raisedBy: Reporter; timeZone: string; manager?: PersonRef; messages?: MessageRef[] },
): Improvement {
  const data = parseOrThrow(newImprovementSchema, input, 'improvement');
  const today = localIsoDate(ctx.now, ctx.timeZone);
  if (daysBetween(today, data.targetDate) < 0) {
    throw new InvalidInputError(`The target date ${data.targetDate} is in the past; pick today or later.`, [
      { path: 'targetDate', message: 'Pick today or a later date' },
    ]);
  }
  return improvementSchema.parse({
    id: formatRecordNumber('IMP', ctx.number),
    ...data,
    // Parsing as a person reference drops the raiser's `channel`.
    owner: data.owner ?? ctx.raisedBy,
    manager: data.manager ?? ctx.manager,
    raisedBy: ctx.raisedBy,
    status: 'proposed',
    channel: ctx.raisedBy.channel,
    messages: ctx.messages ?? [],
    clause: clauseFor(data.type),
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
}

/** States in which an entry still has work to do by its target date. */
export const OPEN_IMPROVEMENT_STATUSES: readonly ImprovementStatus[] = ['proposed', 'approved', 'in_progress'];

/** Days past the target date on `today` (0 when not overdue, or no longer open). */
export function daysOverdue(improvement: Pick<Improvement, 'status' | 'targetDate'>, today: string): number {
  if (!OPEN_IMPROVEMENT_STATUSES.includes(improvement.status)) return 0;
  return Math.max(0, daysBetween(improvement.targetDate, today));
}

/** Overdue = past its target date and not done (ISO20000.md). */
export function isOverdue(improvement: Pick<Improvement, 'status' | 'targetDate'>, today: string): boolean {
  return daysOverdue(improvement, today) > 0;
}
