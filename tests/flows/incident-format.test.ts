/**
 * `formatTime` takes a shortcut (one cached Intl formatter per zone) where Luxon spells dates in built-in English;
 * the text must be exactly what Luxon's `ccc d LLL, HH:mm ZZZZ` gives, in every zone, across DST changes.
 */
import { Settings } from 'luxon';
import { formatTime, formatTimeWithLuxon } from '../../flows/shared/format';

const ZONES = [...Intl.supportedValuesOf('timeZone'), 'UTC', 'utc', 'Etc/UTC', 'GMT', 'Europe/london', 'UTC+2', 'Nope/Zone'];
/** Instants spread over several years, hours and minutes (DST changes included), every zone. */
const INSTANTS = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 29.3 * 24 * 3600_000 + i * 61_000));

afterEach(() => {
  Settings.defaultLocale = '';
});

test('the same text as Luxon for every zone Intl knows, and for zones only Luxon understands or nobody does', () => {
  const differences: string[] = [];
  for (const zone of ZONES) {
    for (const at of INSTANTS) {
      const expected = formatTimeWithLuxon(at, zone);
      const actual = formatTime(at, zone);
      if (actual !== expected) differences.push(`${zone} ${at.toISOString()}: ${actual} ≠ ${expected}`);
    }
  }
  expect(differences).toEqual([]);
  expect(formatTime(new Date('2026-03-02T14:00:00Z'), 'Europe/London')).toBe('Mon 2 Mar, 14:00 GMT');
  expect(formatTime(new Date('2026-07-02T14:00:00Z'), 'Europe/London')).toBe('Thu 2 Jul, 15:00 GMT+1'); // en-US has no short name for British Summer Time
});

test('another locale goes through Luxon', () => {
  Settings.defaultLocale = 'de-DE';
  const at = new Date('2026-03-02T14:00:00Z');
  expect(formatTime(at, 'Europe/Berlin')).toBe(formatTimeWithLuxon(at, 'Europe/Berlin'));
});

test('an invalid date reads as Luxon makes it', () => {
  const invalid = new Date(Number.NaN);
  expect(() => formatTimeWithLuxon(invalid, 'Europe/London')).toThrow();
  expect(() => formatTime(invalid, 'Europe/London')).toThrow();
});
