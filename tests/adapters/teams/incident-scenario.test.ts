import { flows } from '../../../flows';
import type { Flow } from '../../../src/engine/flow';
import { COLLECTIONS } from '../../../src/store/collections';
import type { ConnectorCall } from '../../support/fake-bot-connector';
import { actionsOf, cardsOf, cardText, startTeamsRig, type TeamsRig } from './teams-harness';
import type { Payload } from './teams-fixtures';

/**
 * The incident scenario through Teams, end to end (issue 5): the real registry flows behind the real Teams
 * adapter (Emulator mode, CloudAdapter, shared HTTP server), people from the example organisation known by their
 * AAD object ids, and the fake Bot Connector recording every card the bot sends, answers and updates.
 */

/** People of config/organisation.example.yaml, as Teams sends them, each in their personal chat with the bot. */
const HANNAH = { from: { id: '29:hannah-wright', name: 'Hannah Wright', aadObjectId: 'bfeaa155-1a28-47b3-a4e4-e25a15fc899e' }, chat: 'a:personal-hannah-wright' };
const NINA = { from: { id: '29:nina-kowalski', name: 'Nina Kowalski', aadObjectId: '000f49c8-1a35-4ca0-8d75-985d99c94309' }, chat: 'a:personal-nina-kowalski' };
type Person = typeof HANNAH;

/** The Network & Security channel from the organisation file: the bot was never added to it. */
const NETWORK_CHANNEL = '19:15bd448ff26149edbe4c5ce666c1494e@thread.tacv2';

