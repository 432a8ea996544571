import { type Change } from '../../src/domain/change';
import {
  checkSchedule,
  CLASH_STATUSES,
  describeMaintenanceWindow,
  fitsMaintenanceWindow,
  freezeWindowsDuring,
  maintenanceWindowsDuring,
  nextMaintenanceWindow,
  overlaps,
  type ScheduleCandidate,
} from '../../src/domain/change-schedule';
import type { Service } from '../../src/domain/organisation';
import { A_MONDAY_MORNING, aChange, anOrganisation } from '../support/mothers';

const utc = (iso: string) => new Date(`${iso}Z`);
const hours = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 3_600_000;

/** The small organisation with two freezes and maintenance windows on email (Sunday) and laptops (overnight). */
const org = anOrganisation((f) => {
  f.services[0].maintenanceWindows = [{ days: ['sun'], start: '02:00', end: '06:00' }];
  f.services[2].maintenanceWindows = [
    { days: ['sat'], start: '20:00', end: '24:00' },
    { days: ['sun'], start: '00:00', end: '04:00' },
  ];
  f.changes = {
    freezeWindows: [
      { id: 'peak', name: 'Christmas peak freeze', start: '2026-12-14', end: '2026-12-20', reason: 'Peak parcel volumes.' },
      { id: 'quarter-end', name: 'Quarter-end close', start: '2026-06-26 18:00', end: '2026-07-03', services: ['email'], reason: 'Finance closes the quarter.' },
    ],
  };
});
const service = (id: string) => org.services.find((s) => s.id === id) as Service;

const candidate = (overrides: Partial<ScheduleCandidate> = {}): ScheduleCandidate => ({
  type: 'normal',
  services: ['vpn'], // no maintenance windows, so only freezes and clashes speak
  plannedStart: utc('2026-12-15T10:00'),
  plannedEnd: utc('2026-12-15T11:00'),
  ...overrides,
});
const check = (c: ScheduleCandidate, others: Change[] = []) => checkSchedule(c, { org, now: A_MONDAY_MORNING, others });

describe('freeze windows', () => {
  it('are stored as instants in the organisation’s zone; a date alone covers the whole day', () => {
    const [peak, quarter] = org.changes.freezeWindows;
    expect([peak?.start, peak?.end]).toEqual([utc('2026-12-14T00:00'), utc('2026-12-21T00:00')]);
    // 18:00 in London in June is 17:00 UTC (BST); the end date's whole day is included.
    expect([quarter?.start, quarter?.end]).toEqual([utc('2026-06-26T17:00'), utc('2026-07-03T23:00')]);
    expect(quarter?.services).toEqual(['email']);
  });

  it('block a normal change, with the freeze’s reason', () => {
    const result = check(candidate());
    expect(result.blocked).toBe(true);
    expect(result.freezes).toEqual([{ window: org.changes.freezeWindows[0], blocking: true, services: ['vpn'] }]);
    expect(result.reasons).toEqual([
      'Christmas peak freeze: changes to all services are frozen Mon 14 Dec 2026 00:00 – Mon 21 Dec 2026 00:00 (Europe/London). Peak parcel volumes.',
    ]);
  });

  it('block a standard change too, but let an emergency change through and say so', () => {
    expect(check(candidate({ type: 'standard' })).blocked).toBe(true);
    const emergency = check(candidate({ type: 'emergency' }));
    expect(emergency.blocked).toBe(false);
    expect(emergency.freezes.map((f) => f.blocking)).toEqual([false]);
    expect(emergency.reasons).toEqual([
      'Christmas peak freeze (Mon 14 Dec 2026 00:00 – Mon 21 Dec 2026 00:00 (Europe/London)) applies, but an emergency change may go ahead. Peak parcel volumes.',
    ]);
  });

  it('only freeze the services they name, and only while they last', () => {
    const inQuarterEnd = { plannedStart: utc('2026-06-30T09:00'), plannedEnd: utc('2026-06-30T10:00') };
    expect(check(candidate({ ...inQuarterEnd, services: ['vpn'] })).blocked).toBe(false);
    expect(check(candidate({ ...inQuarterEnd, services: ['vpn', 'email'] })).freezes[0]?.services).toEqual(['email']);
    // Ending exactly when the freeze starts is not in it.
    expect(check(candidate({ plannedStart: utc('2026-12-13T22:00'), plannedEnd: utc('2026-12-14T00:00') })).blocked).toBe(false);
    expect(check(candidate({ plannedStart: utc('2026-12-13T22:00'), plannedEnd: utc('2026-12-14T00:01') })).blocked).toBe(true);
  });

  it('are listed for a period, for the schedule view, optionally for some services', () => {
    const period = [utc('2026-06-20T00:00'), utc('2026-12-15T00:00')] as const;
    expect(freezeWindowsDuring(org, ...period).map((w) => w.id)).toEqual(['quarter-end', 'peak']);
    expect(freezeWindowsDuring(org, ...period, ['vpn']).map((w) => w.id)).toEqual(['peak']);
    expect(freezeWindowsDuring(org, utc('2026-08-01T00:00'), utc('2026-08-15T00:00'))).toEqual([]);
    expect(anOrganisation().changes.freezeWindows).toEqual([]);
  });
});

