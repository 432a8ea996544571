import { ALWAYS_OPEN } from '../../src/domain/business-hours';
import { DomainError, InvalidInputError, InvalidTransitionError } from '../../src/domain/errors';
import { createIncident, incidentSchema, type Incident } from '../../src/domain/incident';
import {
  addIncidentUpdate,
  assertMayWorkOnIncident,
  assignIncident,
  closeIncident,
  dueSlaAlerts,
  holdIncident,
  mayWorkOnIncident,
  recordSlaAlerts,
  reopenIncident,
  resolveIncident,
  resumeIncident,
  setMajorIncident,
  takeIncident,
} from '../../src/domain/incident-actions';
import { indexOrganisation } from '../../src/domain/organisation';
import { slaCalendarFor } from '../../src/domain/sla';
import { A_MONDAY_MORNING, aLondonCalendar, anIncident, anOrganisation, aPersonRef, aReporter } from '../support/mothers';

const org = anOrganisation();
const bob = aPersonRef({ id: 'bob', name: 'Bob Brown' });
const minutes = (n: number): number => n * 60_000;
const later = (n: number, from: Date = A_MONDAY_MORNING): Date => new Date(from.getTime() + minutes(n));

describe('createIncident', () => {
  it('builds a new incident with its number, priority, team and deadlines', () => {
    const incident = createIncident(
      { summary: '  VPN drops every 10 minutes  ', service: 'laptops', impact: 'medium', urgency: 'medium' },
      { number: 123, now: A_MONDAY_MORNING, reporter: aReporter(), organisation: org },
    );
    expect(incident).toMatchObject({
      id: 'INC-000123',
      summary: 'VPN drops every 10 minutes',
      description: '',
      service: 'laptops',
      team: 'desk',
      priority: 'P3',
      status: 'new',
      channel: 'webchat',
      clause: '8.6.1',
      major: false,
      updates: [],
      affected: [],
      reopenCount: 0,
      createdAt: A_MONDAY_MORNING,
      updatedAt: A_MONDAY_MORNING,
    });
    // Monday 10:00 + 4 business hours (P3 response) = 14:00; 8h resolution (service override) = Tuesday 09:30.
    expect(incident.sla).toEqual({
      respondBy: new Date('2026-03-02T14:00:00Z'),
      resolveBy: new Date('2026-03-03T09:30:00Z'),
      warnings: [],
      breaches: [],
    });
  });

  it('refuses a summary over 150 characters, naming the field', () => {
    try {
      anIncident({}, { summary: 'x'.repeat(151) });
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).fields).toEqual([{ path: 'summary', message: 'Summary must be 150 characters or fewer' }]);
    }
  });

  it('refuses an empty summary, an unknown service and an unknown impact', () => {
    expect(() => anIncident({}, { summary: '   ' })).toThrow("That incident isn't valid (summary): Summary can't be empty.");
    expect(() => anIncident({}, { service: 'fax' })).toThrow('I can\'t find a service called "fax"');
    expect(() => anIncident({}, { impact: 'apocalyptic' })).toThrow('"apocalyptic" is not an impact level');
  });

  it('produces a record its own schema accepts, and that survives a round trip', () => {
    const incident = anIncident();
    expect(incidentSchema.parse(incident)).toEqual(incident);
  });

  it('loads records written before newer optional fields existed', () => {
    const current = anIncident();
    const sla: Record<string, unknown> = { ...current.sla };
    delete sla.warnings;
    delete sla.breaches;
    const old: Record<string, unknown> = { ...current, sla };
    for (const field of ['updates', 'affected', 'reopenCount', 'relatedTo', 'messages', 'major', 'clause']) delete old[field];
    const loaded = incidentSchema.parse(old);
    expect(loaded).toMatchObject({ updates: [], affected: [], reopenCount: 0, relatedTo: [], messages: [], major: false, clause: '8.6.1' });
    expect(loaded.sla.breaches).toEqual([]);
  });
});

