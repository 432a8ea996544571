import { sweepChangeNudges } from '../../flows/request-change/change-nudges.job';
import { createHarness } from '../support/harness';
import { approveByCab, as, button, buttonsOf, changeHarness, DETAILS, draftNormal, first, raiseNormal, REQUESTER, riskAnswers, storedChange, textOf } from './request-change.support';

type H = Awaited<ReturnType<typeof changeHarness>>;

/** Sends a form: the message's form filled with `values`, by `who`. */
async function fill(h: H, message: Parameters<typeof textOf>[0], values: Record<string, unknown>, who: ReturnType<typeof as>) {
  const form = message?.form;
  if (!form) throw new Error(`no form in: ${textOf(message)}`);
  return h.send({ type: 'submit', form: form.id, values: values as never, state: form.state! }, who);
}

/** Raises an emergency change (the ECAB decides; a review is always due after it). */
async function raiseEmergency(h: H): Promise<string> {
  const opened = first(await h.send({ type: 'command', command: 'change', args: 'emergency' }, REQUESTER));
  const confirmation = first(await fill(h, opened, { ...DETAILS, plannedStart: '2026-03-02T10:00', plannedEnd: '2026-03-02T11:00', linked: 'INC-000042', ...riskAnswers(h, 'highest') }, REQUESTER));
  expect(textOf(confirmation)).toContain('The emergency CAB decides');
  const submit = button(confirmation, 'submit');
  const outcome = first(await h.send({ type: 'action', action: submit.action, value: submit.value! }, REQUESTER));
  return /CHG-\d{6}/.exec(outcome?.summary ?? '')![0];
}

describe('request-change: implementing and reviewing', () => {
  let h: H;
  beforeEach(async () => (h = await changeHarness()));
  afterEach(async () => h.close());

  it('asks the implementer at the planned start, once, and closes a successful normal change', async () => {
    const changeId = await raiseNormal(h);
    await approveByCab(h, changeId);
    expect((await sweepChangeNudges(h.services, h.clock.now())).implementers).toBe(0);
    h.clock.set('2026-03-07T10:00:00Z');
    expect((await sweepChangeNudges(h.services, h.clock.now())).implementers).toBe(1);
    expect((await sweepChangeNudges(h.services, h.clock.now())).implementers).toBe(0);
    const card = h.webchat.to('nina-kowalski').map((s) => s.message).find((m) => textOf(m).includes('due to start'));
    await h.send({ type: 'action', action: button(card, 'started').action, value: changeId }, REQUESTER);
    expect((await storedChange(h, changeId)).status).toBe('implementing');
    const form = first(await h.send({ type: 'action', action: button(card, 'done').action, value: changeId }, REQUESTER));
    const done = await fill(h, form, { notes: 'Both nodes patched, smoke test green.' }, REQUESTER);
    expect(textOf(first(done))).toContain('implemented and closed');
    expect((await storedChange(h, changeId)).status).toBe('closed');
    const actions = (await h.services.audit.listForRecord('change', changeId)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['change.created', 'change.approved', 'change.implementation_started', 'change.closed']));
  });

  it('a failed change needs its outcome in words, then a review from the requester before it closes', async () => {
    const changeId = await raiseNormal(h);
    await approveByCab(h, changeId);
    const form = first(await h.send({ type: 'action', action: 'request-change:failed', value: changeId }, REQUESTER));
    const empty = await fill(h, form, { notes: ' ', backedOut: true }, REQUESTER);
    expect(empty.errors).toEqual({ notes: expect.stringContaining('Say what happened') });
    await fill(h, form, { notes: 'Node B would not come back; rolled back from snapshot.', backedOut: true }, REQUESTER);
    expect((await storedChange(h, changeId)).status).toBe('backed_out');
    const ask = h.webchat.to('nina-kowalski').map((s) => s.message).find((m) => textOf(m).includes('needs its post-implementation review'));
    const reviewForm = first(await h.send({ type: 'action', action: button(ask, 'review').action, value: changeId }, REQUESTER));
    const missing = await fill(h, reviewForm, { objectivesMet: 'no', incidents: '', lessons: '' }, REQUESTER);
    expect(Object.keys(missing.errors ?? {})).toEqual(['lessons']);
    const reviewed = first(await fill(h, reviewForm, { objectivesMet: 'no', incidents: 'INC-000051', lessons: 'Test the failover on the staging pair first.' }, REQUESTER));
    const stored = await storedChange(h, changeId);
    expect(stored.status).toBe('closed');
    expect((stored.review as { notes: string }).notes).toContain('INC-000051');
    // What it taught can become an improvement action, its source filled in.
    const raise = buttonsOf(reviewed).find((b) => b.label === 'Raise improvement')!;
    expect(raise).toMatchObject({ action: 'improvement-actions:raise', value: changeId });
    const improvementForm = first(await h.send({ type: 'action', action: raise.action, value: raise.value! }, REQUESTER))?.form;
    expect(improvementForm?.id).toBe('improvement-actions:raise');
    const initial = Object.fromEntries(improvementForm!.inputs.map((i) => [i.name, 'initial' in i ? i.initial : undefined]));
    expect(initial).toMatchObject({ source: 'change', sourceRef: changeId });
  });

  it('nudges an owed review once a day in working hours until it is written', async () => {
    const changeId = await raiseEmergency(h);
    await h.send({ type: 'action', action: 'request-change:approve', value: changeId }, as('Tom'));
    expect((await storedChange(h, changeId)).status).toBe('approved');
    const form = first(await h.send({ type: 'action', action: 'request-change:done', value: changeId }, REQUESTER));
    await fill(h, form, { notes: 'Restored.' }, REQUESTER);
    expect((await storedChange(h, changeId)).status).toBe('implemented');
    expect((await sweepChangeNudges(h.services, h.clock.now())).reviews).toBe(0); // asked already, just now
    h.clock.set('2026-03-03T10:00:00Z');
    expect((await sweepChangeNudges(h.services, h.clock.now())).reviews).toBe(1);
    h.clock.set('2026-03-03T15:00:00Z');
    expect((await sweepChangeNudges(h.services, h.clock.now())).reviews).toBe(0); // once a day
    h.clock.set('2026-03-04T10:00:00Z');
    expect((await sweepChangeNudges(h.services, h.clock.now())).reviews).toBe(1);
  });
});

