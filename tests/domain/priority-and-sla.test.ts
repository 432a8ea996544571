import { DomainError } from '../../src/domain/errors';
import { comparePriorities, priorityFor, priorityLevel } from '../../src/domain/priority';
import { deadlinesFor, slaCalendarFor, targetsFor } from '../../src/domain/sla';
import { anOrganisation, exampleOrganisation } from '../support/mothers';

describe('priorityFor', () => {
  const { priorities } = anOrganisation();

  it.each([
    ['high', 'high', 'P1'],
    ['high', 'medium', 'P2'],
    ['medium', 'high', 'P2'],
    ['medium', 'medium', 'P3'],
    ['low', 'high', 'P3'],
    ['medium', 'low', 'P4'],
    ['low', 'low', 'P5'],
  ])('impact %s × urgency %s → %s', (impact, urgency, expected) => {
    expect(priorityFor(priorities, impact, urgency).id).toBe(expected);
  });

  it('returns the targets with the priority', () => {
    expect(priorityFor(priorities, 'high', 'high')).toMatchObject({ label: 'P1 critical', responseMinutes: 15, resolutionMinutes: 240, clock: '24x7' });
  });

  it('refuses unknown levels with the allowed ones', () => {
    expect(() => priorityFor(priorities, 'huge', 'high')).toThrow('"huge" is not an impact level. Choose one of: high, medium, low.');
    try {
      priorityFor(priorities, 'high', 'yesterday');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('invalid_input');
      expect((error as DomainError).details).toEqual({ field: 'urgency', allowed: ['high', 'medium', 'low'] });
    }
    expect(() => priorityLevel(priorities, 'P9')).toThrow('Priority "P9" is not defined in the organisation file.');
  });

  it('orders priorities most urgent first', () => {
    expect(['P3', 'P1', 'P5', 'P2'].sort((a, b) => comparePriorities(priorities, a, b))).toEqual(['P1', 'P2', 'P3', 'P5']);
  });
});

describe('SLA targets for a service', () => {
  const org = anOrganisation();

  it('uses the priority targets unless the service overrides them', () => {
    expect(targetsFor(org, 'laptops', 'P3')).toMatchObject({ responseMinutes: 240, resolutionMinutes: 480 });
    expect(targetsFor(org, 'laptops', 'P2')).toMatchObject({ responseMinutes: 60, resolutionMinutes: 480 });
  });

  it('counts 24x7 for a 24x7 priority even on a business-hours service', () => {
    expect(slaCalendarFor(org, 'laptops', 'P1')).toEqual({ kind: '24x7' });
    expect(slaCalendarFor(org, 'laptops', 'P3')).toMatchObject({ kind: 'business', timeZone: 'Europe/London' });
    expect(slaCalendarFor(org, 'vpn', 'P4')).toEqual({ kind: '24x7' });
  });

  it('computes deadlines on the right clock', () => {
    // Friday 9 January 2026, 17:00 London.
    const friday = new Date('2026-01-09T17:00:00Z');
    const p3 = deadlinesFor(org, 'laptops', 'P3', friday);
    expect(p3.respondBy).toEqual(new Date('2026-01-12T12:30:00Z')); // 30 min Friday + 3h30 Monday
    const p1 = deadlinesFor(org, 'laptops', 'P1', friday);
    expect(p1.respondBy).toEqual(new Date('2026-01-09T17:15:00Z'));
    expect(p1.resolveBy).toEqual(new Date('2026-01-09T21:00:00Z'));
  });

  it('refuses an unknown service', () => {
    expect(() => targetsFor(org, 'fax', 'P3')).toThrow('I can\'t find a service called "fax". Pick one from the service catalogue.');
  });

  it('applies the example organisation’s overrides (WMS P1 in 2h)', () => {
    const example = exampleOrganisation();
    expect(targetsFor(example, 'wms', 'P1')).toMatchObject({ responseMinutes: 10, resolutionMinutes: 120, calendar: { kind: '24x7' } });
    expect(targetsFor(example, 'erp', 'P2')).toMatchObject({ responseMinutes: 30, resolutionMinutes: 480 });
  });
});
