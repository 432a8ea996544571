import { DomainError, InvalidInputError, InvalidTransitionError } from '../../src/domain/errors';
import { daysOverdue, improvementSchema, isOverdue } from '../../src/domain/improvement';
import {
  addImprovementProgress,
  completeImprovement,
  decideImprovement,
  deferImprovement,
  recordCorrectiveAnalysis,
  snoozeImprovement,
  verifyImprovement,
} from '../../src/domain/improvement-actions';
import { A_MONDAY_MORNING, anImprovement, aPersonRef } from '../support/mothers';

const bob = aPersonRef(); // the owner
const carol = aPersonRef({ id: 'carol', name: 'Carol Clark' });
const ctx = (actor = bob) => ({ actor, now: A_MONDAY_MORNING });
const approved = () => decideImprovement(anImprovement(), { ...ctx(carol), approved: true });

describe('createImprovement', () => {
  it('builds a proposed improvement on clause 10.2', () => {
    const improvement = anImprovement();
    expect(improvement).toMatchObject({
      id: 'IMP-000012',
      type: 'improvement',
      status: 'proposed',
      clause: '10.2',
      process: 'improvement',
      priority: 'medium',
      targetDate: '2026-03-31',
      owner: bob,
      manager: carol,
      source: { kind: 'incident', ref: 'INC-000123' },
      deferrals: [],
    });
    expect(improvementSchema.parse(improvement)).toEqual(improvement);
  });

  it('defaults the owner to whoever raised it (as a plain person reference)', () => {
    const improvement = anImprovement({}, { owner: undefined });
    expect(improvement.owner).toEqual({ id: 'dave', name: 'Dave Davis' });
  });

  it('puts corrective actions on clause 10.1 and requires the nonconformity', () => {
    expect(() => anImprovement({}, { type: 'corrective_action' })).toThrow(InvalidInputError);
    const action = anImprovement({}, {
      type: 'corrective_action',
      source: { kind: 'audit_finding', ref: 'AUD-2026-03' },
      nonconformity: { what: 'Changes closed without review', where: 'Change management' },
    });
    expect(action.clause).toBe('10.1');
    expect(action.nonconformity).toEqual({ what: 'Changes closed without review', where: 'Change management', evidence: '' });
  });

  it('refuses a target date in the past or not a date', () => {
    expect(() => anImprovement({}, { targetDate: '2026-03-01' })).toThrow('The target date 2026-03-01 is in the past');
    expect(() => anImprovement({}, { targetDate: '31/03/2026' })).toThrow(InvalidInputError);
    expect(anImprovement({}, { targetDate: '2026-03-02' }).targetDate).toBe('2026-03-02'); // today is fine
  });
});

