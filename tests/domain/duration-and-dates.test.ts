import { addDays, daysBetween, isIsoDate, localIsoDate } from '../../src/domain/dates';
import { durationSchema, formatDuration, parseDuration } from '../../src/domain/duration';
import { DomainError } from '../../src/domain/errors';

describe('durations', () => {
  it.each([
    ['15m', 15],
    ['4h', 240],
    ['1h30m', 90],
    ['1h 30m', 90],
    ['3d', 4320],
    ['90', 90],
    [90, 90],
    ['45 min', 45],
    ['2D', 2880],
  ])('parses %p as %p minutes', (text, minutes) => {
    expect(parseDuration(text)).toBe(minutes);
  });

  it.each(['', 'soon', '4 hours', 'h', '-5', '1.5h', -5, 1.5, '30m4h'])('rejects %p', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('formats minutes the way the file writes them', () => {
    expect(formatDuration(15)).toBe('15m');
    expect(formatDuration(90)).toBe('1h 30m');
    expect(formatDuration(4320)).toBe('3d');
    expect(formatDuration(0)).toBe('0m');
  });

  it('validates with an actionable message', () => {
    expect(durationSchema.parse('4h')).toBe(240);
    const result = durationSchema.safeParse('four hours');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('"four hours" is not a duration; write minutes (90), or 15m, 4h, 1h30m, 3d');
  });
});

describe('calendar dates', () => {
  it('takes the local date in a time zone', () => {
    // 23:30 UTC on 1 March is already 2 March in Berlin, still 1 March in New York.
    const at = new Date('2026-03-01T23:30:00Z');
    expect(localIsoDate(at, 'Europe/Berlin')).toBe('2026-03-02');
    expect(localIsoDate(at, 'America/New_York')).toBe('2026-03-01');
    expect(() => localIsoDate(at, 'Mars/Olympus')).toThrow(DomainError);
    // Across the date line and a half-hour zone, and on the night the clocks change.
    expect(localIsoDate(new Date('2026-03-01T14:00:00Z'), 'Pacific/Auckland')).toBe('2026-03-02');
    expect(localIsoDate(new Date('2026-04-04T14:00:00Z'), 'Australia/Adelaide')).toBe('2026-04-05');
    expect(localIsoDate(new Date('2026-03-29T00:30:00Z'), 'Europe/London')).toBe('2026-03-29');
    expect(localIsoDate(new Date('2026-03-28T23:30:00Z'), 'Europe/London')).toBe('2026-03-28');
  });

  it('counts and adds whole days', () => {
    expect(daysBetween('2026-03-01', '2026-03-08')).toBe(7);
    expect(daysBetween('2026-03-08', '2026-03-01')).toBe(-7);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2); // across the DST change
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(() => daysBetween('2026-02-30', '2026-03-01')).toThrow(DomainError);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -365)).toBe('2025-03-01');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
  });

  it('recognises real ISO dates only', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-3-1')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate(' 2026-04-30')).toBe(false);
  });
});
