import {
  ALWAYS_OPEN,
  addWorkingMinutes,
  isWorkingTime,
  nextWorkingTime,
  parseClockTime,
  slaDeadlines,
  slaProgress,
  workingMinutesBetween,
  type BusinessCalendar,
} from '../../src/domain/business-hours';
import { DomainError } from '../../src/domain/errors';
import { aLondonCalendar } from '../support/mothers';

const london = aLondonCalendar(); // 09:00–17:30
const weekdays = { start: '09:00', end: '17:00' };
const londonNineToFive: BusinessCalendar = { ...london, workingHours: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays } };
const newYork: BusinessCalendar = {
  kind: 'business',
  timeZone: 'America/New_York',
  workingHours: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays },
  holidays: ['2026-07-03'],
};
const utc = (iso: string): Date => new Date(iso);

describe('addWorkingMinutes', () => {
  it('carries Friday 16:45 London + 1 working hour over the weekend to Monday 09:45', () => {
    // 2026-01-09 is a Friday (GMT, so London = UTC): 15 minutes on Friday, 45 on Monday.
    expect(addWorkingMinutes(utc('2026-01-09T16:45:00Z'), 60, londonNineToFive)).toEqual(utc('2026-01-12T09:45:00Z'));
    // With a 17:30 close, 45 minutes fit on Friday.
    expect(addWorkingMinutes(utc('2026-01-09T16:45:00Z'), 60, london)).toEqual(utc('2026-01-12T09:15:00Z'));
  });

  it('adds within the same day when there is room', () => {
    expect(addWorkingMinutes(utc('2026-01-07T10:00:00Z'), 90, london)).toEqual(utc('2026-01-07T11:30:00Z'));
  });

  it('leaves a deadline that lands exactly on closing time at closing time', () => {
    expect(addWorkingMinutes(utc('2026-01-07T17:00:00Z'), 30, london)).toEqual(utc('2026-01-07T17:30:00Z'));
  });

  it('starts the clock at the next opening when started before hours', () => {
    expect(addWorkingMinutes(utc('2026-01-07T06:10:00Z'), 15, london)).toEqual(utc('2026-01-07T09:15:00Z'));
  });

  it('starts the clock at the next opening when started after hours', () => {
    expect(addWorkingMinutes(utc('2026-01-07T19:00:00Z'), 30, london)).toEqual(utc('2026-01-08T09:30:00Z'));
  });

  it('starts a clock raised on a Saturday on Monday morning', () => {
    expect(addWorkingMinutes(utc('2026-01-10T11:00:00Z'), 60, london)).toEqual(utc('2026-01-12T10:00:00Z'));
  });

  it('skips a holiday Monday (Easter Monday 2026)', () => {
    const withEaster = aLondonCalendar(['2026-04-03', '2026-04-06']);
    // Thursday 2 April 2026 17:00 BST (16:00Z) + 1h: 30 min Thursday, Good Friday and Easter Monday skipped,
    // 30 min on Tuesday → Tuesday 09:30 BST = 08:30Z.
    expect(addWorkingMinutes(utc('2026-04-02T16:00:00Z'), 60, withEaster)).toEqual(utc('2026-04-07T08:30:00Z'));
  });

  it('keeps 09:00 local across the spring DST change (London, 29 March 2026)', () => {
    // Friday 27 March 17:00 GMT + 1h → Monday 30 March 09:30 BST = 08:30Z.
    expect(addWorkingMinutes(utc('2026-03-27T17:00:00Z'), 60, london)).toEqual(utc('2026-03-30T08:30:00Z'));
  });

  it('keeps 09:00 local across the autumn DST change (London, 25 October 2026)', () => {
    // Friday 23 October 17:00 BST (16:00Z) + 1h → Monday 26 October 09:30 GMT = 09:30Z.
    expect(addWorkingMinutes(utc('2026-10-23T16:00:00Z'), 60, london)).toEqual(utc('2026-10-26T09:30:00Z'));
  });

  it('counts a 24-hour calendar day as 23 real hours on the spring-forward day', () => {
    const allDay = { start: '00:00', end: '24:00' };
    const everyDay: BusinessCalendar = {
      kind: 'business',
      timeZone: 'Europe/London',
      workingHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
      holidays: [],
    };
    // Sunday 29 March 2026 lasts 23 hours in London; a whole day of working time from midnight ends at
    // Monday 00:00 BST = Sunday 23:00Z.
    expect(addWorkingMinutes(utc('2026-03-29T00:00:00Z'), 23 * 60, everyDay)).toEqual(utc('2026-03-29T23:00:00Z'));
    expect(workingMinutesBetween(utc('2026-03-29T00:00:00Z'), utc('2026-03-29T23:00:00Z'), everyDay)).toBe(23 * 60);
  });

  it('uses New York hours and holidays on a New York calendar', () => {
    // Thursday 2 July 2026 16:30 EDT (20:30Z) + 2h: 30 min Thursday, 3 July holiday, weekend, 90 min Monday
    // → Monday 6 July 10:30 EDT = 14:30Z.
    expect(addWorkingMinutes(utc('2026-07-02T20:30:00Z'), 120, newYork)).toEqual(utc('2026-07-06T14:30:00Z'));
  });

  it('handles the US DST change on a different weekend from Europe (8 March 2026)', () => {
    // Friday 6 March 16:00 EST (21:00Z) + 2h → Monday 9 March 10:00 EDT = 14:00Z.
    expect(addWorkingMinutes(utc('2026-03-06T21:00:00Z'), 120, newYork)).toEqual(utc('2026-03-09T14:00:00Z'));
  });

  it('adds plain minutes on a 24x7 calendar, weekends and holidays included', () => {
    expect(addWorkingMinutes(utc('2026-01-10T23:30:00Z'), 240, ALWAYS_OPEN)).toEqual(utc('2026-01-11T03:30:00Z'));
  });

  it('spans several working days', () => {
    // 24 working hours from Monday 09:00 with 8.5h days: Mon 8.5, Tue 8.5, Wed 7 → Wednesday 16:00.
    expect(addWorkingMinutes(utc('2026-01-05T09:00:00Z'), 24 * 60, london)).toEqual(utc('2026-01-07T16:00:00Z'));
  });

  it('returns the next opening for zero minutes outside hours, and the same instant inside hours', () => {
    expect(addWorkingMinutes(utc('2026-01-10T12:00:00Z'), 0, london)).toEqual(utc('2026-01-12T09:00:00Z'));
    expect(addWorkingMinutes(utc('2026-01-07T12:00:00Z'), 0, london)).toEqual(utc('2026-01-07T12:00:00Z'));
  });

  it('refuses negative minutes and a calendar with no working days', () => {
    expect(() => addWorkingMinutes(utc('2026-01-07T12:00:00Z'), -1, london)).toThrow(DomainError);
    const closed: BusinessCalendar = { kind: 'business', timeZone: 'UTC', workingHours: {}, holidays: [] };
    expect(() => addWorkingMinutes(utc('2026-01-07T12:00:00Z'), 10, closed)).toThrow(/no working hours/);
  });
});

