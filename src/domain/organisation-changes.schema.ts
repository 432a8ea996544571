/**
 * The change-enablement parts of the organisation file (clause 8.5.1), as written: the `changes:` section (the
 * standard change catalogue, the risk questionnaire and bands, freeze windows, approval reminders) and a service's
 * `maintenanceWindows`. Cross-references (services, teams, a freeze ending before it starts) are checked in
 * organisation-references.ts; organisation.ts resolves these into the typed model (`org.changes`).
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { WEEKDAYS } from './business-hours';
import { durationSchema } from './duration';
import { clockTimeSchema, nonEmptyTextSchema as text, slugSchema, timeZoneSchema } from './organisation-fields.schema';

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * One weekly maintenance window of a service: on each of `days`, from `start` to `end` local time. An `end` at or
 * before `start` runs past midnight into the next day (`sat 22:00–02:00`), the usual shape of an overnight window; `24:00` ends at midnight.
 * `timeZone` defaults to the service's support calendar's zone, else the organisation's.
 */
export const maintenanceWindowFileSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS)).min(1, { error: 'name at least one day (mon … sun)' }),
    start: clockTimeSchema.refine((t) => t !== '24:00', { error: 'must be a time of day before 24:00' }),
    end: clockTimeSchema,
    timeZone: timeZoneSchema.optional(),
  })
  .superRefine((w, ctx) => {
    // Equal times would mean either nothing or the whole day; neither is a window anyone means to write.
    if (w.end !== '24:00' && minutesOf(w.end) === minutesOf(w.start)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `must differ from start (${w.start}); a window needs a length` });
    }
  });

/** A local date (`2026-12-14`) or date and time (`2026-12-14 18:00`, `2026-12-14T18:00`) as written. */
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ]((?:[01]\d|2[0-3]):[0-5]\d))?$/;

/** A local date, or date and time, that exists; kept as written until the organisation's zone is known. */
export const localDateTimeSchema = z.string().refine(
  (value) => {
    const match = LOCAL_DATE_TIME.exec(value.trim());
    return match !== null && DateTime.fromISO(match[1] as string, { zone: 'UTC' }).isValid;
  },
  { error: 'must be a date "YYYY-MM-DD" or a date and time "YYYY-MM-DD HH:mm", e.g. 2026-12-14 or "2026-12-14 18:00"' },
);

/**
 * The instant a freeze boundary means in `timeZone`. A date alone covers the whole day: as a start it is that
 * day's midnight, as an end the next midnight, so `start: 2026-12-14, end: 2027-01-04` includes 4 January.
 * Returns null for text that {@link localDateTimeSchema} refuses.
 */
export function localBoundaryInstant(value: string, timeZone: string, edge: 'start' | 'end'): Date | null {
  const match = LOCAL_DATE_TIME.exec(value.trim());
  if (!match) return null;
  const day = DateTime.fromISO(match[1] as string, { zone: timeZone });
  if (!day.isValid) return null;
  const time = match[2];
  const at =
    time === undefined
      ? edge === 'start'
        ? day.startOf('day')
        : day.plus({ days: 1 }).startOf('day')
      : day.set({ hour: Number(time.slice(0, 2)), minute: Number(time.slice(3, 5)) });
  return at.toJSDate();
}

/** One freeze (blackout) window: no change but an emergency one may run on `services` (all when omitted). */
export const freezeWindowFileSchema = z.strictObject({
  id: slugSchema,
  name: text,
  start: localDateTimeSchema,
  end: localDateTimeSchema,
  services: z.array(slugSchema).min(1, { error: 'list at least one service, or leave services out to freeze them all' }).optional(),
  /** Shown to the requester whose change is blocked, so it should say why in plain words. */
  reason: text,
});

const positiveDuration = (what: string) =>
  durationSchema.refine((minutes) => minutes > 0, { error: `${what} must be longer than 0m` });

/** A pre-approved standard change template: the plans were assessed and authorised once, for every use. */
export const standardChangeTemplateFileSchema = z.strictObject({
  id: slugSchema,
  title: text,
  description: z.string().trim().default(''),
  services: z.array(slugSchema).min(1, { error: 'list the services the template may be used on' }),
  implementationPlan: text,
  backoutPlan: text,
  testPlan: text,
  /** The typical length: a planned end defaults to the start plus this. */
  duration: positiveDuration('duration'),
  implementerTeam: slugSchema.optional(),
});

/** One question of the risk questionnaire with its scored answers. */
export const riskQuestionFileSchema = z.strictObject({
  id: slugSchema,
  text,
  options: z
    .array(z.strictObject({ value: slugSchema, label: text, score: z.number().int().min(0, { error: 'must be 0 or more' }) }))
    .min(2, { error: 'a question needs at least two answers to choose from' }),
});

/** `riskBands:` — upper bounds of the low and medium bands; above `medium` is high. */
export const riskBandsFileSchema = z
  .strictObject({ low: z.number().int().min(0), medium: z.number().int().min(0) })
  .superRefine((b, ctx) => {
    if (b.medium <= b.low) ctx.addIssue({ code: 'custom', path: ['medium'], message: `must be more than low (${b.low})` });
  });

/** The reminder settings used for anything `approvalReminders:` leaves out. */
export const DEFAULT_APPROVAL_REMINDERS = { everyMinutes: 24 * 60, escalateBeforeMinutes: 24 * 60 } as const;

/** `approvalReminders:` — how often pending approvers are reminded, and how long before the start to escalate. */
export const approvalRemindersFileSchema = z.strictObject({
  every: durationSchema
    .refine((m) => m >= 60, { error: 'remind at most hourly (1h or more)' })
    .default(DEFAULT_APPROVAL_REMINDERS.everyMinutes),
  escalateBefore: positiveDuration('escalateBefore').default(DEFAULT_APPROVAL_REMINDERS.escalateBeforeMinutes),
});

/** `changes:` — every key optional; a file without the section gets an empty catalogue and the default questions. */
export const changesFileSchema = z.strictObject({
  standardCatalogue: z.array(standardChangeTemplateFileSchema).default([]),
  riskQuestions: z.array(riskQuestionFileSchema).min(1, { error: 'ask at least one question, or leave riskQuestions out for the defaults' }).optional(),
  riskBands: riskBandsFileSchema.optional(),
  freezeWindows: z.array(freezeWindowFileSchema).default([]),
  approvalReminders: approvalRemindersFileSchema.prefault({}),
});
