/**
 * Calendar dates (`YYYY-MM-DD`) for things due on a day rather than at an instant: improvement target dates,
 * holidays. A date means that day in the relevant person's time zone; ISO dates compare correctly as strings.
 */
import { DateTime } from 'luxon';
import { DomainError } from './errors';

/** The local calendar date of `at` in `timeZone`. */
export function localIsoDate(at: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const iso = local.toISODate();
  if (!local.isValid || iso === null) throw new DomainError('invalid_input', `"${timeZone}" is not a usable time zone.`);
  return iso;
}

function parseIsoDate(date: string): DateTime {
  const parsed = DateTime.fromISO(date, { zone: 'UTC' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !parsed.isValid) {
    throw new DomainError('invalid_input', `"${date}" is not a date; write it as YYYY-MM-DD.`);
  }
  return parsed;
}

/** Whole days from `from` to `to` (negative when `to` is earlier): `daysBetween('2026-03-01', '2026-03-08')` = 7. */
export function daysBetween(from: string, to: string): number {
  return Math.round(parseIsoDate(to).diff(parseIsoDate(from), 'days').days);
}

/** `date` plus `days` (may be negative). */
export function addDays(date: string, days: number): string {
  return parseIsoDate(date).plus({ days }).toISODate() as string;
}

/** True when `value` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'UTC' }).isValid;
}
