/**
 * What happens to a register entry after it is raised: decision, progress, deferral with a reason, completion
 * with evidence, and verification by someone other than the owner (clause 10.1 asks for the effectiveness of a
 * corrective action to be reviewed; 10.2 for the outcome of an improvement to be evaluated).
 */
import { daysBetween, isIsoDate } from './dates';
import { DomainError, notAllowed } from './errors';
import { improvementLifecycle, OPEN_IMPROVEMENT_STATUSES, type Improvement } from './improvement';
import type { PersonRef } from './records';

/** Who acts and when. */
export interface ImprovementActionContext {
  actor: PersonRef;
  now: Date;
}

function required(text: string | undefined, message: string): string {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') throw new DomainError('invalid_input', message);
  return trimmed;
}

/** Approves or rejects a proposed entry (a rejection needs a reason). */
export function decideImprovement(
  improvement: Improvement,
  ctx: ImprovementActionContext & { approved: boolean; comment?: string },
): Improvement {
  const status = improvementLifecycle.next(improvement.status, ctx.approved ? 'approve' : 'reject', improvement.id);
  const comment = ctx.approved ? (ctx.comment ?? '').trim() : required(ctx.comment, 'Say why the improvement is rejected.');
  return { ...improvement, status, decision: { by: ctx.actor, at: ctx.now, approved: ctx.approved, comment }, updatedAt: ctx.now };
}

/** Adds a progress note; the first note on an approved entry starts it. */
export function addImprovementProgress(
  improvement: Improvement,
  ctx: ImprovementActionContext & { text: string; percent?: number },
): Improvement {
  if (!OPEN_IMPROVEMENT_STATUSES.includes(improvement.status)) {
    throw new DomainError('invalid_transition', `${improvement.id} is ${improvementLifecycle.stateLabel(improvement.status)}; progress can no longer be added.`, {
      recordId: improvement.id,
      from: improvement.status,
    });
  }
  const text = required(ctx.text, 'A progress note needs some text.');
  if (ctx.percent !== undefined && (ctx.percent < 0 || ctx.percent > 100)) {
    throw new DomainError('invalid_input', 'Progress is a percentage from 0 to 100.');
  }
  const status = improvement.status === 'approved' ? improvementLifecycle.next(improvement.status, 'start', improvement.id) : improvement.status;
  return {
    ...improvement,
    status,
    progress: [...improvement.progress, { at: ctx.now, by: ctx.actor, text, ...(ctx.percent !== undefined ? { percent: ctx.percent } : {}) }],
    updatedAt: ctx.now,
  };
}

/** Moves the target date, recording from, to, why, who and when. The new date may not be before `today`. */
export function deferImprovement(
  improvement: Improvement,
  ctx: ImprovementActionContext & { to: string; reason: string; today: string },
): Improvement {
  if (!OPEN_IMPROVEMENT_STATUSES.includes(improvement.status)) {
    throw new DomainError('invalid_transition', `${improvement.id} is ${improvementLifecycle.stateLabel(improvement.status)}; its target date can't be moved.`, {
      recordId: improvement.id,
      from: improvement.status,
    });
  }
  if (!isIsoDate(ctx.to)) throw new DomainError('invalid_input', `"${ctx.to}" is not a date; write it as YYYY-MM-DD.`);
  if (ctx.to === improvement.targetDate) throw new DomainError('invalid_input', `${improvement.id} is already due on ${ctx.to}.`);
  if (daysBetween(ctx.today, ctx.to) < 0) throw new DomainError('invalid_input', `${ctx.to} is in the past; pick today or later.`);
  const reason = required(ctx.reason, 'Say why the target date is moving; the register records every deferral.');
  return {
    ...improvement,
    targetDate: ctx.to,
    deferrals: [...improvement.deferrals, { from: improvement.targetDate, to: ctx.to, reason, by: ctx.actor, at: ctx.now }],
    updatedAt: ctx.now,
  };
}

