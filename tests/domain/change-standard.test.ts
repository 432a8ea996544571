import { createChange } from '../../src/domain/change';
import { decideChange } from '../../src/domain/change-approval';
import { dueApprovalNudges, nextApprovalNudgeAt } from '../../src/domain/change-reminders';
import { checkSchedule } from '../../src/domain/change-schedule';
import { findStandardTemplate, newChangeFromTemplate, templateEnd } from '../../src/domain/change-templates';
import type { StandardChangeTemplate } from '../../src/domain/organisation';
import { A_MONDAY_MORNING, aChange, anOrganisation, aPersonRef, aReporter, exampleOrganisation } from '../support/mothers';

const utc = (iso: string) => new Date(`${iso}Z`);
const hoursLater = (h: number) => new Date(A_MONDAY_MORNING.getTime() + h * 3_600_000);

describe('the standard change catalogue', () => {
  const northwind = exampleOrganisation();
  const template = (id: string) => findStandardTemplate(northwind, id) as StandardChangeTemplate;

  it('the example organisation ships believable templates on real services', () => {
    expect(northwind.changes.standardCatalogue.map((t) => t.id)).toEqual([
      'windows-patching',
      'distribution-list-member',
      'tls-certificate-renewal',
      'firewall-rule-preapproved',
      'erp-app-pool-restart',
      'add-printer',
    ]);
    expect(template('erp-app-pool-restart')).toMatchObject({ services: ['erp'], durationMinutes: 30, implementerTeam: 'applications' });
    expect(findStandardTemplate(northwind, 'nope')).toBeUndefined();
  });

  it('newChangeFromTemplate fills in everything but when and why; createChange schedules it pre-approved', () => {
    const restart = template('erp-app-pool-restart');
    const sunday = utc('2026-03-08T02:15'); // inside the ERP window, Sunday 02:00–06:00 London
    const input = newChangeFromTemplate(restart, { plannedStart: sunday, reason: 'The web tier is leaking memory again.' });
    expect(input).toMatchObject({
      type: 'standard',
      template: 'erp-app-pool-restart',
      title: 'Restart the ERP web application pool in its window',
      services: ['erp'],
      plannedEnd: utc('2026-03-08T02:45'),
      backoutPlan: restart.backoutPlan,
    });
    expect(templateEnd(restart, sunday)).toEqual(utc('2026-03-08T02:45'));
    const change = createChange(input, { number: 46, now: A_MONDAY_MORNING, requester: aReporter({ id: 'raj-patel', name: 'Raj Patel' }), organisation: northwind });
    expect(change).toMatchObject({ id: 'CHG-000046', status: 'scheduled', risk: { level: 'low', score: 0 }, approvals: [{ as: 'pre-approved' }] });
    expect(checkSchedule(change, { org: northwind, now: A_MONDAY_MORNING, others: [] })).toMatchObject({ blocked: false, reasons: [] });
  });

  it('a standard change in the Christmas peak freeze is blocked with the freeze’s reason', () => {
    const renewal = newChangeFromTemplate(template('tls-certificate-renewal'), {
      plannedStart: utc('2026-12-01T09:00'),
      reason: 'The website certificate expires on 10 December.',
      services: ['website'],
    });
    const change = createChange(renewal, { number: 47, now: A_MONDAY_MORNING, requester: aReporter(), organisation: northwind });
    const result = checkSchedule(change, { org: northwind, now: A_MONDAY_MORNING, others: [] });
    expect(result.blocked).toBe(true);
    expect(result.reasons[0]).toMatch(/^Christmas peak season freeze: changes to all services are frozen Mon 23 Nov 2026 00:00 – Mon 4 Jan 2027 00:00 \(Europe\/London\)\. Parcel volumes double/);
  });

  it('the example file’s risk settings are the built-in ones, and its reminders daily', () => {
    expect(northwind.changes.riskBands).toEqual({ low: 3, medium: 8 });
    expect(northwind.changes.riskQuestions.map((q) => q.id)).toEqual(['reach', 'outage', 'tested', 'backout', 'experience']);
    expect(northwind.changes.approvalReminders).toEqual({ everyMinutes: 1440, escalateBeforeMinutes: 1440 });
    expect(northwind.changes.freezeWindows.find((w) => w.id === 'quarter-end-q3-2026')).toMatchObject({ services: ['erp', 'payroll'] });
    expect(northwind.services.find((s) => s.id === 'erp')?.maintenanceWindows).toEqual([
      { days: ['sun'], start: '02:00', end: '06:00', timeZone: 'Europe/London' },
    ]);
  });
});

