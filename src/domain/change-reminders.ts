/**
 * Reminders while a change waits for its approvers (`changes.approvalReminders` in the organisation file): every
 * `every` after submission the approvers who have not decided are reminded, and `escalateBefore` the planned start
 * the change managers are told the decision is late. Derived from the record and the clock alone, so a sweep after
 * a restart finds the same nudges; each carries a key the notifier sends it under at most once.
 */
import { approvalRoute, isAwaitingDecision, pendingApprovers } from './change-approval';
import type { Change } from './change';
import type { Organisation } from './organisation';

/** One reminder or escalation: who hears, when it fell due, and its idempotency key. */
export interface ApprovalNudge {
  kind: 'reminder' | 'escalation';
  /** `CHG-000045:approval-reminder:2` or `CHG-000045:approval-escalation`. */
  key: string;
  at: Date;
  /** Person ids. */
  to: string[];
}

const MINUTE = 60_000;

/** When the escalation falls due: `escalateBefore` the planned start, or at submission if that is already later. */
function escalationAt(change: Change, org: Organisation): Date {
  const at = change.plannedStart.getTime() - org.changes.approvalReminders.escalateBeforeMinutes * MINUTE;
  return new Date(Math.max(at, change.createdAt.getTime()));
}

/**
 * The nudges due for `change` at `now`: the latest reminder that fell due (one, however long the bot was down —
 * an approver needs one reminder, not three), and the escalation once due. Empty when the change is not awaiting
 * a decision or is pre-approved. Reminders stop at the planned start; the escalation stays due until sent.
 */
export function dueApprovalNudges(change: Change, org: Organisation, now: Date): ApprovalNudge[] {
  if (!isAwaitingDecision(change) || approvalRoute(change, org).kind === 'pre-approved') return [];
  const nudges: ApprovalNudge[] = [];
  const every = org.changes.approvalReminders.everyMinutes * MINUTE;
  // Reminders fall strictly before the planned start: once work is due to begin, a reminder to decide is noise.
  const until = Math.min(now.getTime(), change.plannedStart.getTime() - 1);
  const count = Math.floor((until - change.createdAt.getTime()) / every);
  const waiting = pendingApprovers(change, org);
  if (count >= 1 && waiting.length > 0) {
    nudges.push({
      kind: 'reminder',
      key: `${change.id}:approval-reminder:${count}`,
      at: new Date(change.createdAt.getTime() + count * every),
      to: waiting,
    });
  }
  const escalateAt = escalationAt(change, org);
  if (escalateAt.getTime() <= now.getTime()) {
    const managers = org.approvers.changeManagers.filter((id) => id !== change.requester.id);
    if (managers.length > 0) nudges.push({ kind: 'escalation', key: `${change.id}:approval-escalation`, at: escalateAt, to: managers });
  }
  return nudges;
}

/** When the next nudge falls due after `now` (for a due date on the record), or null when none will. */
export function nextApprovalNudgeAt(change: Change, org: Organisation, now: Date): Date | null {
  if (!isAwaitingDecision(change) || approvalRoute(change, org).kind === 'pre-approved') return null;
  const every = org.changes.approvalReminders.everyMinutes * MINUTE;
  const created = change.createdAt.getTime();
  const nextReminder = created + (Math.floor((now.getTime() - created) / every) + 1) * every;
  const candidates = [nextReminder < change.plannedStart.getTime() ? nextReminder : Infinity];
  const escalateAt = escalationAt(change, org).getTime();
  if (escalateAt > now.getTime()) candidates.push(escalateAt);
  const next = Math.min(...candidates);
  return Number.isFinite(next) ? new Date(next) : null;
}