describe('Teams: an incident from report to closure (registry flows, fake Bot Connector)', () => {
  let rig: TeamsRig;
  beforeAll(async () => {
    rig = await startTeamsRig({ flows: [...flows] as Flow<unknown>[] });
  });
  afterAll(() => rig.close());

  function inChat(person: Person, name: 'message' | 'invoke_action_execute', overrides: Record<string, unknown>): Payload {
    const base = rig.activity(name);
    return { ...base, from: person.from, conversation: { ...base.conversation, id: person.chat }, ...overrides };
  }

  /** A message in the person's personal chat; resolves with the bot's reply. */
  async function say(person: Person, text: string): Promise<ConnectorCall> {
    const activity = inChat(person, 'message', { text });
    expect((await rig.post(activity)).status).toBe(200);
    return rig.connector.waitFor((call) => call.kind === 'reply' && call.activityId === activity.id);
  }

  /** An Action.Execute on the card of `on` (a recorded call), as Teams sends it; resolves with the invoke's answer. */
  async function execute(person: Person, on: ConnectorCall, title: string, inputs: Record<string, unknown> = {}) {
    const action = actionsOf(cardsOf(on)[0]).find((candidate) => candidate.title === title);
    if (!action) throw new Error(`no "${title}" on the card: ${actionsOf(cardsOf(on)[0]).map((a) => a.title).join(', ')}`);
    const activity = inChat(person, 'invoke_action_execute', {
      replyToId: on.answeredId,
      value: { action: { type: 'Action.Execute', title, verb: action.verb, data: { ...action.data, ...inputs } }, trigger: 'manual' },
    });
    const answer = await rig.post(activity);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: 200 });
    return { activity, answer: answer.body };
  }

  /** The first delivered call into `conversation` whose card says `text` (waiting for it when needed). */
  const cardIn = (conversation: string, text: string) =>
    rig.connector.waitFor((call) => call.status < 300 && call.conversationId === conversation && cardText(cardsOf(call)[0]).includes(text));

  /** The first delivered call into `conversation` whose card has a button titled `title`. */
  const buttonIn = (conversation: string, title: string) =>
    rig.connector.waitFor((call) => call.status < 300 && call.conversationId === conversation && actionsOf(cardsOf(call)[0]).some((action) => action.title === title));

  it('is reported by Hannah, taken and resolved by Nina, confirmed by Hannah, and ends closed', async () => {
    // Nina talked to the bot before: her personal chat's reference is saved, so she can be reached proactively.
    const ninaEarlier = await say(NINA, 'help');
    expect(await rig.harness.services.addresses.get('nina-kowalski', 'teams')).not.toBeNull();

    // Hannah reports: the form, prefilled with her words and the service they name.
    const formCall = await say(HANNAH, 'incident VPN keeps dropping');
    const form = cardsOf(formCall)[0]!;
    expect(cardText(form)).toContain('Report an incident');
    expect(form.body.find((element) => element.id === 'summary')).toMatchObject({ type: 'Input.Text', value: 'VPN keeps dropping' });
    expect(form.body.find((element) => element.id === 'service')).toMatchObject({ type: 'Input.ChoiceSet', value: 'vpn' });

    // The details go back through an adaptiveCard/action invoke: the form closes, the confirmation arrives.
    const details = { summary: 'VPN keeps dropping', description: 'Every few minutes since this morning, at home.', service: 'vpn', impact: 'medium', urgency: 'medium', onBehalfOf: '' };
    const submitted = await execute(HANNAH, formCall, 'Next', details);
    expect(actionsOf(submitted.answer.value)).toEqual([]);
    const confirmation = await buttonIn(HANNAH.chat, 'Raise the incident');
    expect(cardText(cardsOf(confirmation)[0])).toContain('Priority **P3 moderate**: the team aims to respond within 4 hours (by Mon 2 Mar, 13:00 GMT)');
    expect(await rig.harness.store.collection(COLLECTIONS.incidents).countDocuments({})).toBe(0);

    // "Raise the incident": the confirmation card says so in place, and the receipt follows.
    const raised = await execute(HANNAH, confirmation, 'Raise the incident');
    expect(cardText(raised.answer.value)).toContain('Raised as INC-000001.');
    expect(actionsOf(raised.answer.value)).toEqual([]);
    const receipt = await cardIn(HANNAH.chat, 'INC-000001 raised');
    expect(cardText(cardsOf(receipt)[0])).toContain('What happens next');

    // The team's channel has no saved reference, so its members hear of it: Nina, the one Teams can reach.
    const teamCard = await cardIn(NINA.chat, 'INC-000001');
    // Proactive: botbuilder posts it against its own continuation activity's id, not against anything Nina sent.
    expect(['send', 'reply']).toContain(teamCard.kind);
    expect(teamCard.activityId).not.toBe(ninaEarlier.activityId);
    expect(actionsOf(cardsOf(teamCard)[0]).map((action) => action.title)).toEqual(['Take', 'Assign…', 'Update', 'Resolve…']);
    expect(rig.connector.calls.some((call) => call.conversationId === NETWORK_CHANNEL)).toBe(false);
    // Marcus and Daniel never talked to the bot in Teams, and no other channel runs here: they cannot be reached.
    expect(rig.harness.logger.lines.find((line) => line.msg === 'recipients unreachable')?.obj).toMatchObject({ unreachable: ['marcus-reed', 'daniel-hughes'] });
    const updatesOfTeamCard = () => rig.connector.calls.filter((call) => call.kind === 'update' && call.activityId === teamCard.answeredId && call.status < 300);

    // Nina takes it: the team card is updated in place (PUT), and Hannah is told in her own chat.
    const taken = await execute(NINA, teamCard, 'Take');
    expect(taken.answer).toMatchObject({ type: 'application/vnd.microsoft.activity.message' });
    expect(updatesOfTeamCard()).toHaveLength(1);
    expect(cardText(cardsOf(updatesOfTeamCard()[0]!)[0])).toContain('Nina Kowalski');
    await cardIn(HANNAH.chat, 'Nina Kowalski');

    // Resolve…: the form comes to Nina's chat; code and notes go back through another invoke.
    await execute(NINA, teamCard, 'Resolve…');
    const resolveForm = await buttonIn(NINA.chat, 'Resolve');
    const resolved = await execute(NINA, resolveForm, 'Resolve', { code: 'fixed', notes: 'Replaced the faulty VPN concentrator port.' });
    expect(actionsOf(resolved.answer.value)).toEqual([]);
    expect(updatesOfTeamCard()).toHaveLength(2);

    // Hannah gets the resolution with the confirm button, and presses it.
    const notice = await cardIn(HANNAH.chat, 'Replaced the faulty VPN concentrator port.');
    expect(actionsOf(cardsOf(notice)[0]).map((action) => action.title)).toEqual(['Yes, it is fixed', 'No, reopen it…']);
    const confirmed = await execute(HANNAH, notice, 'Yes, it is fixed');
    expect(cardText(confirmed.answer.value)).toContain('INC-000001');
    expect(actionsOf(confirmed.answer.value)).toEqual([]);

    // The record is closed, every step audited with the Teams channel, and the team card shows it, in place.
    const record = await rig.harness.store.collection(COLLECTIONS.incidents).findOne({ id: 'INC-000001' });
    expect(record).toMatchObject({
      status: 'closed',
      channel: 'teams',
      service: 'vpn',
      team: 'network-security',
      reporter: { id: 'hannah-wright', channel: 'teams' },
      assignee: { id: 'nina-kowalski' },
      resolution: { code: 'fixed', notes: 'Replaced the faulty VPN concentrator port.', by: { id: 'nina-kowalski' } },
      closure: { how: 'confirmed', by: { id: 'hannah-wright' } },
    });
    const cards = (record!.messages as Array<{ purpose: string; channel: string; conversationId: string }>).filter((m) => m.purpose === 'team-card');
    expect(cards).toEqual([expect.objectContaining({ channel: 'teams', conversationId: 'nina-kowalski' })]);
    const events = await rig.harness.services.audit.listForRecord('incident', 'INC-000001');
    expect(events.map((event) => event.action)).toEqual(['incident.created', 'incident.team_notified', 'incident.taken', 'incident.resolved', 'incident.closed']);
    expect(events.filter((event) => event.actor.id !== 'system').every((event) => event.actor.channel === 'teams')).toBe(true);
    expect(updatesOfTeamCard()).toHaveLength(3);
    const finalCard = cardsOf(updatesOfTeamCard()[2]!)[0];
    expect(cardText(finalCard)).toContain('closed');
    expect(actionsOf(finalCard)).toEqual([]);
    expect(rig.harness.logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('raises the incident through Action.Submit too (clients without Universal Actions), once however often it is pressed', async () => {
    const before = await rig.harness.store.collection(COLLECTIONS.incidents).countDocuments({});
    /**
     * What a client without Action.Execute sends for a card's button: a message carrying the Action.Submit
     * fallback's data (the same signed data as the Execute action's; render-adaptive-card.test.ts checks that).
     */
    async function submitFallback(person: Person, on: ConnectorCall, title: string, inputs: Record<string, unknown> = {}, id?: string) {
      const action = actionsOf(cardsOf(on)[0]).find((candidate) => candidate.title === title)!;
      const activity = inChat(person, 'message', { text: undefined, replyToId: on.answeredId, value: { ...action.data, ...inputs }, ...(id ? { id } : {}) });
      expect((await rig.post(activity)).status).toBe(200);
      return activity;
    }

    const mark = rig.connector.calls.length;
    const formCall = await say(HANNAH, 'incident Payroll export fails');
    const details = { summary: 'Payroll export fails', description: '', service: 'payroll', impact: 'low', urgency: 'low', onBehalfOf: '' };
    await submitFallback(HANNAH, formCall, 'Next', details);
    // This report's confirmation, not the one from the scenario above.
    const confirmation = await rig.connector.waitFor(
      (call) => rig.connector.calls.indexOf(call) >= mark && call.status < 300 && call.conversationId === HANNAH.chat && actionsOf(cardsOf(call)[0]).some((action) => action.title === 'Raise the incident'),
    );
    const pressed = await submitFallback(HANNAH, confirmation, 'Raise the incident');
    await cardIn(HANNAH.chat, `INC-${String(before + 1).padStart(6, '0')} raised`);
    await submitFallback(HANNAH, confirmation, 'Raise the incident', {}, `${String(pressed.id)}-again`);
    expect(await rig.harness.store.collection(COLLECTIONS.incidents).countDocuments({})).toBe(before + 1);
  });
});
