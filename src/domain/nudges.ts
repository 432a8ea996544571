/**
 * When the owner of an improvement action is reminded, and who hears about it once it is overdue, from the
 * organisation's nudge schedule. Pure: the sweep passes today's date in the recipient's zone. Each result carries
 * a `stage` name; the sweep uses record id + target date + stage as the notification's idempotency key, so a
 * stage is sent once, a missed day is caught up on the next sweep, and a deferral starts the ladder again.
 */
import { DateTime } from 'luxon';
import { nextWorkingTime, WEEKDAYS, type Calendar } from './business-hours';
import { daysBetween } from './dates';
import { daysOverdue, OPEN_IMPROVEMENT_STATUSES, type Improvement } from './improvement';
import { managerOf, processOwnerOf, type NudgeRecipient, type NudgeSchedule, type OrganisationIndex } from './organisation';

/** A nudge due now: a heads-up before the target date, or a step of the escalation ladder after it. */
export type NudgeDue =
  | { kind: 'heads-up'; stage: string; daysBefore: number; daysLeft: number }
  | { kind: 'due-today'; stage: 'due-today' }
  | { kind: 'escalation'; stage: string; step: number; daysOverdue: number; notify: NudgeRecipient[] };

/**
 * The latest stage reached on `today`, or null before the first heads-up and for entries no longer open.
 * Heads-ups: the smallest `headsUpDays` value not below the days left, before the due day.
 * The due day itself: `due-today` (its own stage, so the owner hears on the day whatever the heads-ups were).
 * Escalations: the last ladder step whose `afterDaysOverdue` has been reached, once at least a day overdue.
 */
export function nudgeDue(
  improvement: Pick<Improvement, 'status' | 'targetDate'>,
  today: string,
  schedule: NudgeSchedule,
): NudgeDue | null {
  if (!OPEN_IMPROVEMENT_STATUSES.includes(improvement.status)) return null;
  const overdue = daysOverdue(improvement, today);
  if (overdue > 0) {
    const step = schedule.escalation.findLastIndex((s) => overdue >= s.afterDaysOverdue);
    const reachedStep = schedule.escalation[step];
    if (!reachedStep) return null;
    return {
      kind: 'escalation',
      stage: `overdue-${reachedStep.afterDaysOverdue}`,
      step,
      daysOverdue: overdue,
      notify: reachedStep.notify,
    };
  }
  const daysLeft = daysBetween(today, improvement.targetDate);
  if (daysLeft === 0) return { kind: 'due-today', stage: 'due-today' };
  const reached = schedule.headsUpDays.filter((d) => d >= daysLeft).sort((a, b) => a - b)[0];
  return reached === undefined ? null : { kind: 'heads-up', stage: `heads-up-${reached}`, daysBefore: reached, daysLeft };
}

/**
 * Person ids to notify for a ladder step, without duplicates: the owner, their manager (the entry's, else the
 * owner's line manager), that manager's manager, and the owner of the process the entry improves.
 */
export function nudgeRecipients(
  improvement: Pick<Improvement, 'owner' | 'manager' | 'process'>,
  notify: readonly NudgeRecipient[],
  index: OrganisationIndex,
): string[] {
  const managerId = improvement.manager?.id ?? managerOf(index, improvement.owner.id)?.id;
  const ids: (string | undefined)[] = notify.map((who) => {
    switch (who) {
      case 'owner':
        return improvement.owner.id;
      case 'manager':
        return managerId;
      case 'managersManager':
        return managerId === undefined ? undefined : managerOf(index, managerId)?.id;
      case 'processOwner':
        return processOwnerOf(index, improvement.process)?.id;
    }
  });
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** When a nudge due at `now` may be delivered: at once, or at the recipient's next working time. */
export function deliveryTime(now: Date, recipientCalendar: Calendar, schedule: Pick<NudgeSchedule, 'quietHours'>): Date {
  return schedule.quietHours === 'working-hours' ? nextWorkingTime(now, recipientCalendar) : now;
}

/** The next digest time strictly after `now` for someone in `timeZone` (weekly, at the schedule's local time). */
export function nextDigestAt(now: Date, timeZone: string, digest: NudgeSchedule['digest']): Date {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const [hour, minute] = digest.time.split(':').map(Number) as [number, number];
  const weekday = WEEKDAYS.indexOf(digest.weekday) + 1;
  for (let add = 0; add <= 7; add++) {
    const day = local.plus({ days: add });
    if (day.weekday !== weekday) continue;
    const at = day.set({ hour, minute, second: 0, millisecond: 0 });
    if (at.toMillis() > now.getTime()) return at.toJSDate();
  }
  return local.plus({ days: 7 }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
}

/** Who hears about a nudge: the owner before and on the due day, the ladder step's people once overdue. */
export function nudgeAudience(due: NudgeDue): readonly NudgeRecipient[] {
  return due.kind === 'escalation' ? due.notify : ['owner'];
}

/**
 * "Snooze until tomorrow": the start of the person's next working day after today, in their own zone (midnight
 * tomorrow on a round-the-clock calendar). Nudges about the entry wait until then.
 */
export function nextWorkingDayStart(now: Date, calendar: Calendar, timeZone: string): Date {
  const zone = calendar.kind === 'business' ? calendar.timeZone : timeZone;
  const tomorrow = DateTime.fromJSDate(now, { zone }).plus({ days: 1 }).startOf('day').toJSDate();
  return calendar.kind === 'business' ? nextWorkingTime(tomorrow, calendar) : tomorrow;
}
