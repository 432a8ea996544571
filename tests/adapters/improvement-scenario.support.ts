import { DateTime } from 'luxon';
import { calendarOf, timeZoneOf } from '../../flows/shared/people';
import { isWorkingTime, nextWorkingTime } from '../../src/domain/business-hours';
import { addDays, localIsoDate } from '../../src/domain/dates';
import type { Services } from '../../src/engine/services';

/**
 * What the improvement scenarios through Slack, Teams and the web chat type into the forms (issue 8). The people
 * are those of config/organisation.example.yaml: Jamie Cole (service desk, London) raises the action, Mei Chen
 * (Berlin) owns it, and her line manager Lukas Becker (Berlin) approves it and checks that it worked.
 */

/** The owner's person id (whose working hours the nudges wait for). */
export const OWNER_ID = 'mei-chen';

/** A corrective action for an audit finding, as the raise form takes it (select values are the flow's own). */
export const CORRECTIVE_ACTION = {
  title: 'Stop emergency changes closing without their review',
  description: 'The internal audit found emergency changes closed before their post-implementation review.',
  type: 'corrective_action',
  source: 'audit_finding',
  sourceRef: 'CHG-000045',
  owner: 'Mei Chen',
  process: 'improvement',
  priority: 'high',
  nonconformity: 'Post-implementation reviews were skipped on 3 of 10 emergency changes (internal audit, February).',
  correction: 'The three missing reviews were written and filed.',
  rootCause: 'The change tool lets a change be closed without its review.',
} as const;

/** An improvement (no nonconformity), for the web chat. */
export const IMPROVEMENT = {
  title: 'Publish a VPN status page',
  description: 'People report the VPN down when it is their home Wi-Fi.',
  type: 'improvement',
  source: 'incident',
  sourceRef: 'INC-000123',
  owner: 'Mei Chen',
} as const;

/** Mark progress: the note and how far along. */
export const PROGRESS = { note: 'Close is blocked without a review in staging; production next week.', percent: '40' } as const;

/** Need more time: why. */
export const DEFERRAL_REASON = 'The change tool vendor ships the workflow fix on the 19th.';

/** Done: the evidence the effectiveness check starts from. */
export const EVIDENCE = 'Closing a change now needs its review (https://wiki.northwind-logistics.example/chg-close); none closed without one since.';

/**
 * The first of the person's working days on or after `date` (their calendar, holidays included, in their own zone),
 * and an instant an hour into it: when a nudge about an action due (or overdue) that day reaches them.
 */
export function workingDayFrom(services: Services, personId: string, date: string): { date: string; at: Date } {
  const calendar = calendarOf(services, personId);
  const zone = timeZoneOf(services, personId);
  for (let day = date, tries = 0; tries < 60; day = addDays(day, 1), tries++) {
    const opens = nextWorkingTime(DateTime.fromISO(day, { zone }).startOf('day').toJSDate(), calendar);
    if (localIsoDate(opens, zone) !== day) continue;
    const at = new Date(opens.getTime() + 60 * 60_000);
    if (isWorkingTime(at, calendar)) return { date: day, at };
  }
  throw new Error(`${personId} has no working day within 60 days of ${date}`);
}