describe('incident actions', () => {
  it('take: assigns, starts work and stamps the first response once', () => {
    const taken = takeIncident(anIncident(), { actor: bob, now: later(5) });
    expect(taken.status).toBe('in_progress');
    expect(taken.assignee).toEqual(bob);
    expect(taken.sla.respondedAt).toEqual(later(5));
    expect(taken.updates.at(-1)).toMatchObject({ kind: 'status', text: 'Taken by Bob Brown.', by: bob });
    const retaken = takeIncident(taken, { actor: aPersonRef({ id: 'alice', name: 'Alice' }), now: later(30) });
    expect(retaken.assignee?.id).toBe('alice');
    expect(retaken.sla.respondedAt).toEqual(later(5));
  });

  it('records a late first response as a breach', () => {
    const incident = anIncident(); // P2 on email (24x7 team): respond within 60 minutes
    const taken = takeIncident(incident, { actor: bob, now: later(61) });
    expect(taken.sla.breaches).toEqual([{ target: 'response', at: later(61) }]);
  });

  it('assign: counts as the response without changing state', () => {
    const assigned = assignIncident(anIncident(), { actor: aPersonRef({ id: 'alice', name: 'Alice' }), now: later(2), assignee: bob });
    expect(assigned.status).toBe('new');
    expect(assigned.assignee).toEqual(bob);
    expect(assigned.sla.respondedAt).toEqual(later(2));
  });

  it('hold and resume: pauses the resolution clock by the working time on hold', () => {
    const calendar = aLondonCalendar();
    // A P3 on laptops (business hours): resolve by Tuesday 09:30.
    const incident = takeIncident(anIncident({}, { service: 'laptops', impact: 'medium', urgency: 'medium' }), { actor: bob, now: later(10) });
    expect(incident.sla.resolveBy).toEqual(new Date('2026-03-03T09:30:00Z'));
    const held = holdIncident(incident, { actor: bob, now: new Date('2026-03-02T12:00:00Z'), reason: 'Waiting for the user to reboot' });
    expect(held.status).toBe('on_hold');
    expect(held.sla.onHoldSince).toEqual(new Date('2026-03-02T12:00:00Z'));
    // On hold 12:00 → 15:00: three working hours, so the deadline moves from Tuesday 09:30 to Tuesday 12:30.
    const resumed = resumeIncident(held, { actor: bob, now: new Date('2026-03-02T15:00:00Z'), calendar });
    expect(resumed.status).toBe('in_progress');
    expect(resumed.sla.onHoldSince).toBeUndefined();
    expect(resumed.sla.resolveBy).toEqual(new Date('2026-03-03T12:30:00Z'));
  });

  it('resolve: records the resolution, and a late one as a breach', () => {
    const taken = takeIncident(anIncident(), { actor: bob, now: later(5) });
    const resolved = resolveIncident(taken, { actor: bob, now: later(9 * 60), code: 'fixed', notes: 'Rebuilt the profile.', calendar: ALWAYS_OPEN });
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolution).toEqual({ code: 'fixed', notes: 'Rebuilt the profile.', at: later(9 * 60), by: bob });
    expect(resolved.sla.breaches).toEqual([{ target: 'resolution', at: later(9 * 60) }]);
  });

  it('resolve straight from new: first-contact resolution is also the response', () => {
    const resolved = resolveIncident(anIncident(), { actor: bob, now: later(3), code: 'user_guidance', notes: 'Showed how.', calendar: ALWAYS_OPEN });
    expect(resolved.sla.respondedAt).toEqual(later(3));
    expect(resolved.sla.breaches).toEqual([]);
  });

  it('reopen: only from resolved, clears the resolution and counts reopens', () => {
    const resolved = resolveIncident(anIncident(), { actor: bob, now: later(3), code: 'fixed', notes: 'Done.', calendar: ALWAYS_OPEN });
    const reopened = reopenIncident(resolved, { actor: aReporter(), now: later(60), reason: 'It crashed again.' });
    expect(reopened.status).toBe('in_progress');
    expect(reopened.resolution).toBeUndefined();
    expect(reopened.reopenCount).toBe(1);
    expect(reopened.updates.at(-1)?.text).toBe('Reopened by Dave Davis: It crashed again.');
  });

  it('close: final — a closed incident cannot be reopened or updated', () => {
    const resolved = resolveIncident(anIncident(), { actor: bob, now: later(3), code: 'fixed', notes: 'Done.', calendar: ALWAYS_OPEN });
    const closed = closeIncident(resolved, { actor: aReporter(), now: later(60), how: 'confirmed' });
    expect(closed.closure).toEqual({ at: later(60), by: aReporter(), how: 'confirmed', notes: undefined });
    expect(() => reopenIncident(closed, { actor: bob, now: later(61), reason: 'again' })).toThrow(InvalidTransitionError);
    expect(() => reopenIncident(closed, { actor: bob, now: later(61), reason: 'again' })).toThrow(
      "INC-000123 is closed; it can't be reopened. A closed incident is final; nothing more can be done with it.",
    );
    expect(() => addIncidentUpdate(closed, { actor: bob, now: later(62), text: 'hello' })).toThrow(
      "INC-000123 is closed; it can't be updated. If the problem is back, report a new incident and mention INC-000123.",
    );
  });

  it('refuses to close an incident that is not resolved', () => {
    expect(() => closeIncident(anIncident(), { actor: bob, now: later(1), how: 'support' })).toThrow(
      "INC-000123 is new; it can't be closed. It can be: taken, resolved.",
    );
  });

  it('updates: kept in order; a support update is the response, the reporter’s own is not', () => {
    const own = addIncidentUpdate(anIncident(), { actor: aReporter(), now: later(1), text: 'Also Teams crashes' });
    expect(own.sla.respondedAt).toBeUndefined();
    const support = addIncidentUpdate(own, { actor: bob, now: later(2), text: 'Looking now', kind: 'work_note' });
    expect(support.sla.respondedAt).toEqual(later(2));
    expect(support.updates.map((u) => [u.kind, u.text])).toEqual([
      ['update', 'Also Teams crashes'],
      ['work_note', 'Looking now'],
    ]);
    expect(() => addIncidentUpdate(own, { actor: bob, now: later(3), text: '  ' })).toThrow(DomainError);
  });

  it('major: declared and stood down with a reason; no-op when unchanged', () => {
    const major = setMajorIncident(anIncident(), { actor: bob, now: later(1), major: true, reason: 'Whole site down' });
    expect(major.major).toBe(true);
    expect(major.updates.at(-1)?.text).toBe('Declared a major incident: Whole site down');
    expect(setMajorIncident(major, { actor: bob, now: later(2), major: true, reason: 'again' })).toBe(major);
  });
});

