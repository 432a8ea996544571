/**
 * What happens to an authorised change: scheduling, implementation, outcome, review and closure. Pure functions
 * returning a new change; each checks the lifecycle and the rules that make the record good evidence.
 */
import { DomainError, notAllowed } from './errors';
import { changeLifecycle, type Change } from './change';
import type { Organisation } from './organisation';
import type { PersonRef } from './records';

/** Who acts and when. */
export interface ChangeActionContext {
  actor: PersonRef;
  now: Date;
}

function note(change: Change, ctx: ChangeActionContext, text: string): Change['notes'] {
  return [...change.notes, { at: ctx.now, by: ctx.actor, text }];
}

/** Sets (or moves) the change window. */
export function scheduleChange(change: Change, ctx: ChangeActionContext & { start: Date; end: Date }): Change {
  const status = changeLifecycle.next(change.status, 'schedule', change.id);
  if (ctx.end.getTime() <= ctx.start.getTime()) {
    throw new DomainError('invalid_input', 'The end of the change window must be after its start.');
  }
  return {
    ...change,
    status,
    plannedStart: ctx.start,
    plannedEnd: ctx.end,
    notes: note(change, ctx, `Scheduled ${ctx.start.toISOString()} – ${ctx.end.toISOString()}.`),
    updatedAt: ctx.now,
  };
}

/** Implementation starts; the actor becomes the implementer if none was named. */
export function startChange(change: Change, ctx: ChangeActionContext): Change {
  const status = changeLifecycle.next(change.status, 'start', change.id);
  return {
    ...change,
    status,
    implementer: change.implementer ?? ctx.actor,
    notes: note(change, ctx, `Implementation started by ${ctx.actor.name}.`),
    updatedAt: ctx.now,
  };
}

/** Records how implementation ended: implemented, failed, or backed out. */
export function recordChangeOutcome(
  change: Change,
  ctx: ChangeActionContext & { result: 'successful' | 'failed' | 'backed_out'; notes?: string },
): Change {
  const action = ctx.result === 'successful' ? 'complete' : ctx.result === 'failed' ? 'fail' : 'back_out';
  const status = changeLifecycle.next(change.status, action, change.id);
  return {
    ...change,
    status,
    outcome: { result: ctx.result, notes: ctx.notes ?? '', at: ctx.now, by: ctx.actor },
    updatedAt: ctx.now,
  };
}

/** True when a change must have a post-implementation review before it closes. */
export function needsReview(change: Pick<Change, 'type' | 'status'>): boolean {
  return change.type === 'emergency' || change.status === 'failed' || change.status === 'backed_out';
}

/** Records the post-implementation review. */
export function reviewChange(change: Change, ctx: ChangeActionContext & { objectivesMet: boolean; notes: string }): Change {
  const status = changeLifecycle.next(change.status, 'review', change.id);
  if (ctx.notes.trim() === '') throw new DomainError('invalid_input', 'A review needs notes: what went well, what to change.');
  return { ...change, status, review: { at: ctx.now, by: ctx.actor, objectivesMet: ctx.objectivesMet, notes: ctx.notes.trim() }, updatedAt: ctx.now };
}

/** Closes the change; emergency changes (and failed or backed-out ones) must be reviewed first. */
export function closeChange(change: Change, ctx: ChangeActionContext & { notes?: string }): Change {
  const status = changeLifecycle.next(change.status, 'close', change.id);
  if (change.status === 'implemented' && needsReview(change)) {
    throw new DomainError(
      'invalid_transition',
      `${change.id} is an emergency change; it needs a post-implementation review before it can be closed.`,
      { recordId: change.id, from: change.status, action: 'close', allowed: ['review'] },
    );
  }
  return { ...change, status, closure: { at: ctx.now, by: ctx.actor, notes: ctx.notes }, updatedAt: ctx.now };
}

/** Why `personId` may not cancel the change (only change managers run the change schedule), or null. */
export function whyMayNotCancel(change: Pick<Change, 'id'>, personId: string, org: Organisation): string | null {
  if (org.approvers.changeManagers.includes(personId)) return null;
  return `Only a change manager can cancel ${change.id}; if you requested it, withdraw it instead.`;
}

/**
 * A change manager cancels a change before implementation starts, with a reason. Pass `org` to have the role
 * checked here (`not_allowed` for anyone who is not a change manager); without it the caller has checked.
 */
export function cancelChange(change: Change, ctx: ChangeActionContext & { reason: string }, org?: Organisation): Change {
  const status = changeLifecycle.next(change.status, 'cancel', change.id);
  const why = org ? whyMayNotCancel(change, ctx.actor.id, org) : null;
  if (why) throw notAllowed(why, { recordId: change.id });
  if (ctx.reason.trim() === '') throw new DomainError('invalid_input', 'Say why the change is cancelled.');
  return { ...change, status, cancellation: { at: ctx.now, by: ctx.actor, reason: ctx.reason.trim() }, updatedAt: ctx.now };
}

/** Why `personId` may not withdraw the change (it is the requester's own request to take back), or null. */
export function whyMayNotWithdraw(change: Pick<Change, 'id' | 'requester'>, personId: string): string | null {
  if (change.requester.id === personId) return null;
  return `Only ${change.requester.name}, who requested ${change.id}, can withdraw it; a change manager can cancel it.`;
}

/**
 * The requester withdraws their change before implementation starts; approvers are no longer asked to decide.
 * Withdrawing again returns the change unchanged (a double click); `not_allowed` for anyone but the requester.
 */
export function withdrawChange(change: Change, ctx: ChangeActionContext & { reason?: string }): Change {
  if (change.status === 'withdrawn' && change.withdrawal?.by.id === ctx.actor.id) return change;
  const status = changeLifecycle.next(change.status, 'withdraw', change.id);
  const why = whyMayNotWithdraw(change, ctx.actor.id);
  if (why) throw notAllowed(why, { recordId: change.id });
  return { ...change, status, withdrawal: { at: ctx.now, by: ctx.actor, reason: (ctx.reason ?? '').trim() }, updatedAt: ctx.now };
}
