import { COLLECTIONS } from '../../src/store/collections';
import { as, button, buttonsOf, first, incidentHarness, reportIncident, textOf } from './report-incident.support';

type H = Awaited<ReturnType<typeof incidentHarness>>;

describe('report-incident: working an incident', () => {
  let h: H;
  let id: string;
  beforeEach(async () => {
    h = await incidentHarness();
    id = await reportIncident(h, as('Hannah'), { summary: 'VPN drops every few minutes', service: 'vpn' });
  });
  afterEach(() => h.close());

  const record = () => h.services.store.collection(COLLECTIONS.incidents).findOne({ id });
  const actions = async () => (await h.services.audit.listForRecord('incident', id)).map((e) => e.action);
  const press = (action: string, who: string) => h.send({ type: 'action', action: `report-incident:${action}`, value: id }, as(who));
  const submitForm = async (action: string, who: string, values: Record<string, string>) => {
    const opened = await press(action, who);
    const form = first(opened)?.form;
    if (!form) throw new Error(`no form: ${textOf(first(opened))}`);
    return h.send({ type: 'submit', form: form.id, state: form.state!, values }, as(who));
  };
  const toHannah = () => h.webchat.to('hannah-wright').map((s) => textOf(s.message));

  it('report → take → update → hold → resume → resolve → the reporter confirms', async () => {
    const taken = await press('take', 'Nina');
    expect(textOf(first(taken))).toBe(`You have ${id}. The reporter has been told.`);
    expect(await record()).toMatchObject({ status: 'in_progress', assignee: { id: 'nina-kowalski' }, sla: { respondedAt: h.clock.now() } });
    expect(toHannah().at(-1)).toBe(`Nina Kowalski has picked up ${id} (VPN drops every few minutes) and is working on it.`);
    // Every copy of the team card (one per member here) is refreshed in place.
    const lastCards = h.webchat.updated.slice(-3);
    expect(lastCards.map((u) => textOf(u.message))).toEqual(Array(3).fill(expect.stringContaining('Assigned to: Nina Kowalski')));

    h.clock.advance(30 * 60_000);
    await submitForm('update', 'Nina', { note: 'Looking at the gateway logs.', status: 'none' });
    expect(toHannah().at(-1)).toBe(`Update on ${id} from Nina Kowalski: Looking at the gateway logs.`);
    await submitForm('update', 'Nina', { note: 'Waiting for the ISP.', status: 'hold' });
    expect(await record()).toMatchObject({ status: 'on_hold' });
    await submitForm('update', 'Nina', { note: 'ISP answered.', status: 'resume' });
    expect(await record()).toMatchObject({ status: 'in_progress' });

    const resolved = await submitForm('resolve', 'Nina', { code: 'fixed', notes: 'Replaced the faulty gateway.' });
    expect(textOf(first(resolved))).toContain('is resolved');
    expect(await record()).toMatchObject({ status: 'resolved', resolution: { code: 'fixed', notes: 'Replaced the faulty gateway.', by: { id: 'nina-kowalski' } } });
    const notice = h.webchat.to('hannah-wright').at(-1)!.message;
    expect(textOf(notice)).toContain('Fixed: Replaced the faulty gateway.');
    expect(textOf(notice)).toContain('If I do not hear from you by Thu 5 Mar, 17:30 GMT, I will close it.');
    expect(buttonsOf(notice).map((b) => b.label)).toEqual(['Yes, it is fixed', 'No, reopen it…']);
    expect(buttonsOf(h.webchat.updated.at(-1)!.message)).toEqual([]);

    const confirmed = await h.send({ type: 'action', action: button(notice, 'confirm').action, value: id }, as('Hannah'));
    expect(textOf(first(confirmed))).toBe(`Thank you: ${id} is closed.`);
    expect(await record()).toMatchObject({ status: 'closed', closure: { how: 'confirmed', by: { id: 'hannah-wright' } } });
    expect(await actions()).toEqual([
      'incident.created',
      'incident.team_notified',
      'incident.taken',
      'incident.updated',
      'incident.put_on_hold',
      'incident.resumed',
      'incident.resolved',
      'incident.closed',
    ]);
    const takenEvent = (await h.services.audit.listForRecord('incident', id))[2]!;
    expect(takenEvent).toMatchObject({ actor: { id: 'nina-kowalski' }, before: { status: 'new' }, after: { status: 'in_progress', assignee: 'nina-kowalski' }, clause: '8.6.1' });
  });

  it('assigns to a member of the support team only, and tells the assignee and the reporter', async () => {
    const refused = await submitForm('assign', 'Nina', { assignee: 'raj-patel' });
    expect(refused.errors).toEqual({ assignee: 'Pick someone from the support team.' });
    const opened = await press('assign', 'Nina');
    const input = first(opened)!.form!.inputs[0]!;
    expect('options' in input ? input.options.map((o) => o.value) : []).toEqual(['nina-kowalski', 'marcus-reed', 'daniel-hughes']);
    await submitForm('assign', 'Nina', { assignee: 'marcus-reed' });
    expect(await record()).toMatchObject({ status: 'new', assignee: { id: 'marcus-reed' } });
    expect(textOf(h.webchat.to('marcus-reed').at(-1)!.message)).toContain(`Nina Kowalski assigned ${id} to you`);
    expect(toHannah().at(-1)).toBe(`${id} (VPN drops every few minutes) is now with Marcus Reed.`);
  });

  it('refuses people outside the support team politely, and changes nothing', async () => {
    for (const [action, who] of [['take', 'Tom'], ['resolve', 'Raj'], ['assign', 'Hannah'], ['update', 'Tom']] as const) {
      const outcome = await press(action, who);
      expect(textOf(first(outcome))).toBe(`Sorry, only Network & Security, the service desk or an incident manager can work on ${id}. Nothing was changed.`);
    }
    const forged = await h.send({ type: 'submit', form: 'report-incident:resolve', state: id, values: { code: 'fixed', notes: 'done' } }, as('Tom'));
    expect(textOf(first(forged))).toMatch(/^Sorry, only Network & Security/);
    expect(await record()).toMatchObject({ status: 'new' });
    expect(await actions()).toEqual(['incident.created', 'incident.team_notified']);
  });

  it('lets an incident manager work any incident', async () => {
    await press('take', 'Priya');
    expect(await record()).toMatchObject({ status: 'in_progress', assignee: { id: 'priya-shah' } });
  });

  it('only lets two people pressing Take at once have one of them win', async () => {
    const [a, b] = await Promise.all([press('take', 'Nina'), press('take', 'Marcus')]);
    const texts = [a, b].map((o) => textOf(first(o)));
    expect(texts.filter((t) => t.startsWith('You have'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('was changed by someone else a moment ago, so I changed nothing'))).toHaveLength(1);
    expect((await actions()).filter((a) => a === 'incident.taken')).toHaveLength(1);
  });

  it('rejects illegal transitions with the domain\'s words, and needs a code and notes to resolve', async () => {
    expect(textOf(first(await press('reopen', 'Nina')))).toBe(`${id} is new; it can't be reopened. It can be: taken, resolved.`);
    const missing = await submitForm('resolve', 'Nina', { code: 'magic', notes: '  ' });
    expect(missing.errors).toEqual({ notes: 'Please write a few words here.', code: 'Pick how it was resolved.' });
    await submitForm('resolve', 'Nina', { code: 'workaround', notes: 'Use the backup gateway.' });
    expect(textOf(first(await press('resolve', 'Nina')))).toBe(`${id} is resolved; it can't be resolved. It can be: closed, reopened.`);
    expect(textOf(first(await press('confirm', 'Nina')))).toBe(`Only the person who reported ${id} can confirm it is fixed. Nothing was changed.`);
    await press('confirm', 'Hannah');
    expect(textOf(first(await press('take', 'Nina')))).toMatch(/is closed; it can't be taken/);
    expect(textOf(first(await press('update', 'Nina')))).toMatch(/is closed; it can't be updated/);
  });

  it('reopens with a reason from the reporter, and tells the assignee', async () => {
    await press('take', 'Nina');
    await submitForm('resolve', 'Nina', { code: 'fixed', notes: 'Restarted.' });
    const empty = await submitForm('reopen', 'Hannah', { reason: '' });
    expect(empty.errors).toEqual({ reason: 'Please write a few words here.' });
    await submitForm('reopen', 'Hannah', { reason: 'It dropped again at 11:00.' });
    expect(await record()).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    expect(textOf(h.webchat.to('nina-kowalski').at(-1)!.message)).toBe(`Hannah Wright reopened ${id} (VPN drops every few minutes): It dropped again at 11:00.`);
    expect(textOf(first(await press('reopen', 'Tom')))).toMatch(/^Only the person who reported/);
  });

  it('shows the record to those allowed to see it, and refuses others politely', async () => {
    for (const who of ['Hannah', 'Marcus', 'Priya', 'Daniel']) {
      const outcome = await h.send({ type: 'message', text: id.toLowerCase() }, as(who));
      expect(textOf(first(outcome))).toContain('VPN drops every few minutes');
    }
    const reporterView = await h.send({ type: 'command', command: id, args: '' }, as('Hannah'));
    expect(buttonsOf(first(reporterView))).toEqual([]);
    const teamView = await h.send({ type: 'command', command: id, args: '' }, as('Marcus'));
    expect(buttonsOf(first(teamView)).map((b) => b.label)).toEqual(['Take', 'Assign…', 'Update', 'Resolve…']);
    const refused = await h.send({ type: 'command', command: id, args: '' }, as('Tom'));
    expect(textOf(first(refused))).toMatch(/^Sorry, INC-000001 can only be seen by/);
    const missing = await h.send({ type: 'command', command: 'INC-999999', args: '' }, as('Hannah'));
    expect(textOf(first(missing))).toBe("I can't find INC-999999. Check the number, or type mine to see your incidents.");
  });

  it('offers its support team "Raise improvement" once resolved, with the incident as the source', async () => {
    await submitForm('resolve', 'Nina', { code: 'fixed', notes: 'Replaced the faulty gateway.' });
    const teamView = first(await h.send({ type: 'command', command: id, args: '' }, as('Marcus')));
    const raise = buttonsOf(teamView).find((b) => b.label === 'Raise improvement');
    expect(raise).toMatchObject({ action: 'improvement-actions:raise', value: id });
    const reporterView = first(await h.send({ type: 'command', command: id, args: '' }, as('Hannah')));
    expect(buttonsOf(reporterView).map((b) => b.label)).not.toContain('Raise improvement');
    const form = first(await h.send({ type: 'action', action: raise!.action, value: id }, as('Marcus')))?.form;
    const initial = Object.fromEntries(form!.inputs.map((i) => [i.name, 'initial' in i ? i.initial : undefined]));
    expect(initial).toMatchObject({ source: 'incident', sourceRef: id });
  });

  it('lists the person\'s open incidents with mine and on the home view', async () => {
    await press('take', 'Nina');
    const mine = await h.send({ type: 'message', text: 'mine' }, as('Hannah'));
    expect(textOf(first(mine))).toContain(`${id} · P3 moderate · in progress — VPN drops every few minutes (you reported it)`);
    const nina = await h.send({ type: 'command', command: 'mine', args: '' }, as('Nina'));
    expect(textOf(first(nina))).toContain('(assigned to you)');
    const home = await h.dispatcher.home(h.services.people.resolve({ channel: 'webchat', userId: 'Tom' }), 'webchat');
    expect(home.some((b) => b.kind === 'text' && b.text === 'You have no open incidents.')).toBe(true);
  });
});
