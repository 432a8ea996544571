import { ALWAYS_OPEN } from '../../src/domain/business-hours';
import { deliveryTime, nextDigestAt, nextWorkingDayStart, nudgeAudience, nudgeDue, nudgeRecipients } from '../../src/domain/nudges';
import { indexOrganisation } from '../../src/domain/organisation';
import { aLondonCalendar, anImprovement, anOrganisation } from '../support/mothers';

const org = anOrganisation(); // bob → carol → dave; improvement process owner: dave
const schedule = org.nudges;
const entry = { status: 'in_progress' as const, targetDate: '2026-03-31' };

describe('nudgeDue', () => {
  it.each([
    ['2026-03-20', null],
    ['2026-03-24', { kind: 'heads-up', stage: 'heads-up-7', daysBefore: 7, daysLeft: 7 }],
    ['2026-03-27', { kind: 'heads-up', stage: 'heads-up-7', daysBefore: 7, daysLeft: 4 }],
    ['2026-03-30', { kind: 'heads-up', stage: 'heads-up-1', daysBefore: 1, daysLeft: 1 }],
    ['2026-03-31', { kind: 'due-today', stage: 'due-today' }],
    ['2026-04-01', { kind: 'escalation', stage: 'overdue-1', step: 0, daysOverdue: 1, notify: ['owner'] }],
    ['2026-04-07', { kind: 'escalation', stage: 'overdue-7', step: 1, daysOverdue: 7, notify: ['owner', 'manager'] }],
    ['2026-04-20', { kind: 'escalation', stage: 'overdue-14', step: 2, daysOverdue: 20, notify: ['owner', 'manager', 'processOwner'] }],
    ['2026-06-01', { kind: 'escalation', stage: 'overdue-30', step: 3, daysOverdue: 62, notify: ['owner', 'manager', 'managersManager', 'processOwner'] }],
  ])('on %s → %p', (today, expected) => {
    expect(nudgeDue(entry, today, schedule)).toEqual(expected);
  });

  it('says nothing for entries that are done, verified or rejected', () => {
    expect(nudgeDue({ ...entry, status: 'done' }, '2026-05-01', schedule)).toBeNull();
    expect(nudgeDue({ ...entry, status: 'rejected' }, '2026-05-01', schedule)).toBeNull();
  });

  it('says nothing when overdue but before the first ladder step', () => {
    const lateLadder = { ...schedule, escalation: [{ afterDaysOverdue: 3, notify: ['owner' as const] }] };
    expect(nudgeDue(entry, '2026-04-02', lateLadder)).toBeNull();
  });
});

describe('nudgeRecipients', () => {
  const index = indexOrganisation(org);

  it('resolves owner, manager, manager’s manager and process owner without duplicates', () => {
    const improvement = anImprovement({ manager: undefined }); // owner bob, process improvement
    expect(nudgeRecipients(improvement, ['owner', 'manager', 'managersManager', 'processOwner'], index)).toEqual(['bob', 'carol', 'dave']);
  });

  it('prefers the entry’s own manager and skips people who do not exist', () => {
    const improvement = anImprovement({ manager: { id: 'erin', name: 'Erin' }, process: 'problem' });
    // erin's manager is carol; nobody owns the problem process in the small organisation.
    expect(nudgeRecipients(improvement, ['manager', 'managersManager', 'processOwner'], index)).toEqual(['erin', 'carol']);
  });
});

describe('delivery and digests', () => {
  it('waits for working hours when quiet hours apply', () => {
    const saturday = new Date('2026-03-07T10:00:00Z');
    expect(deliveryTime(saturday, aLondonCalendar(), { quietHours: 'working-hours' })).toEqual(new Date('2026-03-09T09:00:00Z'));
    expect(deliveryTime(saturday, aLondonCalendar(), { quietHours: 'none' })).toEqual(saturday);
    expect(deliveryTime(saturday, ALWAYS_OPEN, { quietHours: 'working-hours' })).toEqual(saturday);
  });

  it('finds the next weekly digest time in the recipient’s zone', () => {
    const digest = { weekday: 'mon' as const, time: '09:00' };
    // Wednesday 4 March 2026 → Monday 9 March, 09:00 London (GMT) / 09:00 New York (EDT from 8 March).
    expect(nextDigestAt(new Date('2026-03-04T12:00:00Z'), 'Europe/London', digest)).toEqual(new Date('2026-03-09T09:00:00Z'));
    expect(nextDigestAt(new Date('2026-03-04T12:00:00Z'), 'America/New_York', digest)).toEqual(new Date('2026-03-09T13:00:00Z'));
    // Monday 08:59 → the same morning; Monday 09:00 exactly → next week.
    expect(nextDigestAt(new Date('2026-03-09T08:59:00Z'), 'Europe/London', digest)).toEqual(new Date('2026-03-09T09:00:00Z'));
    expect(nextDigestAt(new Date('2026-03-09T09:00:00Z'), 'Europe/London', digest)).toEqual(new Date('2026-03-16T09:00:00Z'));
  });
});

describe('snooze and audience', () => {
  it('snoozes until the start of the next working day in the person’s zone', () => {
    // Friday 6 March 2026, 15:00 London → Monday 9 March, 09:00 London.
    expect(nextWorkingDayStart(new Date('2026-03-06T15:00:00Z'), aLondonCalendar(), 'Europe/London')).toEqual(new Date('2026-03-09T09:00:00Z'));
    // Monday 07:00 (before opening) → Tuesday 09:00, not the same morning: "until tomorrow".
    expect(nextWorkingDayStart(new Date('2026-03-02T07:00:00Z'), aLondonCalendar(), 'Europe/London')).toEqual(new Date('2026-03-03T09:00:00Z'));
    // Round the clock: midnight tomorrow in the person's zone (New York, EST).
    expect(nextWorkingDayStart(new Date('2026-03-02T15:00:00Z'), ALWAYS_OPEN, 'America/New_York')).toEqual(new Date('2026-03-03T05:00:00Z'));
  });

  it('heads-ups and the due day go to the owner; escalations to the step’s people', () => {
    expect(nudgeAudience({ kind: 'due-today', stage: 'due-today' })).toEqual(['owner']);
    expect(nudgeAudience(nudgeDue(entry, '2026-04-07', schedule)!)).toEqual(['owner', 'manager']);
  });
});
