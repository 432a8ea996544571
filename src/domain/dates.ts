/**
 * Calendar dates (`YYYY-MM-DD`) for things due on a day rather than at an instant: improvement target dates,
 * holidays. A date means that day in the relevant person's time zone; ISO dates compare correctly as strings.
 *
 * These run for every entry of every sweep, so they work on plain UTC day numbers (a calendar date has no zone of
 * its own) and one cached `Intl.DateTimeFormat` per zone, instead of building a date-time object per call.
 */
import { DomainError } from './errors';

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Formats an instant as its calendar date in one zone (en-CA writes YYYY-MM-DD); one formatter per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      throw new DomainError('invalid_input', `"${timeZone}" is not a usable time zone.`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local calendar date of `at` in `timeZone`. */
export function localIsoDate(at: Date, timeZone: string): string {
  if (Number.isNaN(at.getTime())) throw new DomainError('invalid_input', 'That is not a point in time.');
  const parts = formatterFor(timeZone).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}

/** The UTC day number of a real `YYYY-MM-DD` date, or null. */
function dayNumber(date: string): number | null {
  const match = ISO_DATE.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2026-02-30 over into March: a real date reads back the same.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return ms / DAY_MS;
}

function parseIsoDate(date: string): number {
  const day = dayNumber(date);
  if (day === null) throw new DomainError('invalid_input', `"${date}" is not a date; write it as YYYY-MM-DD.`);
  return day;
}

/** The `YYYY-MM-DD` of a UTC day number. */
function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier): `daysBetween('2026-03-01', '2026-03-08')` = 7. */
export function daysBetween(from: string, to: string): number {
  return parseIsoDate(to) - parseIsoDate(from);
}

/** `date` plus `days` (may be negative). */
export function addDays(date: string, days: number): string {
  return isoOfDay(parseIsoDate(date) + days);
}

/** True when `value` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  return dayNumber(value) !== null;
}