describe('workingMinutesBetween', () => {
  it('counts only working time over a weekend', () => {
    expect(workingMinutesBetween(utc('2026-01-09T16:45:00Z'), utc('2026-01-12T09:45:00Z'), londonNineToFive)).toBe(60);
    expect(workingMinutesBetween(utc('2026-01-09T16:45:00Z'), utc('2026-01-12T09:45:00Z'), london)).toBe(90);
  });

  it('is zero when the end is not after the start', () => {
    expect(workingMinutesBetween(utc('2026-01-07T12:00:00Z'), utc('2026-01-07T11:00:00Z'), london)).toBe(0);
  });

  it('is the inverse of addWorkingMinutes across DST and holidays', () => {
    const calendar = aLondonCalendar(['2026-04-03', '2026-04-06']);
    const start = utc('2026-03-26T15:20:00Z');
    for (const minutes of [1, 59, 600, 2000, 4320]) {
      const end = addWorkingMinutes(start, minutes, calendar);
      expect(workingMinutesBetween(start, end, calendar)).toBeCloseTo(minutes, 6);
    }
  });

  it('counts real minutes on 24x7', () => {
    expect(workingMinutesBetween(utc('2026-01-10T00:00:00Z'), utc('2026-01-11T00:00:00Z'), ALWAYS_OPEN)).toBe(1440);
  });
});

describe('slaDeadlines and slaProgress', () => {
  it('computes respond-by and resolve-by on the calendar', () => {
    const { respondBy, resolveBy } = slaDeadlines({
      createdAt: utc('2026-01-09T16:45:00Z'),
      targets: { responseMinutes: 60, resolutionMinutes: 8 * 60 },
      calendar: london,
    });
    expect(respondBy).toEqual(utc('2026-01-12T09:15:00Z'));
    // 45 minutes on Friday + 7h15 on Monday → Monday 16:15.
    expect(resolveBy).toEqual(utc('2026-01-12T16:15:00Z'));
  });

  it('reports the fraction of working time used, past 1 when overdue', () => {
    const start = utc('2026-01-07T09:00:00Z');
    const deadline = utc('2026-01-07T13:00:00Z');
    expect(slaProgress(utc('2026-01-07T12:00:00Z'), start, deadline, london)).toBeCloseTo(0.75);
    expect(slaProgress(utc('2026-01-07T15:00:00Z'), start, deadline, london)).toBeCloseTo(1.5);
  });

  it('does not advance over the weekend', () => {
    const start = utc('2026-01-09T16:30:00Z');
    const deadline = utc('2026-01-12T10:00:00Z'); // 1h Friday + 1h Monday
    expect(slaProgress(utc('2026-01-10T12:00:00Z'), start, deadline, london)).toBeCloseTo(0.5);
  });

  it('treats a zero-length target as due at once', () => {
    const at = utc('2026-01-07T10:00:00Z');
    expect(slaProgress(at, at, at, london)).toBe(1);
    expect(slaProgress(utc('2026-01-07T09:00:00Z'), at, at, london)).toBe(0);
  });
});

describe('working time helpers', () => {
  it('knows whether an instant is in working hours, and the next working time', () => {
    expect(isWorkingTime(utc('2026-01-07T12:00:00Z'), london)).toBe(true);
    expect(isWorkingTime(utc('2026-01-07T17:30:00Z'), london)).toBe(false);
    expect(isWorkingTime(utc('2026-01-10T12:00:00Z'), ALWAYS_OPEN)).toBe(true);
    expect(nextWorkingTime(utc('2026-01-07T20:00:00Z'), london)).toEqual(utc('2026-01-08T09:00:00Z'));
    expect(nextWorkingTime(utc('2026-01-07T12:00:00Z'), london)).toEqual(utc('2026-01-07T12:00:00Z'));
  });

  it('parses times of day and refuses nonsense', () => {
    expect(parseClockTime('09:30')).toBe(570);
    expect(parseClockTime('24:00')).toBe(1440);
    expect(() => parseClockTime('9:30')).toThrow(DomainError);
    expect(() => parseClockTime('24:30')).toThrow(DomainError);
  });
});
