import { ALWAYS_OPEN, endOfWorkingDays } from '../../src/domain/business-hours';
import { DomainError } from '../../src/domain/errors';
import { dueSlaAlerts, isReporterOf, joinIncident, mayViewIncident, recordSlaAlerts } from '../../src/domain/incident-actions';
import { autoCloseDueAt, nextSlaAlertAt } from '../../src/domain/incident-sla';
import { indexOrganisation } from '../../src/domain/organisation';
import { slaCalendarFor } from '../../src/domain/sla';
import { A_MONDAY_MORNING, aLondonCalendar, anIncident, anOrganisation, aPersonRef } from '../support/mothers';

const org = anOrganisation();
const index = indexOrganisation(org);
const at = (iso: string) => new Date(iso);

describe('endOfWorkingDays', () => {
  const london = aLondonCalendar(['2026-04-06']);
  it('counts whole working days after the day itself, skipping weekends and holidays', () => {
    expect(endOfWorkingDays(at('2026-03-02T10:00:00Z'), 3, london)).toEqual(at('2026-03-05T17:30:00Z'));
    expect(endOfWorkingDays(at('2026-03-06T16:00:00Z'), 3, london)).toEqual(at('2026-03-11T17:30:00Z'));
    // Good Friday is not in this calendar, Easter Monday is: Thu 2 Apr → Fri 3, Tue 7, Wed 8 (BST).
    expect(endOfWorkingDays(at('2026-04-02T10:00:00Z'), 3, london)).toEqual(at('2026-04-08T16:30:00Z'));
  });
  it('is whole days of the clock on a 24x7 calendar, and refuses nonsense', () => {
    expect(endOfWorkingDays(A_MONDAY_MORNING, 3, ALWAYS_OPEN)).toEqual(at('2026-03-05T10:00:00Z'));
    expect(() => endOfWorkingDays(A_MONDAY_MORNING, 0, london)).toThrow(DomainError);
  });
});

describe('nextSlaAlertAt', () => {
  // The mother: a P2 on email (infra, business hours): respond by 11:00, resolve by Tuesday 09:30 (8h).
  const incident = anIncident();
  const calendar = slaCalendarFor(org, incident.service, incident.priority);

  it('is the 75 % point of the response target first, and agrees with dueSlaAlerts there', () => {
    const next = nextSlaAlertAt(incident, calendar)!;
    expect(next).toEqual(at('2026-03-02T10:45:00Z'));
    expect(dueSlaAlerts(incident, new Date(next.getTime() - 1000), calendar)).toEqual([]);
    expect(dueSlaAlerts(incident, next, calendar)).toEqual([{ target: 'response', level: 'warning' }]);
  });

  it('moves on to the deadline once warned, and to the resolution clock once responded', () => {
    const warned = recordSlaAlerts(incident, [{ target: 'response', level: 'warning' }], at('2026-03-02T10:46:00Z'));
    expect(nextSlaAlertAt(warned, calendar)).toEqual(incident.sla.respondBy);
    const responded = { ...incident, sla: { ...incident.sla, respondedAt: at('2026-03-02T10:10:00Z') } };
    const resolutionWarning = nextSlaAlertAt(responded, calendar)!;
    expect(dueSlaAlerts(responded, resolutionWarning, calendar)).toEqual([{ target: 'resolution', level: 'warning' }]);
  });

  it('is undefined when nothing more can fall due', () => {
    expect(nextSlaAlertAt({ ...incident, status: 'resolved' }, calendar)).toBeUndefined();
    const respondedOnHold = { ...incident, status: 'on_hold' as const, sla: { ...incident.sla, respondedAt: A_MONDAY_MORNING } };
    expect(nextSlaAlertAt(respondedOnHold, calendar)).toBeUndefined();
  });
});

describe('autoCloseDueAt', () => {
  it('is three working days after resolution in the given calendar, only while resolved', () => {
    const resolved = anIncident({ status: 'resolved', resolution: { code: 'fixed', notes: '', at: A_MONDAY_MORNING, by: aPersonRef() } });
    expect(autoCloseDueAt(resolved, aLondonCalendar())).toEqual(at('2026-03-05T17:30:00Z'));
    expect(autoCloseDueAt(anIncident(), aLondonCalendar())).toBeUndefined();
  });
});

describe('joinIncident', () => {
  const carol = { id: 'carol', name: 'Carol Clark' };
  it('records the person as affected, once, with a note', () => {
    const joined = joinIncident(anIncident(), { actor: carol, now: A_MONDAY_MORNING, person: carol });
    expect(joined.affected).toEqual([carol]);
    expect(joined.updates.at(-1)).toMatchObject({ kind: 'status', text: 'Carol Clark is affected too.' });
    expect(joinIncident(joined, { actor: carol, now: A_MONDAY_MORNING, person: carol })).toBe(joined);
  });
  it('refuses resolved and closed incidents', () => {
    expect(() => joinIncident(anIncident({ status: 'resolved' }), { actor: carol, now: A_MONDAY_MORNING, person: carol })).toThrow(/is resolved; it can't be joined/);
  });
});

describe('mayViewIncident', () => {
  const incident = anIncident({ affected: [{ id: 'erin', name: 'Erin Evans' }] });
  it.each([
    ['dave', true, 'the reporter'],
    ['erin', true, 'affected (and on the team)'],
    ['bob', true, 'support team member'],
    ['carol', true, 'service owner'],
    ['alice', true, 'service desk'],
    ['stranger', false, 'anyone else'],
  ])('%s → %s (%s)', (person, allowed) => {
    expect(mayViewIncident(index, person, incident)).toBe(allowed);
  });
  it('knows the reporter and whom it was reported for', () => {
    const forCarol = anIncident({ onBehalfOf: { id: 'carol', name: 'Carol Clark' } });
    expect([isReporterOf('dave', forCarol), isReporterOf('carol', forCarol), isReporterOf('bob', forCarol)]).toEqual([true, true, false]);
  });
});
