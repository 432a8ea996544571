import { approvalOutcome, approvalRoute, decideChange, pendingApprovers, whyMayNotDecide } from '../../src/domain/change-approval';
import {
  cancelChange,
  closeChange,
  recordChangeOutcome,
  reviewChange,
  scheduleChange,
  startChange,
} from '../../src/domain/change-actions';
import { assessRisk, riskLevelFor } from '../../src/domain/change-risk';
import { changeSchema, type Change } from '../../src/domain/change';
import { DomainError, InvalidInputError, InvalidTransitionError } from '../../src/domain/errors';
import { A_MONDAY_MORNING, aChange, anOrganisation, aPersonRef } from '../support/mothers';

const org = anOrganisation(); // change manager: carol; CAB: carol, dave, alice, erin (quorum 2); ECAB: carol, dave
const person = (id: string) => aPersonRef({ id, name: id });
const at = (minutes: number) => new Date(A_MONDAY_MORNING.getTime() + minutes * 60_000);
const RISKY = { reach: 'many', outage: 'long', tested: 'partly', backout: 'hard', experience: 'once' };

describe('createChange', () => {
  it('builds a submitted normal change with its risk assessed', () => {
    const change = aChange();
    expect(change).toMatchObject({
      id: 'CHG-000045',
      type: 'normal',
      status: 'submitted',
      services: ['email'],
      approvals: [],
      clause: '8.5.1',
      requester: { id: 'bob', channel: 'webchat' },
    });
    // All answers score 0; email is a high-criticality service (+2).
    expect(change.risk).toEqual({
      answers: { reach: 'few', outage: 'none', tested: 'fully', backout: 'easy', experience: 'often' },
      score: 2,
      level: 'low',
    });
    expect(changeSchema.parse(change)).toEqual(change);
  });

  it('pre-approves a standard change from its template', () => {
    const change = aChange({}, { type: 'standard', template: 'mailbox-quota', riskAnswers: {} });
    expect(change.status).toBe('approved');
    expect(change.risk.level).toBe('low');
    expect(change.approvals).toEqual([
      { by: { id: 'system', name: 'itsm-bot' }, at: A_MONDAY_MORNING, decision: 'approved', comment: 'Standard change template mailbox-quota', as: 'pre-approved' },
    ]);
  });

  it('refuses inconsistent input with field paths', () => {
    const fields = (input: Parameters<typeof aChange>[1]) => {
      try {
        aChange({}, input);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        return (error as InvalidInputError).fields.map((f) => f.path);
      }
      throw new Error('expected a failure');
    };
    expect(fields({ plannedEnd: A_MONDAY_MORNING })).toEqual(['plannedEnd']);
    expect(fields({ type: 'standard' })).toEqual(['template']);
    expect(fields({ backoutPlan: '' })).toEqual(['backoutPlan']);
    expect(fields({ services: [] })).toEqual(['services']);
    expect(fields({ riskAnswers: { reach: 'few' } })).toEqual(['risk.outage', 'risk.tested', 'risk.backout', 'risk.experience']);
    expect(fields({ plannedStart: at(-60), plannedEnd: at(60) })).toEqual(['plannedStart']);
  });

  it('allows an emergency change to start now', () => {
    const change = aChange({}, { type: 'emergency', plannedStart: at(-1), plannedEnd: at(30), implementationPlan: '' });
    expect(change.status).toBe('submitted');
  });
});

