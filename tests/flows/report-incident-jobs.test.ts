import { sweepAutoClose } from '../../flows/report-incident/auto-close.job';
import { sweepSla } from '../../flows/report-incident/sla-watch.job';
import { createJobRunner } from '../../src/engine/scheduler';
import { COLLECTIONS } from '../../src/store/collections';
import { as, first, incidentHarness, reportIncident, textOf } from './report-incident.support';

type H = Awaited<ReturnType<typeof incidentHarness>>;

/** Every SLA message the fake transports sent: who got which. */
function slaMessages(...harnesses: H[]): string[] {
  return harnesses
    .flatMap((h) => h.webchat.sent)
    .filter((s) => /three quarters|has missed/.test(s.message.summary))
    .map((s) => `${s.to}: ${s.message.summary}`);
}

describe('report-incident: SLA watch', () => {
  let h: H;
  let id: string;
  beforeEach(async () => {
    // Monday 09:00 London: a P3 on the 24x7 VPN — respond by 13:00, resolve by Tuesday 09:00.
    h = await incidentHarness();
    id = await reportIncident(h, as('Hannah'), { service: 'vpn', impact: 'medium', urgency: 'medium' });
  });
  afterEach(() => h.close());

  it('warns the team lead at 75 % of the response time and the manager at the breach, once each', async () => {
    h.clock.set('2026-03-02T11:59:00Z');
    expect(await sweepSla(h.services, h.clock.now())).toMatchObject({ alerts: 0 });
    h.clock.set('2026-03-02T12:00:30Z');
    expect(await sweepSla(h.services, h.clock.now())).toMatchObject({ alerts: 1 });
    expect(await sweepSla(h.services, h.clock.now())).toMatchObject({ due: 0, alerts: 0 });
    expect(slaMessages(h)).toEqual([`nina-kowalski: ${id} (P3 moderate, VPN drops every few minutes): three quarters of the response time has gone. Respond by Mon 2 Mar, 14:00 GMT+1.`]);

    h.clock.set('2026-03-02T13:00:00Z');
    await sweepSla(h.services, h.clock.now());
    await sweepSla(h.services, h.clock.now());
    expect(slaMessages(h).slice(1)).toEqual([expect.stringMatching(new RegExp(`^daniel-hughes: ${id} .* has missed its response target .* nobody has it yet`))]);
    const record = await h.services.store.collection(COLLECTIONS.incidents).findOne({ id });
    expect(record).toMatchObject({ sla: { warnings: [{ target: 'response' }], breaches: [{ target: 'response' }] } });
    const actions = (await h.services.audit.listForRecord('incident', id)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith('incident.sla'))).toEqual(['incident.sla_warned', 'incident.sla_breached']);
  });

  it('warns the assignee as well as the lead, and stops the response clock once someone takes it', async () => {
    await h.send({ type: 'action', action: 'report-incident:take', value: id }, as('Marcus'));
    h.clock.set('2026-03-03T03:30:00Z');
    await sweepSla(h.services, h.clock.now());
    expect(slaMessages(h).map((m) => m.split(':')[0]).sort()).toEqual(['marcus-reed', 'nina-kowalski']);
    expect(slaMessages(h).every((m) => m.includes('resolution time'))).toBe(true);
  });

  it('sends each warning exactly once across a restart (new services over the same store)', async () => {
    h.clock.set('2026-03-02T12:00:30Z');
    // The first process sends, then dies before it records the warning on the incident.
    const store = h.services.store;
    const collection = store.collection.bind(store);
    store.collection = ((name: string) => {
      const real = collection(name);
      if (name !== COLLECTIONS.incidents) return real;
      return Object.assign(Object.create(real), {
        findOneAndUpdate: async () => {
          throw new Error('process killed');
        },
      });
    }) as typeof store.collection;
    await expect(sweepSla(h.services, h.clock.now())).rejects.toThrow('process killed');
    store.collection = collection;
    expect(slaMessages(h)).toHaveLength(1);

    const restarted = await incidentHarness({ store: h.store, clock: h.clock });
    await sweepSla(restarted.services, h.clock.now());
    await sweepSla(restarted.services, h.clock.now());
    expect(slaMessages(h, restarted)).toHaveLength(1);
    const stored = await h.services.store.collection(COLLECTIONS.incidents).findOne({ id });
    expect(stored).toMatchObject({ sla: { warnings: [{ target: 'response' }] } });
    await restarted.close();
  });

  it('sends each warning exactly once with two dispatcher instances sweeping one store at once', async () => {
    const second = await incidentHarness({ store: h.store, clock: h.clock });
    for (const at of ['2026-03-02T12:00:30Z', '2026-03-02T13:00:00Z', '2026-03-03T03:00:30Z', '2026-03-03T09:00:00Z']) {
      h.clock.set(at);
      await Promise.all([sweepSla(h.services, h.clock.now()), sweepSla(second.services, h.clock.now()), sweepSla(h.services, h.clock.now())]);
    }
    const sent = slaMessages(h, second);
    expect(sent).toHaveLength(4);
    expect(new Set(sent).size).toBe(4);
    await second.close();
  });

  it('runs as a leased job: two runners at once, one run', async () => {
    const second = await incidentHarness({ store: h.store, clock: h.clock });
    const job = (x: H) => x.dispatcher.flows.find((f) => f.id === 'report-incident')!.jobs!(x.services);
    const runner = (x: H, owner: string) => createJobRunner({ jobs: job(x), locks: x.services.locks, clock: h.clock, logger: x.logger, owner });
    h.clock.set('2026-03-02T12:00:30Z');
    const runs = await Promise.all([runner(h, 'a').run('incident-sla-watch'), runner(second, 'b').run('incident-sla-watch')]);
    expect(runs.map((r) => r.status).sort()).toEqual(['completed', 'skipped']);
    expect(slaMessages(h, second)).toHaveLength(1);
    await second.close();
  });
});