describe('clashes', () => {
  const start = utc('2026-03-10T10:00');
  const when = (from: number, to: number) => ({
    plannedStart: new Date(start.getTime() + from * 3_600_000),
    plannedEnd: new Date(start.getTime() + to * 3_600_000),
  });
  const other = (id: number, services: string[], from: number, to: number, status: Change['status'] = 'scheduled') =>
    aChange({ status, id: `CHG-${String(id).padStart(6, '0')}`, title: `Change ${id}`, services, ...when(from, to) });

  it('are overlapping changes sharing a service, with the shared services named', () => {
    const result = check(candidate({ services: ['vpn'], ...when(0, 2) }), [
      other(50, ['vpn', 'laptops'], 1, 3),
      other(51, ['laptops'], 0, 2), // no shared service
    ]);
    expect(result.clashes).toEqual([
      { changeId: 'CHG-000050', title: 'Change 50', status: 'scheduled', services: ['vpn'], start: when(1, 3).plannedStart, end: when(1, 3).plannedEnd },
    ]);
    expect(result.blocked).toBe(false);
    expect(result.reasons).toEqual(['CHG-000050 "Change 50" also changes Remote access from Tue 10 Mar 2026 11:00 to Tue 10 Mar 2026 13:00.']);
  });

  it('touching windows (one ends as the other starts) do not clash', () => {
    expect(check(candidate(when(0, 2)), [other(50, ['vpn'], 2, 3), other(51, ['vpn'], -1, 0)]).clashes).toEqual([]);
    expect(overlaps({ start: utc('2026-01-01T10:00'), end: utc('2026-01-01T11:00') }, { start: utc('2026-01-01T11:00'), end: utc('2026-01-01T12:00') })).toBe(false);
  });

  it('count only changes holding their window, never the candidate itself', () => {
    expect([...CLASH_STATUSES]).toEqual(['submitted', 'assessed', 'approved', 'scheduled', 'implementing']);
    const others = (['assessed', 'approved', 'implementing', 'withdrawn', 'cancelled', 'closed', 'rejected', 'implemented'] as const).map((status, i) =>
      other(60 + i, ['vpn'], 0, 1, status),
    );
    expect(check(candidate(when(0, 1)), others).clashes.map((c) => c.status)).toEqual(['assessed', 'approved', 'implementing']);
    expect(check(candidate({ id: 'CHG-000060', ...when(0, 1) }), others.slice(0, 1)).clashes).toEqual([]);
  });
});

