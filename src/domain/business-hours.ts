/**
 * Working-time arithmetic: when a target of "4 business hours" falls due, and how much working time has passed.
 *
 * Everything is computed in the calendar's own time zone with luxon, one local day at a time, and the opening and
 * closing instants of each day are absolute. That makes a 23- or 25-hour DST day, a weekend and a holiday fall out
 * of the same loop without special cases. A clock started outside working hours starts at the next opening.
 */
import { DateTime } from 'luxon';
import { DomainError } from './errors';

/** Weekday keys as they appear in the organisation file; index + 1 is luxon's ISO weekday (Monday = 1). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** A weekday key, `mon` … `sun`. */
export type Weekday = (typeof WEEKDAYS)[number];

/** Opening hours on one day, local `HH:mm`; `end` may be `24:00` (open until midnight). */
export interface DayHours {
  start: string;
  end: string;
}

/** Opening hours per weekday; a weekday that is absent is closed. */
export type WeekHours = Partial<Record<Weekday, DayHours>>;

/** Business hours in one time zone with its public holidays (local ISO dates, `YYYY-MM-DD`). */
export interface BusinessCalendar {
  kind: 'business';
  timeZone: string;
  workingHours: WeekHours;
  holidays: readonly string[];
}

/** Round the clock: every minute counts, holidays included. */
export interface AlwaysOpenCalendar {
  kind: '24x7';
}

/** What an SLA clock or a reminder counts against. */
export type Calendar = BusinessCalendar | AlwaysOpenCalendar;

/** The 24x7 calendar (one shared value: it has no settings). */
export const ALWAYS_OPEN: AlwaysOpenCalendar = { kind: '24x7' };

const MINUTE_MS = 60_000;
/** Ten years of days: far beyond any real target; only reached by a calendar with (almost) no open days. */
const MAX_DAYS_SCANNED = 3660;

/** Parses `HH:mm` (00:00–24:00) into minutes after midnight; throws on anything else. */
export function parseClockTime(value: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  if (!match) throw new DomainError('invalid_input', `"${value}" is not a time of day; write it as HH:mm, e.g. 09:00.`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (minutes > 24 * 60) throw new DomainError('invalid_input', `"${value}" is after 24:00.`);
  return minutes;
}

/** The opening and closing instants of one local day, or null when the calendar is closed that day. */
function openingOn(day: DateTime, calendar: BusinessCalendar): { open: DateTime; close: DateTime } | null {
  const isoDate = day.toISODate();
  if (isoDate !== null && calendar.holidays.includes(isoDate)) return null;
  const hours = calendar.workingHours[WEEKDAYS[day.weekday - 1] as Weekday];
  if (!hours) return null;
  const start = parseClockTime(hours.start);
  const end = parseClockTime(hours.end);
  if (end <= start) return null;
  // Built from local wall-clock fields (not by adding minutes to midnight) so 09:00 stays 09:00 on a DST day.
  const at = (minutes: number): DateTime =>
    minutes === 24 * 60
      ? day.plus({ days: 1 }).startOf('day')
      : day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
  return { open: at(start), close: at(end) };
}

function assertUsable(calendar: BusinessCalendar): void {
  const anyOpen = WEEKDAYS.some((d) => {
    const h = calendar.workingHours[d];
    return h !== undefined && parseClockTime(h.end) > parseClockTime(h.start);
  });
  if (!anyOpen) throw new DomainError('invalid_input', 'This calendar has no working hours on any day of the week.');
}

function startOfLocalDay(at: Date, calendar: BusinessCalendar): DateTime {
  const local = DateTime.fromJSDate(at, { zone: calendar.timeZone });
  if (!local.isValid) throw new DomainError('invalid_input', `"${calendar.timeZone}" is not a usable time zone.`);
  return local.startOf('day');
}

/**
 * The instant `minutes` of working time after `start`. Outside working hours the clock starts at the next
 * opening; a deadline that lands exactly on closing time stays there (it is not pushed to the next morning).
 */
export function addWorkingMinutes(start: Date, minutes: number, calendar: Calendar): Date {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new DomainError('invalid_input', `Working minutes must be zero or more (got ${minutes}).`);
  }
  if (calendar.kind === '24x7') return new Date(start.getTime() + minutes * MINUTE_MS);
  assertUsable(calendar);
  let remainingMs = minutes * MINUTE_MS;
  let cursor = start.getTime();
  let day = startOfLocalDay(start, calendar);
  for (let i = 0; i < MAX_DAYS_SCANNED; i++, day = day.plus({ days: 1 }).startOf('day')) {
    const hours = openingOn(day, calendar);
    if (!hours) continue;
    const open = hours.open.toMillis();
    const close = hours.close.toMillis();
    if (cursor >= close) continue;
    if (cursor < open) cursor = open;
    const available = close - cursor;
    if (remainingMs <= available) return new Date(cursor + remainingMs);
    remainingMs -= available;
    cursor = close;
  }
  throw new DomainError('invalid_input', 'This calendar has too few working days to reach the deadline.');
}

