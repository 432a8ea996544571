/**
 * How times and names read to a person in every flow: an instant in their own time zone, a service by its name.
 */
import { DateTime, Settings } from 'luxon';
import type { Organisation } from '../../src/domain/organisation';

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

/** The service's name, or its id. */
export function serviceName(org: Organisation, service: string): string {
  return org.services.find((s) => s.id === service)?.name ?? service;
}