describe('maintenance windows', () => {
  const email = service('email'); // Sunday 02:00–06:00, Europe/London (its team works 24x7: the organisation's zone)

  it('resolve with the organisation’s zone unless they name one', () => {
    expect(email.maintenanceWindows).toEqual([{ days: ['sun'], start: '02:00', end: '06:00', timeZone: 'Europe/London' }]);
    expect(describeMaintenanceWindow(email.maintenanceWindows[0]!)).toBe('Sun 02:00–06:00 (Europe/London)');
    expect(service('vpn').maintenanceWindows).toEqual([]);
  });

  it('keep local wall-clock times across the clocks going forward (last Sunday of March)', () => {
    const windows = maintenanceWindowsDuring(email, utc('2026-03-21T00:00'), utc('2026-03-30T00:00'));
    expect(windows).toEqual([
      { start: utc('2026-03-22T02:00'), end: utc('2026-03-22T06:00') }, // GMT
      { start: utc('2026-03-29T01:00'), end: utc('2026-03-29T05:00') }, // BST from 01:00 GMT
    ]);
  });

  it('and back (last Sunday of October), including a window spanning the repeated hour', () => {
    expect(maintenanceWindowsDuring(email, utc('2026-10-17T00:00'), utc('2026-10-26T00:00'))).toEqual([
      { start: utc('2026-10-18T01:00'), end: utc('2026-10-18T05:00') }, // BST
      { start: utc('2026-10-25T02:00'), end: utc('2026-10-25T06:00') }, // GMT again
    ]);
    const early = { maintenanceWindows: [{ days: ['sun' as const], start: '00:30', end: '03:00', timeZone: 'Europe/London' }] };
    const [autumn] = maintenanceWindowsDuring(early, utc('2026-10-24T12:00'), utc('2026-10-25T12:00'));
    expect(autumn).toEqual({ start: utc('2026-10-24T23:30'), end: utc('2026-10-25T03:00') });
    expect(hours(autumn!.start, autumn!.end)).toBe(3.5); // 01:00–02:00 happens twice
    const [spring] = maintenanceWindowsDuring(early, utc('2026-03-28T12:00'), utc('2026-03-29T12:00'));
    expect(hours(spring!.start, spring!.end)).toBe(1.5); // 01:00–02:00 never happens
  });

  it('run past midnight when the end is before the start, and join adjoining windows', () => {
    const overnight = { maintenanceWindows: [{ days: ['sat' as const], start: '22:00', end: '02:00', timeZone: 'Europe/London' }] };
    expect(maintenanceWindowsDuring(overnight, utc('2026-03-28T00:00'), utc('2026-03-30T00:00'))).toEqual([
      { start: utc('2026-03-28T22:00'), end: utc('2026-03-29T01:00') }, // 02:00 BST
    ]);
    // Laptops: Saturday 20:00–24:00 and Sunday 00:00–04:00 are one window, so 23:00–01:00 fits.
    expect(maintenanceWindowsDuring(service('laptops'), utc('2026-03-07T00:00'), utc('2026-03-09T00:00'))).toEqual([
      { start: utc('2026-03-07T20:00'), end: utc('2026-03-08T04:00') },
    ]);
    expect(fitsMaintenanceWindow(service('laptops'), utc('2026-03-07T23:00'), utc('2026-03-08T01:00'))).toBe(true);
  });

  it('use the window’s own zone when it names one', () => {
    const newYork = { maintenanceWindows: [{ days: ['sun' as const], start: '02:00', end: '06:00', timeZone: 'America/New_York' }] };
    // New York moves its clocks on 8 March 2026, three weeks before London.
    expect(maintenanceWindowsDuring(newYork, utc('2026-03-08T00:00'), utc('2026-03-09T00:00'))).toEqual([
      { start: utc('2026-03-08T07:00'), end: utc('2026-03-08T10:00') }, // 02:00 does not exist: 03:00 EDT
    ]);
  });

  it('flag a change outside its service’s window (without blocking it) and suggest the next one', () => {
    const fits = candidate({ services: ['email'], plannedStart: utc('2026-03-29T01:30'), plannedEnd: utc('2026-03-29T04:00') });
    expect(check(fits).outsideMaintenance).toEqual([]);
    const outside = check(candidate({ services: ['email'], plannedStart: utc('2026-03-29T04:30'), plannedEnd: utc('2026-03-29T05:30') }));
    expect(outside.blocked).toBe(false);
    expect(outside.outsideMaintenance).toEqual([
      { serviceId: 'email', serviceName: 'Email', windows: ['Sun 02:00–06:00 (Europe/London)'], next: { start: utc('2026-03-08T02:00'), end: utc('2026-03-08T06:00') } },
    ]);
    expect(outside.reasons).toEqual([
      'Email is changed in its maintenance window (Sun 02:00–06:00 (Europe/London)); this change is outside it. The next one long enough starts Sun 8 Mar 2026 02:00.',
    ]);
    expect(fitsMaintenanceWindow(service('vpn'), utc('2026-03-10T12:00'), utc('2026-03-10T13:00'))).toBe(true);
    expect(nextMaintenanceWindow(email, A_MONDAY_MORNING, 5 * 60)).toBeUndefined();
  });
});