describe('approval reminders', () => {
  // Remind every 8 hours; escalate 24 hours before the start. Created Monday 10:00, planned to start Thursday 10:00.
  const org = anOrganisation((f) => (f.changes = { approvalReminders: { every: '8h', escalateBefore: '24h' } }));
  const risky = { reach: 'many', outage: 'long', tested: 'partly', backout: 'hard', experience: 'once' };
  const change = aChange({}, { riskAnswers: risky, plannedStart: hoursLater(72), plannedEnd: hoursLater(74) }, { organisation: org });

  it('defaults to a daily reminder and escalation a day ahead', () => {
    expect(anOrganisation().changes.approvalReminders).toEqual({ everyMinutes: 1440, escalateBeforeMinutes: 1440 });
  });

  it('nothing is due before the first interval', () => {
    expect(dueApprovalNudges(change, org, hoursLater(7))).toEqual([]);
    expect(nextApprovalNudgeAt(change, org, hoursLater(7))).toEqual(hoursLater(8));
  });

  it('reminds the approvers still to decide, one reminder however long the bot was down', () => {
    expect(dueApprovalNudges(change, org, hoursLater(8))).toEqual([
      { kind: 'reminder', key: 'CHG-000045:approval-reminder:1', at: hoursLater(8), to: ['carol', 'dave', 'alice', 'erin'] },
    ]);
    const decided = decideChange(change, { actor: aPersonRef({ id: 'dave', name: 'Dave' }), now: hoursLater(9), decision: 'approved' }, org);
    expect(dueApprovalNudges(decided, org, hoursLater(30))).toEqual([
      { kind: 'reminder', key: 'CHG-000045:approval-reminder:3', at: hoursLater(24), to: ['carol', 'alice', 'erin'] },
    ]);
  });

  it('escalates to the change managers from a day before the start, and stops reminding at the start', () => {
    expect(dueApprovalNudges(change, org, hoursLater(49)).map((n) => n.key)).toEqual(['CHG-000045:approval-reminder:6', 'CHG-000045:approval-escalation']);
    expect(dueApprovalNudges(change, org, hoursLater(49))[1]).toEqual({ kind: 'escalation', key: 'CHG-000045:approval-escalation', at: hoursLater(48), to: ['carol'] });
    expect(dueApprovalNudges(change, org, hoursLater(200)).map((n) => n.key)).toEqual(['CHG-000045:approval-reminder:8', 'CHG-000045:approval-escalation']);
    expect(nextApprovalNudgeAt(change, org, hoursLater(72))).toBeNull();
  });

  it('a change submitted less than a day before its start escalates at once; a decided one nudges no one', () => {
    const late = aChange({}, { riskAnswers: risky, plannedStart: hoursLater(5), plannedEnd: hoursLater(6) }, { organisation: org });
    expect(dueApprovalNudges(late, org, A_MONDAY_MORNING)).toEqual([
      { kind: 'escalation', key: 'CHG-000045:approval-escalation', at: A_MONDAY_MORNING, to: ['carol'] },
    ]);
    const approved = decideChange(aChange({}, {}, { organisation: org }), { actor: aPersonRef({ id: 'carol', name: 'Carol' }), now: hoursLater(1), decision: 'approved' }, org);
    expect(dueApprovalNudges(approved, org, hoursLater(100))).toEqual([]);
    expect(nextApprovalNudgeAt(approved, org, hoursLater(1))).toBeNull();
  });
});