describe('request-change: approval reminders and escalation', () => {
  let h: H;
  beforeEach(async () => (h = await changeHarness()));
  afterEach(async () => h.close());

  it('reminds each undecided approver once per interval and escalates to the change managers once, also after a restart', async () => {
    const changeId = await raiseNormal(h); // planned 2026-03-07 10:00 London
    expect(await sweepChangeNudges(h.services, h.clock.now())).toMatchObject({ reminders: 0, escalations: 0 });
    await h.send({ type: 'action', action: 'request-change:approve', value: changeId }, as('Priya'));
    h.clock.set('2026-03-03T10:00:00Z'); // a day later: the first reminder to the four who have not decided
    const first = await sweepChangeNudges(h.services, h.clock.now());
    expect(first.reminders).toBe(4);
    expect((await sweepChangeNudges(h.services, h.clock.now())).reminders).toBe(0);
    // A second process on the same store (a restart) finds the same keys: nothing twice.
    const restarted = await createHarness({ store: h.store, clock: h.clock });
    expect((await sweepChangeNudges(restarted.services, h.clock.now())).reminders).toBe(0);
    h.clock.set('2026-03-06T11:00:00Z'); // within a day of the start: escalate once to the change managers
    const late = await sweepChangeNudges(h.services, h.clock.now());
    expect(late.escalations).toBe(2);
    expect((await sweepChangeNudges(h.services, h.clock.now())).escalations).toBe(0);
    expect(h.webchat.to('lukas-becker').some((s) => textOf(s.message).includes('still not decided'))).toBe(true);
    await restarted.close();
  });

  it('sends no reminders outside the approver\'s working hours', async () => {
    await raiseNormal(h);
    h.clock.set('2026-03-03T23:30:00Z');
    expect((await sweepChangeNudges(h.services, h.clock.now())).reminders).toBe(0);
  });

  it('drafts with bad plans never reach the approvers', async () => {
    const outcome = await draftNormal(h, { ...DETAILS, ...riskAnswers(h, 'highest'), backoutPlan: '' });
    expect(outcome.errors?.backoutPlan).toBeDefined();
    expect(h.webchat.sent).toEqual([]);
  });
});
