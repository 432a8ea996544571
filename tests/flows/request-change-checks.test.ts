import { scheduleSlots } from '../../flows/request-change/change.repository';
import { as, buttonsOf, button, changeHarness, DETAILS, draftNormal, first, raiseNormal, REQUESTER, riskAnswers, storedChange, textOf } from './request-change.support';

type H = Awaited<ReturnType<typeof changeHarness>>;

/** Opens a type's form through `change <type>` and submits it with `values`. */
async function draft(h: H, type: 'standard' | 'normal' | 'emergency', values: Record<string, unknown>) {
  const opened = first(await h.send({ type: 'command', command: 'change', args: type }, REQUESTER));
  const form = opened?.form;
  if (!form) throw new Error(`no form: ${textOf(opened)}`);
  return h.send({ type: 'submit', form: form.id, values: values as never, state: form.state! }, REQUESTER);
}

describe('request-change: standard, emergency and the schedule checks', () => {
  let h: H;
  beforeEach(async () => (h = await changeHarness()));
  afterEach(async () => h.close());

  it('a standard change comes from the catalogue, takes its plans and duration, and goes straight onto the schedule', async () => {
    const confirmation = first(await draft(h, 'standard', { template: 'tls-certificate-renewal', plannedStart: '2026-03-04T20:00', implementer: 'Raj' }));
    expect(textOf(confirmation)).toContain('Pre-approved by its standard change template');
    const submit = button(confirmation, 'submit');
    const receipt = first(await h.send({ type: 'action', action: submit.action, value: submit.value! }, REQUESTER));
    expect(textOf(receipt)).toContain('Scheduled.');
    const changeId = /CHG-\d{6}/.exec(receipt!.summary)![0];
    const stored = await storedChange(h, changeId);
    expect(stored).toMatchObject({ status: 'scheduled', type: 'standard', template: 'tls-certificate-renewal' });
    expect((stored.plannedEnd as Date).getTime() - (stored.plannedStart as Date).getTime()).toBe(60 * 60_000);
    expect(h.webchat.sent).toEqual([]); // nobody is asked to approve it
  });

  it('a standard change needs a template from the catalogue and a start', async () => {
    const outcome = await draft(h, 'standard', { template: 'reboot-everything', plannedStart: '' });
    expect(outcome.errors).toEqual({ template: 'Pick a standard change from the catalogue', plannedStart: 'Say when the change starts' });
  });

  it('blocks a normal change in a freeze window with the reason, and lets an emergency change through it', async () => {
    const inFreeze = { ...DETAILS, plannedStart: '2026-06-29T10:00', plannedEnd: '2026-06-29T11:00', ...riskAnswers(h, 'highest') };
    const normal = first(await draftNormal(h, inFreeze));
    expect(textOf(normal)).toContain('It cannot be submitted as it is');
    expect(textOf(normal)).toContain('Quarter-end close (Q2 2026)');
    expect(buttonsOf(normal).map((b) => b.label)).toEqual(['Edit', 'Cancel']);
    const emergency = first(await draft(h, 'emergency', { ...inFreeze, linked: 'INC-000007' }));
    expect(textOf(emergency)).toContain('Quarter-end close (Q2 2026)');
    expect(textOf(emergency)).toContain('The emergency CAB decides');
    expect(buttonsOf(emergency).map((b) => b.label)).toContain('Submit');
  });

  it('shows a clash with another change on the same service at the same time', async () => {
    const first1 = await raiseNormal(h);
    const second = first(await draftNormal(h, { ...DETAILS, title: 'Upgrade the payroll app', plannedStart: '2026-03-07T11:00', plannedEnd: '2026-03-07T13:00', ...riskAnswers(h, 'highest') }));
    expect(textOf(second)).toContain(first1);
    const elsewhere = first(await draftNormal(h, { ...DETAILS, services: ['website'], title: 'Website release', ...riskAnswers(h, 'highest') }));
    expect(textOf(elsewhere)).not.toContain(first1);
  });

  it('an emergency change may start now, and links the incident it restores', async () => {
    const confirmation = first(await draft(h, 'emergency', { ...DETAILS, plannedStart: '2026-03-02T09:30', plannedEnd: '2026-03-02T10:30', linked: 'inc-42', ...riskAnswers(h, 'highest') }));
    const submit = button(confirmation, 'submit');
    const receipt = first(await h.send({ type: 'action', action: submit.action, value: submit.value! }, REQUESTER));
    const stored = await storedChange(h, /CHG-\d{6}/.exec(receipt!.summary)![0]);
    expect(stored.linkedIncidents).toEqual(['INC-000042']);
    const ecab = h.webchat.sent.map((s) => s.to);
    expect(new Set(ecab)).toEqual(new Set(['tom-okafor', 'lukas-becker', 'daniel-hughes']));
  });

  it('an emergency form keeps its type even when its conversation state is gone', async () => {
    const opened = first(await h.send({ type: 'command', command: 'change', args: 'emergency' }, REQUESTER));
    await h.services.store.collection('conversations').deleteMany({});
    const form = opened!.form!;
    const values = { ...DETAILS, plannedStart: '2026-03-02T09:30', plannedEnd: '2026-03-02T10:30', ...riskAnswers(h, 'highest') };
    const confirmation = first(await h.send({ type: 'submit', form: form.id, values: values as never, state: form.state! }, REQUESTER));
    expect(textOf(confirmation)).toContain('The emergency CAB decides');
  });

  it('takes a change asked for in plain words to the change request, not to an incident', async () => {
    const outcome = await h.send({ type: 'message', text: 'I need to patch the payroll DB servers on Saturday' }, as('Nina'));
    expect(buttonsOf(first(outcome)).map((b) => b.value)).toEqual(['standard', 'normal', 'emergency']);
  });
});

describe('request-change: schedule slots', () => {
  it('names every service-day a window covers, and not the day a window ends on at midnight', () => {
    expect(scheduleSlots(['erp', 'payroll'], new Date('2026-03-07T22:00:00Z'), new Date('2026-03-08T02:00:00Z'))).toEqual([
      'erp@2026-03-07',
      'erp@2026-03-08',
      'payroll@2026-03-07',
      'payroll@2026-03-08',
    ]);
    expect(scheduleSlots(['erp'], new Date('2026-03-07T10:00:00Z'), new Date('2026-03-08T00:00:00Z'))).toEqual(['erp@2026-03-07']);
    expect(scheduleSlots(['erp'], new Date('2026-03-01T00:00:00Z'), new Date('2026-03-15T00:00:00Z'))).toHaveLength(14);
  });
});