describe('improvement lifecycle', () => {
  it('approve or reject (with a reason)', () => {
    expect(approved()).toMatchObject({ status: 'approved', decision: { approved: true, by: carol } });
    expect(() => decideImprovement(anImprovement(), { ...ctx(carol), approved: false })).toThrow('Say why the improvement is rejected.');
    expect(decideImprovement(anImprovement(), { ...ctx(carol), approved: false, comment: 'Duplicate of IMP-000003' }).status).toBe('rejected');
  });

  it('progress notes start an approved entry', () => {
    const started = addImprovementProgress(approved(), { ...ctx(), text: 'Drafted the page', percent: 30 });
    expect(started.status).toBe('in_progress');
    expect(started.progress).toEqual([{ at: A_MONDAY_MORNING, by: bob, text: 'Drafted the page', percent: 30 }]);
    expect(() => addImprovementProgress(started, { ...ctx(), text: 'x', percent: 130 })).toThrow(DomainError);
  });

  it('every deferral is recorded with its reason', () => {
    const deferred = deferImprovement(approved(), { ...ctx(), to: '2026-04-30', reason: 'Waiting for the supplier', today: '2026-03-02' });
    expect(deferred.targetDate).toBe('2026-04-30');
    expect(deferred.deferrals).toEqual([{ from: '2026-03-31', to: '2026-04-30', reason: 'Waiting for the supplier', by: bob, at: A_MONDAY_MORNING }]);
    expect(() => deferImprovement(approved(), { ...ctx(), to: '2026-04-30', reason: ' ', today: '2026-03-02' })).toThrow('Say why the target date is moving');
    expect(() => deferImprovement(approved(), { ...ctx(), to: '2026-02-01', reason: 'x', today: '2026-03-02' })).toThrow('in the past');
    expect(() => deferImprovement(approved(), { ...ctx(), to: '2026-03-31', reason: 'x', today: '2026-03-02' })).toThrow('already due');
  });

  it('done takes evidence; a corrective action needs evidence and its correction and root cause', () => {
    const done = completeImprovement(approved(), { ...ctx(), evidence: 'https://status.example/vpn is live' });
    expect(done).toMatchObject({ status: 'done', completedAt: A_MONDAY_MORNING });
    expect(done.evidence).toHaveLength(1);
    // An improvement may be marked done without evidence (nothing empty is recorded).
    expect(completeImprovement(approved(), { ...ctx(), evidence: '  ' }).evidence).toHaveLength(0);

    const action = decideImprovement(
      anImprovement({}, { type: 'corrective_action', nonconformity: { what: 'PIRs skipped' } }),
      { ...ctx(carol), approved: true },
    );
    expect(() => completeImprovement(action, { ...ctx(), evidence: 'Checklist updated' })).toThrow(
      'Record the correction and the root cause of IMP-000012 before marking it done.',
    );
    const analysed = recordCorrectiveAnalysis(action, { ...ctx(), correction: 'Reviewed the 3 open changes', rootCause: 'Close button ignored review state' });
    expect(() => completeImprovement(analysed, { ...ctx(), evidence: '' })).toThrow('Add evidence');
    expect(completeImprovement(analysed, { ...ctx(), evidence: 'Checklist updated' }).status).toBe('done');
    expect(() => recordCorrectiveAnalysis(approved(), { ...ctx(), rootCause: 'x' })).toThrow('not a corrective action');
  });

  it('effectiveness is verified by someone other than the owner', () => {
    const done = completeImprovement(approved(), { ...ctx(), evidence: 'Live' });
    expect(() => verifyImprovement(done, { ...ctx(bob), effective: true, notes: '' })).toThrow(
      'You own IMP-000012, so someone else must check that it worked.',
    );
    const verified = verifyImprovement(done, { ...ctx(carol), effective: true, notes: 'VPN tickets down 40 %' });
    expect(verified.status).toBe('verified');
    expect(verified.effectivenessCheck).toEqual({ by: carol, at: A_MONDAY_MORNING, effective: true, notes: 'VPN tickets down 40 %' });
  });

  it('a failed check sends it back to in progress, keeping the check in the history', () => {
    const done = completeImprovement(approved(), { ...ctx(), evidence: 'Live' });
    expect(() => verifyImprovement(done, { ...ctx(carol), effective: false, notes: '' })).toThrow('Say why it was not effective');
    const back = verifyImprovement(done, { ...ctx(carol), effective: false, notes: 'Tickets unchanged' });
    expect(back.status).toBe('in_progress');
    expect(back.progress.at(-1)?.text).toBe('Checked and found not effective: Tickets unchanged');
  });

  it('cannot verify what is not done', () => {
    expect(() => verifyImprovement(approved(), { ...ctx(carol), effective: true, notes: '' })).toThrow(InvalidTransitionError);
  });
});

describe('overdue', () => {
  it('is past the target date and not done', () => {
    const open = approved();
    expect(isOverdue(open, '2026-03-31')).toBe(false);
    expect(isOverdue(open, '2026-04-01')).toBe(true);
    expect(daysOverdue(open, '2026-04-10')).toBe(10);
    const done = completeImprovement(open, { ...ctx(), evidence: 'Live' });
    expect(isOverdue(done, '2026-04-10')).toBe(false);
    expect(daysOverdue(done, '2026-04-10')).toBe(0);
  });
});

describe('snoozeImprovement', () => {
  const tomorrow = new Date(A_MONDAY_MORNING.getTime() + 23 * 3600_000);

  it('keeps quiet until the given time, on open entries only', () => {
    expect(snoozeImprovement(approved(), { ...ctx(), until: tomorrow }).snoozedUntil).toEqual(tomorrow);
    expect(() => snoozeImprovement(approved(), { ...ctx(), until: A_MONDAY_MORNING })).toThrow('in the future');
    const done = completeImprovement(approved(), { ...ctx(), evidence: 'Live' });
    expect(() => snoozeImprovement(done, { ...ctx(), until: tomorrow })).toThrow('nothing to snooze');
  });

  it('is cleared when the entry is done', () => {
    const snoozed = snoozeImprovement(approved(), { ...ctx(), until: tomorrow });
    expect(completeImprovement(snoozed, { ...ctx(), evidence: 'Live' }).snoozedUntil).toBeUndefined();
  });
});
