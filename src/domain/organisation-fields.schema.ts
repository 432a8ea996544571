/**
 * The small field schemas every section of the organisation file shares: ids, time zones, times of day, dates.
 * They live apart from organisation.schema.ts so that section files (organisation-changes.schema.ts) can use
 * them without an import cycle; organisation.schema.ts re-exports them, so callers see one place.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';

/** Lower-case letters, digits and single hyphens: ids people type and read (`priya-shah`, `service-desk`). */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A person, team, service or calendar id. */
export const slugSchema = z
  .string()
  .regex(SLUG, { error: 'must be a lower-case id of letters, digits and hyphens, e.g. "service-desk"' });

/** Text that must say something (trimmed, not empty). */
export const nonEmptyTextSchema = z.string().trim().min(1, { error: 'must not be empty' });

/** True when luxon (and so Intl) knows the IANA zone. */
export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** An IANA time zone name, checked against the runtime's zone database. */
export const timeZoneSchema = z.string().refine(isValidTimeZone, {
  error: (issue) => `"${String(issue.input)}" is not an IANA time zone; use one like Europe/London, America/New_York or UTC`,
});

/** A local time of day, `HH:mm` (24-hour), `24:00` allowed as an end time. */
export const clockTimeSchema = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, { error: 'must be a time of day as HH:mm, e.g. "09:00" or "17:30"' });

/** A calendar date `YYYY-MM-DD` that exists. */
export const isoDateSchema = z.iso.date({ error: 'must be a real date written YYYY-MM-DD, e.g. 2026-12-25' });