/** Working minutes between `from` and `to` (0 when `to` is not after `from`). */
export function workingMinutesBetween(from: Date, to: Date, calendar: Calendar): number {
  if (to.getTime() <= from.getTime()) return 0;
  if (calendar.kind === '24x7') return (to.getTime() - from.getTime()) / MINUTE_MS;
  let totalMs = 0;
  const end = to.getTime();
  for (let day = startOfLocalDay(from, calendar); day.toMillis() < end; day = day.plus({ days: 1 }).startOf('day')) {
    const hours = openingOn(day, calendar);
    if (!hours) continue;
    const open = Math.max(hours.open.toMillis(), from.getTime());
    const close = Math.min(hours.close.toMillis(), end);
    if (close > open) totalMs += close - open;
  }
  return totalMs / MINUTE_MS;
}

/** True when `at` falls inside the calendar's working hours (always true for 24x7). */
export function isWorkingTime(at: Date, calendar: Calendar): boolean {
  if (calendar.kind === '24x7') return true;
  const hours = openingOn(startOfLocalDay(at, calendar), calendar);
  return hours !== null && at.getTime() >= hours.open.toMillis() && at.getTime() < hours.close.toMillis();
}

/** `at` itself during working hours, else the next opening: when a reminder may be sent without waking anyone. */
export function nextWorkingTime(at: Date, calendar: Calendar): Date {
  return isWorkingTime(at, calendar) ? at : addWorkingMinutes(at, 0, calendar);
}

/** Response and resolution targets in minutes, counted on the calendar they are given with. */
export interface SlaTargets {
  responseMinutes: number;
  resolutionMinutes: number;
}

/** When a record must be responded to and resolved, counting from `createdAt` on `calendar`. */
export function slaDeadlines(input: { createdAt: Date; targets: SlaTargets; calendar: Calendar }): {
  respondBy: Date;
  resolveBy: Date;
} {
  return {
    respondBy: addWorkingMinutes(input.createdAt, input.targets.responseMinutes, input.calendar),
    resolveBy: addWorkingMinutes(input.createdAt, input.targets.resolutionMinutes, input.calendar),
  };
}

/**
 * The fraction of the working time from `start` to `deadline` used up at `now`: 0.75 is the usual warning point,
 * 1 is the deadline, above 1 is overdue (not clamped, so reports can say how late). A zero-length target is 0
 * before its deadline and 1 from it. Whether a deadline is missed is `now >= deadline`, not this fraction: time
 * after a deadline that lands on closing time only starts counting at the next opening.
 */
export function slaProgress(now: Date, start: Date, deadline: Date, calendar: Calendar): number {
  const total = workingMinutesBetween(start, deadline, calendar);
  if (total === 0) return now.getTime() >= deadline.getTime() ? 1 : 0;
  return workingMinutesBetween(start, now, calendar) / total;
}

/**
 * The end of the `days`-th working day after the local day of `after` (that day itself does not count): "no
 * answer for three working days" gives someone resolved on a Monday until Thursday's closing time. Weekends and
 * holidays are skipped; on a 24x7 calendar it is simply `days` × 24 hours later.
 */
export function endOfWorkingDays(after: Date, days: number, calendar: Calendar): Date {
  if (!Number.isInteger(days) || days < 1) throw new DomainError('invalid_input', `Working days must be a whole number from 1 (got ${days}).`);
  if (calendar.kind === '24x7') return new Date(after.getTime() + days * 24 * 60 * MINUTE_MS);
  assertUsable(calendar);
  let counted = 0;
  let day = startOfLocalDay(after, calendar);
  for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
    day = day.plus({ days: 1 }).startOf('day');
    const hours = openingOn(day, calendar);
    if (hours && ++counted === days) return hours.close.toJSDate();
  }
  throw new DomainError('invalid_input', 'This calendar has too few working days to reach the date.');
}
