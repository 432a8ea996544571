/**
 * How times, durations and targets read to a person: in their own time zone, in words rather than `4h`. Shared
 * by every message of the flow.
 */
import { DateTime, Settings } from 'luxon';
import type { Calendar } from '../../src/domain/business-hours';
import type { Incident, ResolutionCode } from '../../src/domain/incident';
import { incidentLifecycle } from '../../src/domain/incident';
import type { Organisation } from '../../src/domain/organisation';
import { targetsFor } from '../../src/domain/sla';

/**
 * `formatTime` builds a Luxon DateTime per call and Luxon's `ZZZZ` token builds a new `Intl.DateTimeFormat` every
 * time (~60 µs a call, the largest single cost of a submit's messages). In Luxon's own fast case — its locale is
 * `en-US`, where it spells weekdays and months from built-in English names — one cached `Intl.DateTimeFormat` per
 * zone gives the same text from a single `formatToParts`; tests/flows/incident-format.test.ts compares the two
 * over many zones and instants. Any other locale, or a zone Intl does not know (`UTC+2`, a typo), goes through
 * Luxon as before.
 */
const FAST_LOCALE = 'en-US';
const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();
const ZONE_FORMATS_MAX = 500;

let systemLocale: string | undefined;
/** The locale Luxon formats in: its default, else the system's (which Luxon also reads once). */
function luxonLocale(): string {
  return Settings.defaultLocale || (systemLocale ??= new Intl.DateTimeFormat().resolvedOptions().locale);
}

function zoneFormat(timeZone: string): Intl.DateTimeFormat | null {
  let format = zoneFormats.get(timeZone);
  if (format === undefined) {
    if (zoneFormats.size >= ZONE_FORMATS_MAX) zoneFormats.clear();
    try {
      format = new Intl.DateTimeFormat(FAST_LOCALE, {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
        timeZone,
      });
    } catch {
      format = null; // not an IANA zone Intl knows: Luxon decides what it is
    }
    zoneFormats.set(timeZone, format);
  }
  return format;
}

/** Luxon's `ccc d LLL, HH:mm ZZZZ`. */
function luxonTime(at: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  return local.isValid ? local.toFormat('ccc d LLL, HH:mm ZZZZ') : at.toISOString();
}

/** `Mon 2 Mar, 14:00 GMT` in `timeZone`. */
export function formatTime(at: Date, timeZone: string): string {
  const format = luxonLocale() === FAST_LOCALE && Number.isFinite(at.getTime()) ? zoneFormat(timeZone) : null;
  if (!format) return luxonTime(at, timeZone);
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of format.formatToParts(at)) part[type] = value;
  return `${part.weekday} ${part.day} ${part.month}, ${part.hour}:${part.minute} ${part.timeZoneName}`;
}

/** The same text through Luxon alone, for the test that compares the two. */
export const formatTimeWithLuxon = luxonTime;

/** `15 minutes`, `1 hour`, `1 hour 30 minutes`. */
export function durationWords(minutes: number): string {
  const whole = Math.round(minutes);
  const hours = Math.floor(whole / 60);
  const mins = whole % 60;
  const parts = [hours > 0 ? `${hours} ${hours === 1 ? 'hour' : 'hours'}` : '', mins > 0 || hours === 0 ? `${mins} ${mins === 1 ? 'minute' : 'minutes'}` : ''];
  return parts.filter(Boolean).join(' ');
}

/** `4 working hours` on a business calendar, `4 hours` round the clock. */
export function targetWords(minutes: number, calendar: Calendar): string {
  const words = durationWords(minutes);
  return calendar.kind === '24x7' ? words : words.replace(/(hours?|minutes?)$/, 'working $1');
}

/** The priority's label from the organisation file (`P2 high`), or its id. */
export function priorityLabel(org: Organisation, priority: string): string {
  return org.priorities.levels.find((l) => l.id === priority)?.label ?? priority;
}

/** Response and resolution targets in words, for a service and priority. */
export function targetPhrases(org: Organisation, service: string, priority: string): { respond: string; resolve: string } {
  const targets = targetsFor(org, service, priority);
  return { respond: targetWords(targets.responseMinutes, targets.calendar), resolve: targetWords(targets.resolutionMinutes, targets.calendar) };
}

/** The state as it reads in a sentence: `in progress`, `on hold`. */
export function statusWords(status: Incident['status']): string {
  return incidentLifecycle.stateLabel(status);
}

/** Resolution codes in words people use. */
export const RESOLUTION_WORDS: Record<ResolutionCode, string> = {
  fixed: 'Fixed',
  workaround: 'Workaround in place',
  no_fault_found: 'No fault found',
  user_guidance: 'Advice given',
  duplicate: 'Duplicate of another incident',
  logged_in_error: 'Logged in error',
  referred_to_change: 'Needs a change (referred)',
};

/** The service's name, or its id. */
export function serviceName(org: Organisation, service: string): string {
  return org.services.find((s) => s.id === service)?.name ?? service;
}

/** The team's name, or its id. */
export function teamName(org: Organisation, team: string): string {
  return org.teams.find((t) => t.id === team)?.name ?? team;
}

/** The zone a team card shows times in: the team's own calendar, else the organisation's. */
export function teamTimeZone(org: Organisation, team: string): string {
  const hours = org.teams.find((t) => t.id === team)?.supportHours;
  return hours?.kind === 'business' ? hours.timeZone : org.timeZone;
}
