import { reportIncidentFlow } from '../../flows/report-incident';
import { exampleOrg } from '../support/harness';
import { COLLECTIONS } from '../../src/store/collections';
import { as, button, buttonsOf, draftIncident, first, incidentHarness, reportIncident, textOf } from './report-incident.support';

type H = Awaited<ReturnType<typeof incidentHarness>>;

describe('report-incident: reporting', () => {
  let h: H;
  beforeEach(async () => {
    h = await incidentHarness();
  });
  afterEach(() => h.close());

  const incidents = () => h.services.store.collection(COLLECTIONS.incidents);

  it.each([
    ["the VPN is down for everyone", 0.9],
    ["can't log in to payroll", 0.8],
    ['printer broken', 0.6],
    ['Outlook keeps crashing when I open it', 0.6],
  ])('reads "%s" as an incident', (text, atLeast) => {
    expect(reportIncidentFlow.matchText!(text, { org: exampleOrg() })).toBeGreaterThanOrEqual(atLeast);
  });

  it.each(['how do I reset my password?', 'What is the process for a new laptop?', 'hello', 'can I book holiday in the HR portal?', 'thanks!'])(
    'leaves "%s" to other flows',
    (text) => {
      expect(reportIncidentFlow.matchText!(text, { org: exampleOrg() })).toBeLessThan(0.5);
    },
  );

  it('offers to raise an incident for plain words, and prefills the form with them and the service', async () => {
    const offer = await h.send({ type: 'message', text: "can't log in to payroll since this morning" }, as('Hannah'));
    expect(offer.flowId).toBe('report-incident');
    expect(textOf(first(offer))).toContain('Shall I raise an incident');
    expect(textOf(first(offer))).toContain('Payroll');
    const opened = await h.send({ type: 'action', action: button(first(offer), 'report').action }, as('Hannah'));
    const form = first(opened)?.form;
    expect(form?.id).toBe('report-incident:details');
    const initial = Object.fromEntries(form!.inputs.map((i) => [i.name, 'initial' in i ? i.initial : undefined]));
    expect(initial).toMatchObject({ summary: "can't log in to payroll since this morning", service: 'payroll' });
    const service = form!.inputs.find((i) => i.name === 'service');
    expect(service).toMatchObject({ kind: 'select', searchable: true });
    const impact = form!.inputs.find((i) => i.name === 'impact');
    expect(impact && 'options' in impact ? impact.options.map((o) => o.label) : []).toEqual(['Many people or a whole site', 'A team or department', 'One person']);
  });

  it('shows priority and targets in the reporter\'s zone before anything is raised', async () => {
    const { confirmation } = await draftIncident(h, as('Emily'), { service: 'vpn', impact: 'medium', urgency: 'medium' });
    // P3 on the 24x7 VPN: respond within 4 hours, resolve within 24 hours; Emily works in New York (EST).
    expect(textOf(confirmation)).toContain('Priority P3 moderate: the team aims to respond within 4 hours (by Mon 2 Mar, 08:00 EST)');
    expect(textOf(confirmation)).toContain('resolve it within 24 hours (by Tue 3 Mar, 04:00 EST)');
    expect(buttonsOf(confirmation).map((b) => b.label)).toEqual(['Raise the incident', 'Edit', 'Cancel']);
    expect(await incidents().countDocuments({})).toBe(0);
  });

  it('raises INC-000001 with the record, the audit event, the receipt and the team card', async () => {
    const id = await reportIncident(h, as('Hannah'), { summary: '  VPN drops every few minutes  ', service: 'vpn' });
    expect(id).toBe('INC-000001');
    const record = await incidents().findOne({ id });
    expect(record).toMatchObject({
      id,
      summary: 'VPN drops every few minutes',
      service: 'vpn',
      team: 'network-security',
      impact: 'medium',
      urgency: 'medium',
      priority: 'P3',
      status: 'new',
      clause: '8.6.1',
      channel: 'webchat',
      reporter: { id: 'hannah-wright', name: 'Hannah Wright', channel: 'webchat' },
      sla: { respondBy: new Date('2026-03-02T13:00:00Z'), resolveBy: new Date('2026-03-03T09:00:00Z') },
    });
    const cards = (record!.messages as Array<{ purpose: string; conversationId: string }>).filter((m) => m.purpose === 'team-card');
    expect(cards.map((c) => c.conversationId).sort()).toEqual(['daniel-hughes', 'marcus-reed', 'nina-kowalski']);
    const events = await h.services.audit.listForRecord('incident', id);
    expect(events.map((e) => e.action)).toEqual(['incident.created', 'incident.team_notified']);
    expect(events[0]).toMatchObject({ actor: { id: 'hannah-wright', channel: 'webchat' }, clause: '8.6.1', after: { status: 'new', priority: 'P3' } });
    const card = h.webchat.to('nina-kowalski')[0]!.message;
    expect(textOf(card)).toContain('INC-000001 · P3 moderate');
    expect(buttonsOf(card).map((b) => b.label)).toEqual(['Take', 'Assign…', 'Update', 'Resolve…']);
  });

  it('tells the reporter the number, priority, targets and what happens next', async () => {
    const { confirmation } = await draftIncident(h, as('Hannah'));
    const outcome = await h.send({ type: 'action', action: button(confirmation, 'submit').action, value: button(confirmation, 'submit').value! }, as('Hannah'));
    expect(textOf(first(outcome))).toMatch(/INC-000001 raised[\s\S]*priority P3 moderate[\s\S]*Network & Security aim to respond within 4 hours \(by Mon 2 Mar, 13:00 GMT\)[\s\S]*What happens next/);
    expect(textOf(outcome.update)).toBe('Raised as INC-000001.');
  });

  it('refuses empty, whitespace-only and over-long summaries and unknown choices, field by field', async () => {
    const opened = await h.send({ type: 'command', command: 'inc', args: '' }, as('Hannah'));
    const form = first(opened)!.form!;
    const submit = (values: Record<string, string>) =>
      h.send({ type: 'submit', form: form.id, state: form.state!, values: { service: 'vpn', impact: 'low', urgency: 'low', ...values } }, as('Hannah'));
    expect((await submit({ summary: '' })).errors).toEqual({ summary: 'Say in a few words what is wrong.' });
    expect((await submit({ summary: '   \n ' })).errors).toEqual({ summary: 'Say in a few words what is wrong.' });
    expect((await submit({ summary: 'x'.repeat(151) })).errors?.summary).toMatch(/150 characters \(it has 151\)/);
    expect((await submit({ summary: 'x'.repeat(150) })).errors).toBeUndefined();
    expect((await submit({ summary: 'VPN', service: 'teleporter' })).errors).toEqual({ service: 'That is not a service I know; pick one from the list.' });
    expect((await submit({ summary: 'VPN', impact: '{"$gt":""}', urgency: 'sometime' })).errors).toEqual({
      impact: 'Pick who is affected from the list.',
      urgency: 'Pick how badly work is affected from the list.',
    });
    expect(await incidents().countDocuments({})).toBe(0);
  });

  it('raises one incident when the confirmation is pressed twice, at once or later', async () => {
    const { confirmation } = await draftIncident(h, as('Hannah'));
    const submit = button(confirmation, 'submit');
    const press = () => h.send({ type: 'action', action: submit.action, value: submit.value! }, as('Hannah'));
    const [a, b] = await Promise.all([press(), press()]);
    const later = await press();
    expect(await incidents().countDocuments({})).toBe(1);
    const texts = [a, b, later].map((o) => textOf(first(o)));
    expect(texts.filter((t) => t.includes('INC-000001 raised'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('You already raised this one: it is INC-000001'))).toHaveLength(2);
    expect(h.webchat.to('nina-kowalski')).toHaveLength(1);
  });

  it('ignores a redelivered submission (same delivery id)', async () => {
    const { confirmation } = await draftIncident(h, as('Hannah'));
    const submit = button(confirmation, 'submit');
    const event = { type: 'action' as const, action: submit.action, value: submit.value!, deliveryId: 'delivery-1' };
    await h.send(event, as('Hannah'));
    const again = await h.send(event, as('Hannah'));
    expect(again.duplicate).toBe(true);
    expect(await incidents().countDocuments({})).toBe(1);
  });

  it('raises nothing from a stale confirmation: state gone, or replaced by a newer report', async () => {
    const { confirmation } = await draftIncident(h, as('Hannah'));
    await h.send({ type: 'command', command: 'incident', args: 'something else' }, as('Hannah'));
    const stale = await h.send({ type: 'action', action: button(confirmation, 'submit').action, value: button(confirmation, 'submit').value! }, as('Hannah'));
    expect(textOf(first(stale))).toMatch(/no longer current.*raised nothing/);
    const forged = await h.send({ type: 'action', action: 'report-incident:submit', value: 'not-a-draft' }, as('Hannah'));
    expect(textOf(first(forged))).toMatch(/raised nothing/);
    expect(await incidents().countDocuments({})).toBe(0);
  });

  it('says so when a used details form comes back, and raises nothing new', async () => {
    const { form, confirmation } = await draftIncident(h, as('Hannah'));
    await h.send({ type: 'action', action: button(confirmation, 'submit').action, value: button(confirmation, 'submit').value! }, as('Hannah'));
    const values = { summary: 'VPN drops', service: 'vpn', impact: 'low', urgency: 'low' };
    const replay = await h.send({ type: 'submit', form: form.id, state: form.state!, values }, as('Hannah'));
    expect(textOf(first(replay))).toBe('That form was already used to raise INC-000001. To report something else, type incident.');
    expect(await incidents().countDocuments({})).toBe(1);
  });

  it('keeps the draft through Edit, and Cancel forgets it', async () => {
    const { confirmation } = await draftIncident(h, as('Hannah'), { summary: 'Label printer jams' , service: 'printing' });
    const edit = await h.send({ type: 'action', action: button(confirmation, 'edit').action, value: button(confirmation, 'edit').value! }, as('Hannah'));
    const form = first(edit)!.form!;
    expect(form.state).toBe(button(confirmation, 'edit').value);
    expect(form.inputs.find((i) => i.name === 'summary')).toMatchObject({ initial: 'Label printer jams' });
    const cancelled = await h.send({ type: 'action', action: button(confirmation, 'cancel').action, value: button(confirmation, 'cancel').value! }, as('Hannah'));
    expect(textOf(first(cancelled))).toBe('Cancelled: nothing was raised.');
    const after = await h.send({ type: 'action', action: button(confirmation, 'submit').action, value: button(confirmation, 'submit').value! }, as('Hannah'));
    expect(textOf(first(after))).toMatch(/raised nothing/);
  });

  it('records "on behalf of" as the organisation\'s person when it names one', async () => {
    const id = await reportIncident(h, as('Jamie'), { onBehalfOf: 'claire.dubois@northwind-logistics.example', service: 'printing', summary: 'Printer on floor 2 is offline' });
    expect(await incidents().findOne({ id })).toMatchObject({ onBehalfOf: { id: 'claire-dubois', name: 'Claire Dubois' }, reporter: { id: 'jamie-cole' } });
  });

  it('offers similar open incidents on the service, and joining records the person as affected', async () => {
    const id = await reportIncident(h, as('Hannah'), { summary: 'VPN keeps disconnecting every few minutes', service: 'vpn' });
    await reportIncident(h, as('Hannah'), { summary: 'Payroll export fails', service: 'payroll' });
    const { confirmation } = await draftIncident(h, as('Raj'), { summary: 'vpn disconnects all the time', service: 'vpn' });
    expect(textOf(confirmation)).toContain('Is it one of these?');
    expect(buttonsOf(confirmation).filter((b) => b.action === 'report-incident:join').map((b) => b.value)).toEqual([id]);
    const joined = await h.send({ type: 'action', action: 'report-incident:join', value: id }, as('Raj'));
    expect(textOf(first(joined))).toContain(`You are now recorded as affected by ${id}`);
    expect(await incidents().findOne({ id })).toMatchObject({ affected: [{ id: 'raj-patel', name: 'Raj Patel' }] });
    const events = await h.services.audit.listForRecord('incident', id);
    expect(events.at(-1)).toMatchObject({ action: 'incident.affected_added', actor: { id: 'raj-patel' }, after: { affected: ['raj-patel'] } });
    expect(h.webchat.updated.length).toBeGreaterThan(0);
    // Joining something not offered (a forged button) changes nothing.
    const forged = await h.send({ type: 'action', action: 'report-incident:join', value: 'INC-000002' }, as('Raj'));
    expect(textOf(first(forged))).toMatch(/raised nothing/);
    expect(await incidents().findOne({ id: 'INC-000002' })).toMatchObject({ affected: [] });
  });

  it('creates nothing when the store fails half-way, and a retry then raises it (the number may skip)', async () => {
    const { confirmation } = await draftIncident(h, as('Hannah'));
    const submit = button(confirmation, 'submit');
    // The record is written, then the audit append fails: the record must not stay behind.
    const append = h.services.audit.append;
    h.services.audit.append = async () => {
      h.services.audit.append = append;
      throw new Error('disk full');
    };
    const failed = await h.send({ type: 'action', action: submit.action, value: submit.value! }, as('Hannah'));
    expect(textOf(first(failed))).toMatch(/nothing was saved/);
    expect(await incidents().countDocuments({})).toBe(0);
    const retried = await h.send({ type: 'action', action: submit.action, value: submit.value! }, as('Hannah'));
    expect(textOf(first(retried))).toMatch(/INC-000002 raised/);
    expect(await incidents().countDocuments({})).toBe(1);
  });
});