describe('risk', () => {
  it('bands scores into low, medium and high', () => {
    expect([0, 3, 4, 8, 9, 19].map(riskLevelFor)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high']);
  });

  it('adds the most critical service touched', () => {
    expect(assessRisk(RISKY, ['low', 'critical']).score).toBe(4 + 3 + 1 + 2 + 1 + 3);
    expect(assessRisk(RISKY, []).level).toBe('high');
  });

  it('refuses an answer that is not an option', () => {
    expect(() => assessRisk({ ...RISKY, tested: 'maybe' }, [])).toThrow('The risk assessment is incomplete');
  });
});

describe('approval route', () => {
  it('routes by type and risk', () => {
    expect(approvalRoute(aChange(), org)).toEqual({ kind: 'change-manager', approvers: ['carol'], quorum: 1, rejection: 'any' });
    expect(approvalRoute(aChange({}, { riskAnswers: RISKY }), org)).toMatchObject({ kind: 'cab', quorum: 2 });
    expect(approvalRoute(aChange({}, { type: 'emergency' }), org)).toEqual({ kind: 'ecab', approvers: ['carol', 'dave'], quorum: 1, rejection: 'any' });
    expect(approvalRoute(aChange({}, { type: 'standard', template: 't' }), org)).toEqual({ kind: 'pre-approved' });
  });

  it('lets a change manager approve a low-risk change alone', () => {
    const approved = decideChange(aChange(), { actor: person('carol'), now: at(5), decision: 'approved' }, org);
    expect(approved.status).toBe('approved');
    expect(approved.approvals).toEqual([{ by: person('carol'), at: at(5), decision: 'approved', comment: '', as: 'change-manager' }]);
  });

  it('needs the CAB quorum for a risky change, and one rejection rejects', () => {
    const risky = aChange({}, { riskAnswers: RISKY });
    const one = decideChange(risky, { actor: person('dave'), now: at(1), decision: 'approved' }, org);
    expect(one.status).toBe('submitted');
    expect(approvalOutcome(one, org)).toBe('pending');
    expect(pendingApprovers(one, org)).toEqual(['carol', 'alice', 'erin']);
    const two = decideChange(one, { actor: person('alice'), now: at(2), decision: 'approved' }, org);
    expect(two.status).toBe('approved');

    const rejected = decideChange(risky, { actor: person('erin'), now: at(1), decision: 'rejected', comment: 'No backout tested' }, org);
    expect(rejected.status).toBe('rejected');
  });

  it('with majority rejection, rejects only when more than half the CAB rejects (or quorum becomes impossible)', () => {
    const majorityOrg = anOrganisation((f) => (f.approvers.cab.rejection = 'majority'));
    let change = aChange({}, { riskAnswers: RISKY }, { organisation: majorityOrg });
    change = decideChange(change, { actor: person('erin'), now: at(1), decision: 'rejected', comment: 'no' }, majorityOrg);
    expect(change.status).toBe('submitted');
    change = decideChange(change, { actor: person('alice'), now: at(2), decision: 'rejected', comment: 'no' }, majorityOrg);
    expect(change.status).toBe('submitted'); // 2 of 4 is not more than half; carol and dave could still approve
    change = decideChange(change, { actor: person('dave'), now: at(3), decision: 'rejected', comment: 'no' }, majorityOrg);
    expect(change.status).toBe('rejected');
  });

  it('nobody decides on their own change or one they implement, and only approvers decide', () => {
    const own = aChange({ requester: { id: 'carol', name: 'Carol', channel: 'slack' } });
    expect(() => decideChange(own, { actor: person('carol'), now: at(1), decision: 'approved' }, org)).toThrow(
      'You requested CHG-000045, so someone else must authorise it.',
    );
    const implementing = aChange({ implementer: person('carol') });
    expect(whyMayNotDecide(implementing, 'carol', org)).toBe('You will implement CHG-000045, so someone else must authorise it.');
    try {
      decideChange(aChange(), { actor: person('dave'), now: at(1), decision: 'approved' }, org);
    } catch (error) {
      expect((error as DomainError).code).toBe('not_allowed');
      expect((error as DomainError).message).toBe(
        'CHG-000045 needs a change manager to authorise it, and the organisation file does not name you as one.',
      );
    }
  });

  it('needs a reason to reject', () => {
    expect(() => decideChange(aChange(), { actor: person('carol'), now: at(1), decision: 'rejected' }, org)).toThrow(
      'Say why you are rejecting the change',
    );
  });

  it('is idempotent for a double click, even after the decision settled the change', () => {
    const approved = decideChange(aChange(), { actor: person('carol'), now: at(1), decision: 'approved' }, org);
    expect(decideChange(approved, { actor: person('carol'), now: at(2), decision: 'approved' }, org)).toBe(approved);
    const risky = decideChange(aChange({}, { riskAnswers: RISKY }), { actor: person('dave'), now: at(1), decision: 'approved' }, org);
    expect(() => decideChange(risky, { actor: person('dave'), now: at(2), decision: 'rejected', comment: 'changed my mind' }, org)).toThrow(
      'You already approved CHG-000045.',
    );
  });

  it('refuses decisions once the change is no longer awaiting authorisation', () => {
    const approved = decideChange(aChange(), { actor: person('carol'), now: at(1), decision: 'approved' }, org);
    expect(() => decideChange(approved, { actor: person('carol'), now: at(2), decision: 'rejected', comment: 'x' }, org)).toThrow(
      InvalidTransitionError,
    );
  });
});

describe('after authorisation', () => {
  const approved = (overrides: Partial<Change> = {}, input: Parameters<typeof aChange>[1] = {}): Change =>
    decideChange(aChange(overrides, input), { actor: person('carol'), now: at(1), decision: 'approved' }, org);
  const ctx = { actor: person('bob'), now: at(10) };

  it('goes scheduled → implementing → implemented → closed', () => {
    const scheduled = scheduleChange(approved(), { ...ctx, start: at(100), end: at(160) });
    expect(scheduled).toMatchObject({ status: 'scheduled', plannedStart: at(100), plannedEnd: at(160) });
    const started = startChange(scheduled, ctx);
    expect(started).toMatchObject({ status: 'implementing', implementer: person('bob') });
    const done = recordChangeOutcome(started, { ...ctx, result: 'successful', notes: 'All good' });
    expect(done.status).toBe('implemented');
    expect(done.outcome).toEqual({ result: 'successful', notes: 'All good', at: at(10), by: person('bob') });
    expect(closeChange(done, ctx).status).toBe('closed');
  });

  it('requires a review before closing an emergency change', () => {
    const emergency = decideChange(aChange({}, { type: 'emergency' }), { actor: person('dave'), now: at(1), decision: 'approved' }, org);
    const done = recordChangeOutcome(startChange(emergency, ctx), { ...ctx, result: 'successful' });
    expect(() => closeChange(done, ctx)).toThrow('CHG-000045 is an emergency change; it needs a post-implementation review');
    const reviewed = reviewChange(done, { ...ctx, objectivesMet: true, notes: 'Restored service in 20 minutes.' });
    expect(closeChange(reviewed, ctx).status).toBe('closed');
  });

  it('a failed change is backed out and reviewed, never closed directly', () => {
    const failed = recordChangeOutcome(startChange(approved(), ctx), { ...ctx, result: 'failed' });
    expect(() => closeChange(failed, ctx)).toThrow("CHG-000045 is failed; it can't be closed. It can be: backed out, reviewed.");
    expect(() => reviewChange(failed, { ...ctx, objectivesMet: false, notes: ' ' })).toThrow(DomainError);
  });

  it('cancels before implementation only, with a reason', () => {
    expect(cancelChange(approved(), { ...ctx, reason: 'No longer needed' })).toMatchObject({
      status: 'cancelled',
      cancellation: { reason: 'No longer needed', by: person('bob') },
    });
    expect(() => cancelChange(approved(), { ...ctx, reason: '' })).toThrow('Say why the change is cancelled.');
    expect(() => cancelChange(startChange(approved(), ctx), { ...ctx, reason: 'x' })).toThrow(InvalidTransitionError);
  });

  it('refuses an empty schedule window', () => {
    expect(() => scheduleChange(approved(), { ...ctx, start: at(100), end: at(100) })).toThrow('must be after its start');
  });
});
