/**
 * Who authorises a change and when a decision is reached (clause 8.5.1): standard changes are pre-approved,
 * low-risk normal changes need one change manager, medium and high risk normal changes go to the CAB (quorum of
 * approvals; rejection by any member or by a majority, as the organisation file says), emergency changes go to
 * the emergency CAB. Nobody authorises a change they requested or will implement.
 */
import { DomainError, InvalidTransitionError, conflict, notAllowed } from './errors';
import { changeLifecycle, type Approval, type Change } from './change';
import type { Organisation } from './organisation';
import type { PersonRef } from './records';

/** Who must authorise a change, and how many approvals are needed. */
export type ApprovalRoute =
  | { kind: 'pre-approved' }
  | { kind: 'change-manager'; approvers: string[]; quorum: 1; rejection: 'any' }
  | { kind: 'cab'; approvers: string[]; quorum: number; rejection: 'any' | 'majority' }
  | { kind: 'ecab'; approvers: string[]; quorum: number; rejection: 'any' };

/** The authorisation route for a change, from its type and assessed risk. */
export function approvalRoute(change: Pick<Change, 'type' | 'risk'>, org: Organisation): ApprovalRoute {
  const { changeManagers, cab, ecab } = org.approvers;
  if (change.type === 'standard') return { kind: 'pre-approved' };
  if (change.type === 'emergency') return { kind: 'ecab', approvers: ecab.members, quorum: ecab.quorum, rejection: 'any' };
  if (change.risk.level === 'low') return { kind: 'change-manager', approvers: changeManagers, quorum: 1, rejection: 'any' };
  return { kind: 'cab', approvers: cab.members, quorum: cab.quorum, rejection: cab.rejection };
}

/** Decisions counted for the current route: one per person (the latest), in the route's capacity. */
function countedDecisions(change: Change, route: Exclude<ApprovalRoute, { kind: 'pre-approved' }>): Approval[] {
  const latest = new Map<string, Approval>();
  for (const a of change.approvals) if (a.as === route.kind && route.approvers.includes(a.by.id)) latest.set(a.by.id, a);
  return [...latest.values()];
}

/** Where authorisation stands: approved once the quorum approves, rejected by the route's rejection rule. */
export function approvalOutcome(change: Change, org: Organisation): 'approved' | 'rejected' | 'pending' {
  const route = approvalRoute(change, org);
  if (route.kind === 'pre-approved') return 'approved';
  const decisions = countedDecisions(change, route);
  const approvals = decisions.filter((d) => d.decision === 'approved').length;
  const rejections = decisions.length - approvals;
  const eligible = new Set(route.approvers).size;
  if (route.rejection === 'any' && rejections > 0) return 'rejected';
  if (route.rejection === 'majority' && rejections > eligible / 2) return 'rejected';
  if (approvals >= route.quorum) return 'approved';
  // Not enough people left who could still approve: waiting longer cannot change the answer.
  if (eligible - rejections < route.quorum) return 'rejected';
  return 'pending';
}

/** For a withdrawn or cancelled change: who stopped it, and that there is nothing left to decide. */
function stoppedMessage(change: Change): string | null {
  if (change.status === 'withdrawn') {
    const by = change.withdrawal?.by.name ?? change.requester.name;
    return `${change.id} was withdrawn by ${by}; nothing to decide.`;
  }
  if (change.status === 'cancelled') {
    const by = change.cancellation?.by.name;
    const why = change.cancellation?.reason ? ` (${change.cancellation.reason})` : '';
    return `${change.id} was cancelled${by ? ` by ${by}` : ''}${why}; nothing to decide.`;
  }
  return null;
}

/** True while the change waits for its approvers: submitted or assessed. */
export function isAwaitingDecision(change: Pick<Change, 'status'>): boolean {
  return change.status === 'submitted' || change.status === 'assessed';
}

/** Why `personId` may not decide on this change, or null when they may. */
export function whyMayNotDecide(change: Change, personId: string, org: Organisation): string | null {
  const route = approvalRoute(change, org);
  if (route.kind === 'pre-approved') return `${change.id} is a standard change; it was approved with its template.`;
  if (change.requester.id === personId) return `You requested ${change.id}, so someone else must authorise it.`;
  if (change.implementer?.id === personId) return `You will implement ${change.id}, so someone else must authorise it.`;
  if (!route.approvers.includes(personId)) {
    const who = { 'change-manager': 'a change manager', cab: 'a CAB member', ecab: 'an emergency CAB member' }[route.kind];
    return `${change.id} needs ${who} to authorise it, and the organisation file does not name you as one.`;
  }
  return null;
}

/** The approvers still to decide, for reminders (empty for pre-approved changes and once it is decided). */
export function pendingApprovers(change: Change, org: Organisation): string[] {
  const route = approvalRoute(change, org);
  if (route.kind === 'pre-approved' || !isAwaitingDecision(change)) return [];
  const decided = new Set(countedDecisions(change, route).map((d) => d.by.id));
  return route.approvers.filter(
    (id) => !decided.has(id) && id !== change.requester.id && id !== change.implementer?.id,
  );
}

/**
 * Records one decision and moves the change to approved or rejected once the route's rule is met. The same
 * decision by the same person again returns the change unchanged (double clicks, replays); a different one is a
 * `conflict`. Throws `not_allowed` for someone who may not decide, `invalid_input` for a rejection without a
 * reason, and an invalid-transition error once the change is no longer awaiting authorisation.
 */
export function decideChange(
  change: Change,
  ctx: { actor: PersonRef; now: Date; decision: 'approved' | 'rejected'; comment?: string },
  org: Organisation,
): Change {
  const stopped = stoppedMessage(change);
  if (stopped) {
    throw new InvalidTransitionError('change', change.id, change.status, ctx.decision === 'approved' ? 'approve' : 'reject', [], stopped);
  }
  // A double click or a replayed card submission must not count twice (even after it settled the outcome);
  // a change of mind must go through a change manager.
  const previous = change.approvals.filter((a) => a.by.id === ctx.actor.id && a.as !== 'pre-approved').at(-1);
  if (previous?.decision === ctx.decision) return change;
  changeLifecycle.next(change.status, ctx.decision === 'approved' ? 'approve' : 'reject', change.id);
  if (previous) {
    throw conflict(`You already ${previous.decision} ${change.id}. Ask a change manager if your decision needs to change.`, {
      recordId: change.id,
    });
  }
  const why = whyMayNotDecide(change, ctx.actor.id, org);
  if (why) throw notAllowed(why, { recordId: change.id });
  const comment = (ctx.comment ?? '').trim();
  if (ctx.decision === 'rejected' && comment === '') {
    throw new DomainError('invalid_input', 'Say why you are rejecting the change; the requester needs to know what to fix.');
  }
  const as = approvalRoute(change, org).kind as Approval['as'];
  const decided: Change = {
    ...change,
    approvals: [...change.approvals, { by: ctx.actor, at: ctx.now, decision: ctx.decision, comment, as }],
    updatedAt: ctx.now,
  };
  const outcome = approvalOutcome(decided, org);
  if (outcome === 'pending') return decided;
  return { ...decided, status: changeLifecycle.next(change.status, outcome === 'approved' ? 'approve' : 'reject', change.id) };
}