describe('who may work on an incident', () => {
  const index = indexOrganisation(org);
  const onInfra: Incident = anIncident(); // email → infra (bob, erin)

  it('allows the support team, the service desk and incident managers', () => {
    expect(mayWorkOnIncident(index, 'erin', onInfra)).toBe(true);
    expect(mayWorkOnIncident(index, 'alice', onInfra)).toBe(true); // service desk
    expect(mayWorkOnIncident(index, 'dave', onInfra)).toBe(false);
    expect(mayWorkOnIncident(index, 'slack:U999', onInfra)).toBe(false);
  });

  it('explains a refusal by naming the team', () => {
    expect(() => assertMayWorkOnIncident(index, 'dave', onInfra)).toThrow('Only Infrastructure or the service desk can work on INC-000123.');
  });
});

describe('SLA alerts', () => {
  // P3 on laptops, raised Monday 10:00: respond by 14:00, resolve by Tuesday 09:30 (London business hours).
  const incident = anIncident({}, { service: 'laptops', impact: 'medium', urgency: 'medium' });
  const calendar = slaCalendarFor(org, 'laptops', 'P3');

  it('warns at 75 % of working time and breaches at the deadline, once each', () => {
    expect(dueSlaAlerts(incident, new Date('2026-03-02T12:00:00Z'), calendar)).toEqual([]);
    const at75 = new Date('2026-03-02T13:00:00Z');
    expect(dueSlaAlerts(incident, at75, calendar)).toEqual([{ target: 'response', level: 'warning' }]);
    const warned = recordSlaAlerts(incident, [{ target: 'response', level: 'warning' }], at75);
    expect(dueSlaAlerts(warned, new Date('2026-03-02T13:30:00Z'), calendar)).toEqual([]);
    const late = new Date('2026-03-02T14:00:00Z');
    expect(dueSlaAlerts(warned, late, calendar)).toEqual([{ target: 'response', level: 'breach' }]);
    const breached = recordSlaAlerts(warned, [{ target: 'response', level: 'breach' }], late);
    expect(breached.sla.breaches).toEqual([{ target: 'response', at: late }]);
    expect(dueSlaAlerts(breached, new Date('2026-03-02T14:30:00Z'), calendar)).toEqual([]);
  });

  it('stops the response clock at the first response and the resolution clock while on hold or resolved', () => {
    const taken = takeIncident(incident, { actor: bob, now: later(5) });
    expect(dueSlaAlerts(taken, new Date('2026-03-03T08:00:00Z'), calendar)).toEqual([{ target: 'resolution', level: 'warning' }]);
    const held = holdIncident(taken, { actor: bob, now: later(10), reason: 'waiting' });
    expect(dueSlaAlerts(held, new Date('2026-03-04T08:00:00Z'), calendar)).toEqual([]);
    const resolved = resolveIncident(taken, { actor: bob, now: later(20), code: 'fixed', notes: '', calendar });
    expect(dueSlaAlerts(resolved, new Date('2026-03-09T08:00:00Z'), calendar)).toEqual([]);
  });
});
