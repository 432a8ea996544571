import { approvalOutcome, approvalRoute, decideChange, pendingApprovers, whyMayNotDecide } from '../../src/domain/change-approval';
import {
  cancelChange,
  closeChange,
  recordChangeOutcome,
  reviewChange,
  scheduleChange,
  startChange,
  withdrawChange,
} from '../../src/domain/change-actions';
import { assessRisk, DEFAULT_RISK_BANDS, RISK_QUESTIONS, riskLevelFor } from '../../src/domain/change-risk';
import { changeLifecycle, changeSchema, type Change } from '../../src/domain/change';
import { DomainError, InvalidInputError, InvalidTransitionError } from '../../src/domain/errors';
import { A_MONDAY_MORNING, aChange, anOrganisation, aPersonRef } from '../support/mothers';

const org = anOrganisation(); // change manager: carol; CAB: carol, dave, alice, erin (quorum 2); ECAB: carol, dave
const person = (id: string) => aPersonRef({ id, name: id });
const at = (minutes: number) => new Date(A_MONDAY_MORNING.getTime() + minutes * 60_000);
const RISKY = { reach: 'many', outage: 'long', tested: 'partly', backout: 'hard', experience: 'once' };
/** The small organisation with one standard change template on email. */
const catalogueOrg = anOrganisation((f) => {
  f.changes = {
    standardCatalogue: [
      {
        id: 'mailbox-quota',
        title: 'Raise one mailbox quota',
        services: ['email'],
        implementationPlan: 'Set the quota in the admin centre.',
        backoutPlan: 'Set it back.',
        testPlan: 'The user can send mail.',
        duration: '30m',
      },
    ],
  };
});