/** Records the correction and root cause of a corrective action as they become known. */
export function recordCorrectiveAnalysis(
  improvement: Improvement,
  ctx: ImprovementActionContext & { correction?: string; rootCause?: string },
): Improvement {
  if (improvement.type !== 'corrective_action') {
    throw new DomainError('invalid_input', `${improvement.id} is an improvement, not a corrective action; it has no root cause to record.`);
  }
  return {
    ...improvement,
    correction: ctx.correction?.trim() || improvement.correction,
    rootCause: ctx.rootCause?.trim() || improvement.rootCause,
    updatedAt: ctx.now,
  };
}

/**
 * The owner marks it done, with evidence of what was done. A corrective action must have evidence (clause 10.1
 * asks for it, and the effectiveness check starts from it) and its correction and root cause recorded first:
 * without them nobody can later check it was effective. For an improvement the evidence is welcome, not required.
 */
export function completeImprovement(
  improvement: Improvement,
  ctx: ImprovementActionContext & { evidence?: string },
): Improvement {
  const status = improvementLifecycle.next(improvement.status, 'complete', improvement.id);
  const corrective = improvement.type === 'corrective_action';
  const evidence = corrective
    ? required(ctx.evidence, 'Add evidence of what was done (a link, a document, a short description).')
    : (ctx.evidence ?? '').trim();
  if (corrective && (!improvement.correction || !improvement.rootCause)) {
    throw new DomainError('invalid_input', `Record the correction and the root cause of ${improvement.id} before marking it done.`, {
      missing: [!improvement.correction && 'correction', !improvement.rootCause && 'rootCause'].filter(Boolean),
    });
  }
  return {
    ...improvement,
    status,
    completedAt: ctx.now,
    evidence: evidence === '' ? improvement.evidence : [...improvement.evidence, { at: ctx.now, by: ctx.actor, text: evidence }],
    snoozedUntil: undefined,
    updatedAt: ctx.now,
  };
}

/**
 * The owner asks for quiet until `until` (the start of their next working day): the sweep sends nothing about the
 * entry before then. Only open entries can be snoozed; the snooze is kept on the record (and audited by the caller).
 */
export function snoozeImprovement(improvement: Improvement, ctx: ImprovementActionContext & { until: Date }): Improvement {
  if (!OPEN_IMPROVEMENT_STATUSES.includes(improvement.status)) {
    throw new DomainError('invalid_transition', `${improvement.id} is ${improvementLifecycle.stateLabel(improvement.status)}; there is nothing to snooze.`, {
      recordId: improvement.id,
      from: improvement.status,
    });
  }
  if (ctx.until.getTime() <= ctx.now.getTime()) throw new DomainError('invalid_input', 'A snooze must end in the future.');
  return { ...improvement, snoozedUntil: ctx.until, updatedAt: ctx.now };
}

/**
 * Someone other than the owner checks that it worked. Effective → verified; not effective → back to in_progress
 * with the check kept on the record (the owner has more to do).
 */
export function verifyImprovement(
  improvement: Improvement,
  ctx: ImprovementActionContext & { effective: boolean; notes: string },
): Improvement {
  const status = improvementLifecycle.next(improvement.status, ctx.effective ? 'verify' : 'reopen', improvement.id);
  if (ctx.actor.id === improvement.owner.id) {
    throw notAllowed(`You own ${improvement.id}, so someone else must check that it worked.`, { recordId: improvement.id });
  }
  const notes = ctx.effective ? (ctx.notes ?? '').trim() : required(ctx.notes, 'Say why it was not effective, so the owner knows what to do.');
  return {
    ...improvement,
    status,
    effectivenessCheck: { by: ctx.actor, at: ctx.now, effective: ctx.effective, notes },
    // The field holds the latest check; a failed one also goes into the progress history so it is never lost.
    progress: ctx.effective
      ? improvement.progress
      : [...improvement.progress, { at: ctx.now, by: ctx.actor, text: `Checked and found not effective: ${notes}` }],
    updatedAt: ctx.now,
  };
}