describe('report-incident: auto-close', () => {
  let h: H;
  beforeEach(async () => {
    h = await incidentHarness();
  });
  afterEach(() => h.close());

  it('closes a resolved incident after three working days in the reporter\'s calendar, once, and tells them', async () => {
    // Resolved on Friday 6 March: Monday, Tuesday and Wednesday are Hannah's three working days.
    h.clock.set('2026-03-06T10:00:00Z');
    const id = await reportIncident(h, as('Hannah'), { service: 'printing', summary: 'Printer offline' });
    const opened = await h.send({ type: 'action', action: 'report-incident:resolve', value: id }, as('Jamie'));
    const form = first(opened)!.form!;
    await h.send({ type: 'submit', form: form.id, state: form.state!, values: { code: 'fixed', notes: 'Power cycled it.' } }, as('Jamie'));

    h.clock.set('2026-03-11T17:29:00Z');
    expect(await sweepAutoClose(h.services, h.clock.now())).toEqual({ candidates: 1, closed: 0 });
    h.clock.set('2026-03-11T17:30:00Z');
    expect(await sweepAutoClose(h.services, h.clock.now())).toEqual({ candidates: 1, closed: 1 });
    expect(await sweepAutoClose(h.services, h.clock.now())).toEqual({ candidates: 0, closed: 0 });
    const record = await h.services.store.collection(COLLECTIONS.incidents).findOne({ id });
    expect(record).toMatchObject({ status: 'closed', closure: { how: 'auto', by: { id: 'system' } } });
    const events = await h.services.audit.listForRecord('incident', id);
    expect(events.at(-1)).toMatchObject({ action: 'incident.closed', actor: { id: 'system' }, before: { status: 'resolved' }, after: { status: 'closed' } });
    expect(h.webchat.to('hannah-wright').map((s) => textOf(s.message)).filter((t) => t.includes('closed because there was no answer'))).toHaveLength(1);
  });

  it('leaves incidents the reporter answered alone', async () => {
    const id = await reportIncident(h, as('Hannah'), { service: 'printing', summary: 'Printer offline' });
    const opened = await h.send({ type: 'action', action: 'report-incident:resolve', value: id }, as('Jamie'));
    await h.send({ type: 'submit', form: first(opened)!.form!.id, state: id, values: { code: 'fixed', notes: 'Done.' } }, as('Jamie'));
    await h.send({ type: 'action', action: 'report-incident:confirm', value: id }, as('Hannah'));
    h.clock.set('2026-03-20T12:00:00Z');
    expect(await sweepAutoClose(h.services, h.clock.now())).toEqual({ candidates: 0, closed: 0 });
  });
});