describe('createChange', () => {
  it('builds a submitted normal change with its risk assessed', () => {
    const change = aChange();
    expect(change).toMatchObject({
      id: 'CHG-000045',
      type: 'normal',
      status: 'assessed',
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

  it('pre-approves a standard change from its template and schedules it at once', () => {
    const change = aChange({}, { type: 'standard', template: 'mailbox-quota', riskAnswers: {} }, { organisation: catalogueOrg });
    expect(change.status).toBe('scheduled');
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
    expect(fields({ backoutPlan: '', riskAnswers: RISKY })).toEqual(['backoutPlan']);
    expect(fields({ services: [] })).toEqual(['services']);
    expect(fields({ riskAnswers: { reach: 'few' } })).toEqual(['risk.outage', 'risk.tested', 'risk.backout', 'risk.experience']);
    expect(fields({ plannedStart: at(-60), plannedEnd: at(60) })).toEqual(['plannedStart']);
  });

  it('allows an emergency change to start now', () => {
    const change = aChange({}, { type: 'emergency', plannedStart: at(-1), plannedEnd: at(30), implementationPlan: '' });
    expect(change.status).toBe('assessed');
  });
});

describe('risk', () => {
  it('bands scores into low, medium and high', () => {
    expect([0, 3, 4, 8, 9, 19].map((score) => riskLevelFor(score))).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high']);
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
    expect(approvalRoute(aChange({}, { type: 'standard', template: 'mailbox-quota' }, { organisation: catalogueOrg }), org)).toEqual({ kind: 'pre-approved' });
  });

  it('lets a change manager approve a low-risk change alone', () => {
    const approved = decideChange(aChange(), { actor: person('carol'), now: at(5), decision: 'approved' }, org);
    expect(approved.status).toBe('approved');
    expect(approved.approvals).toEqual([{ by: person('carol'), at: at(5), decision: 'approved', comment: '', as: 'change-manager' }]);
  });

  it('needs the CAB quorum for a risky change, and one rejection rejects', () => {
    const risky = aChange({}, { riskAnswers: RISKY });
    const one = decideChange(risky, { actor: person('dave'), now: at(1), decision: 'approved' }, org);
    expect(one.status).toBe('assessed');
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
    expect(change.status).toBe('assessed');
    change = decideChange(change, { actor: person('alice'), now: at(2), decision: 'rejected', comment: 'no' }, majorityOrg);
    expect(change.status).toBe('assessed'); // 2 of 4 is not more than half; carol and dave could still approve
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

describe('createChange: bad input, each problem at its form field', () => {
  const problemsOf = (input: Parameters<typeof aChange>[1], organisation = catalogueOrg) => {
    try {
      aChange({}, input, { organisation });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      return (error as InvalidInputError).fields;
    }
    throw new Error('expected a failure');
  };

  it('names a service that is not in the catalogue', () => {
    expect(problemsOf({ services: ['email', 'mainframe'] })).toEqual([
      { path: 'services', message: '"mainframe" is not in the service catalogue; pick services from the list' },
    ]);
  });

  it('names a template that is not in the catalogue, and says when there is no catalogue at all', () => {
    expect(problemsOf({ type: 'standard', template: 'reboot-everything' })).toEqual([
      { path: 'template', message: '"reboot-everything" is not in the standard change catalogue; pick one of: mailbox-quota' },
    ]);
    expect(problemsOf({ type: 'standard', template: 'mailbox-quota' }, org)[0]?.message).toBe(
      'There are no standard change templates in the organisation file; raise a normal change',
    );
  });

  it('keeps a standard change to the services its template covers', () => {
    expect(problemsOf({ type: 'standard', template: 'mailbox-quota', services: ['vpn'] })).toEqual([
      { path: 'services', message: 'The template "Raise one mailbox quota" is pre-approved for email only, not vpn; raise a normal change instead' },
    ]);
  });

  it('needs a backout plan only once the risk is medium or high (the risk is scored first)', () => {
    expect(aChange({}, { backoutPlan: '' }).backoutPlan).toBe('');
    expect(problemsOf({ backoutPlan: '', riskAnswers: RISKY })).toEqual([
      { path: 'backoutPlan', message: 'A high-risk change needs a backout plan: say how it would be undone if it goes wrong' },
    ]);
    const medium = { ...RISKY, reach: 'team', outage: 'short', backout: 'easy' }; // 2 + 1 + 1 + 0 + 1 + email 2 = 7
    expect(problemsOf({ type: 'emergency', backoutPlan: '', riskAnswers: medium })[0]?.message).toMatch(/^A medium-risk change needs a backout plan/);
  });

  it('refuses a start in the past for normal and standard changes, never for an emergency', () => {
    const past = { plannedStart: at(-60), plannedEnd: at(60) };
    expect(problemsOf(past).map((p) => p.path)).toEqual(['plannedStart']);
    expect(problemsOf({ ...past, type: 'standard', template: 'mailbox-quota' }).map((p) => p.path)).toEqual(['plannedStart']);
    expect(aChange({}, { ...past, type: 'emergency' }).status).toBe('assessed');
  });

  it('reports every problem at once, the first one in the message', () => {
    try {
      aChange({}, { services: ['mainframe'], plannedStart: at(-60), plannedEnd: at(60), riskAnswers: { reach: 'many' } }, { organisation: catalogueOrg });
      throw new Error('expected a failure');
    } catch (error) {
      const e = error as InvalidInputError;
      expect(e.fields.map((f) => f.path)).toEqual(['services', 'plannedStart', 'risk.outage', 'risk.tested', 'risk.backout', 'risk.experience']);
      expect(e.message).toBe('That change isn\'t valid (services): "mainframe" is not in the service catalogue; pick services from the list.');
    }
  });

  it('an end before the start is a plannedEnd problem before anything else is looked at', () => {
    expect(problemsOf({ plannedEnd: at(-1), services: ['mainframe'] })).toEqual([
      { path: 'plannedEnd', message: 'The planned end must be after the planned start' },
    ]);
  });
});

describe('createChange: standard changes take the template', () => {
  it('uses the template’s services, plans and duration, whatever the input says', () => {
    const change = aChange(
      {},
      { type: 'standard', template: 'mailbox-quota', services: [], plannedEnd: undefined, implementationPlan: 'Something else', backoutPlan: '' },
      { organisation: catalogueOrg },
    );
    expect(change).toMatchObject({
      status: 'scheduled',
      template: 'mailbox-quota',
      services: ['email'],
      implementationPlan: 'Set the quota in the admin centre.',
      backoutPlan: 'Set it back.',
      testPlan: 'The user can send mail.',
      plannedStart: at(24 * 60),
      plannedEnd: at(24 * 60 + 30),
    });
  });
});

describe('risk: the organisation’s own questionnaire and bands', () => {
  const custom = anOrganisation((f) => {
    f.changes = {
      riskQuestions: [
        { id: 'customers', text: 'Could customers notice?', options: [{ value: 'no', label: 'No', score: 0 }, { value: 'yes', label: 'Yes', score: 5 }] },
        { id: 'night', text: 'Is it done at night?', options: [{ value: 'yes', label: 'Yes', score: 0 }, { value: 'no', label: 'No', score: 2 }] },
      ],
      riskBands: { low: 2, medium: 6 },
    };
  });
  const scheme = custom.changes;

  it('scores the custom questions plus the service criticality, banded by the custom bands', () => {
    expect(assessRisk({ customers: 'no', night: 'yes' }, ['low'], scheme)).toEqual({ answers: { customers: 'no', night: 'yes' }, score: 0, level: 'low' });
    expect(assessRisk({ customers: 'no', night: 'no' }, ['medium'], scheme)).toMatchObject({ score: 3, level: 'medium' });
    expect(assessRisk({ customers: 'yes', night: 'no' }, [], scheme)).toMatchObject({ score: 7, level: 'high' });
    expect(riskLevelFor(6, scheme.riskBands)).toBe('medium');
    expect(riskLevelFor(7, scheme.riskBands)).toBe('high');
  });

  it('createChange asks the organisation’s questions, not the built-in ones', () => {
    const change = aChange({}, { riskAnswers: { customers: 'yes', night: 'yes', reach: 'few' } }, { organisation: custom });
    expect(change.risk).toEqual({ answers: { customers: 'yes', night: 'yes' }, score: 7, level: 'high' }); // email is high: +2
    expect(approvalRoute(change, custom)).toMatchObject({ kind: 'cab' });
    expect(() => aChange({}, {}, { organisation: custom })).toThrow('(risk.customers): Answer "Could customers notice?" (no, yes).');
  });

  it('defaults to the built-in questions and the 3 / 8 bands when the file sets none', () => {
    expect(org.changes.riskQuestions.map((q) => q.id)).toEqual(RISK_QUESTIONS.map((q) => q.id));
    expect(org.changes.riskBands).toEqual(DEFAULT_RISK_BANDS);
    expect(assessRisk(RISKY, ['critical'])).toEqual(assessRisk(RISKY, ['critical'], org.changes));
  });
});

describe('lifecycle: assessed, withdrawn, cancelled', () => {
  const bob = person('bob');

  it('a normal change is assessed on submission and decided from there', () => {
    expect(changeLifecycle.allowedActions('assessed')).toEqual(['approve', 'reject', 'withdraw', 'cancel']);
    expect(changeLifecycle.next('submitted', 'assess')).toBe('assessed');
    // A record stored before `assessed` existed can still be decided.
    const legacy = aChange({ status: 'submitted' });
    expect(decideChange(legacy, { actor: person('carol'), now: at(1), decision: 'approved' }, org).status).toBe('approved');
  });

  it('the requester withdraws before implementation; a second click changes nothing', () => {
    const change = aChange();
    const withdrawn = withdrawChange(change, { actor: { id: 'bob', name: 'Bob Brown' }, now: at(3), reason: 'Done by the vendor instead' });
    expect(withdrawn).toMatchObject({ status: 'withdrawn', withdrawal: { at: at(3), by: { id: 'bob' }, reason: 'Done by the vendor instead' } });
    expect(withdrawChange(withdrawn, { actor: { id: 'bob', name: 'Bob Brown' }, now: at(4) })).toBe(withdrawn);
    expect(pendingApprovers(withdrawn, org)).toEqual([]);
    expect(changeLifecycle.isFinal('withdrawn')).toBe(true);
  });

  it('only the requester may withdraw, and not once work has started', () => {
    expect(() => withdrawChange(aChange(), { actor: person('carol'), now: at(1) })).toThrow(
      'Only Bob Brown, who requested CHG-000045, can withdraw it; a change manager can cancel it.',
    );
    const started = startChange(decideChange(aChange(), { actor: person('carol'), now: at(1), decision: 'approved' }, org), { actor: bob, now: at(2) });
    expect(() => withdrawChange(started, { actor: bob, now: at(3) })).toThrow(InvalidTransitionError);
    expect(() => withdrawChange(started, { actor: bob, now: at(3) })).toThrow("CHG-000045 is implementing; it can't be withdrawn.");
  });

  it('a decision on a withdrawn change is an invalid transition that says who withdrew it', () => {
    const withdrawn = withdrawChange(aChange({}, { riskAnswers: RISKY }), { actor: { id: 'bob', name: 'Bob Brown' }, now: at(3) });
    const decide = () => decideChange(withdrawn, { actor: person('dave'), now: at(4), decision: 'approved' }, org);
    expect(decide).toThrow(InvalidTransitionError);
    expect(decide).toThrow('CHG-000045 was withdrawn by Bob Brown; nothing to decide.');
    try {
      decide();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_transition', from: 'withdrawn', action: 'approve' });
    }
  });

  it('a change manager cancels (with the role checked when the organisation is given)', () => {
    expect(() => cancelChange(aChange(), { actor: bob, now: at(1), reason: 'x' }, org)).toThrow(
      'Only a change manager can cancel CHG-000045; if you requested it, withdraw it instead.',
    );
    const cancelled = cancelChange(aChange(), { actor: person('carol'), now: at(1), reason: 'Superseded by CHG-000050' }, org);
    expect(cancelled.status).toBe('cancelled');
    expect(() => decideChange(cancelled, { actor: person('carol'), now: at(2), decision: 'approved' }, org)).toThrow(
      'CHG-000045 was cancelled by carol (Superseded by CHG-000050); nothing to decide.',
    );
  });

  it('an emergency change goes to the ECAB, where one member decides, never the requester', () => {
    const emergency = aChange({ requester: { id: 'dave', name: 'Dave', channel: 'slack' } }, { type: 'emergency' });
    expect(whyMayNotDecide(emergency, 'dave', org)).toBe('You requested CHG-000045, so someone else must authorise it.');
    expect(decideChange(emergency, { actor: person('carol'), now: at(1), decision: 'approved' }, org)).toMatchObject({
      status: 'approved',
      approvals: [{ as: 'ecab', by: { id: 'carol' } }],
    });
  });
});
