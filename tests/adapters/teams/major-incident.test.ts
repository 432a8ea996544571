import { flows } from '../../../flows';
import type { Flow } from '../../../src/engine/flow';
import { COLLECTIONS } from '../../../src/store/collections';
import type { ConnectorCall } from '../../support/fake-bot-connector';
import { actionsOf, cardsOf, cardText, startTeamsRig, type TeamsRig } from './teams-harness';

/**
 * A major incident on Teams, end to end: Teams creates no channel per incident here, so the card goes to the
 * organisation file's major-incident channel — once the bot was added to it and its conversation reference saved —
 * and the announcement to the announce channel; a later change follows to both.
 */

const HANNAH = { from: { id: '29:hannah-wright', name: 'Hannah Wright', aadObjectId: 'bfeaa155-1a28-47b3-a4e4-e25a15fc899e' }, chat: 'a:personal-hannah-wright' };
const RAJ = { from: { id: '29:raj-patel', name: 'Raj Patel', aadObjectId: 'a8948c89-3b61-4676-a6bb-7dbd2d1c9af0' }, chat: 'a:personal-raj-patel' };
type Person = { from: Record<string, string>; chat: string };

describe('Teams: a major incident is posted to the major-incident and announcement channels', () => {
  let rig: TeamsRig;
  beforeAll(async () => {
    rig = await startTeamsRig({ flows: [...flows] as Flow<unknown>[] });
  });
  afterAll(() => rig.close());

  async function say(person: Person, text: string): Promise<ConnectorCall> {
    const base = rig.activity('message');
    const activity = { ...base, from: person.from, conversation: { ...base.conversation, id: person.chat }, text };
    expect((await rig.post(activity)).status).toBe(200);
    return rig.connector.waitFor((call) => call.kind === 'reply' && call.activityId === base.id);
  }

  async function execute(person: Person, on: ConnectorCall, title: string, inputs: Record<string, unknown> = {}) {
    const action = actionsOf(cardsOf(on)[0]).find((candidate) => candidate.title === title);
    if (!action) throw new Error(`no "${title}" on the card`);
    const base = rig.activity('invoke_action_execute');
    const activity = {
      ...base,
      from: person.from,
      conversation: { ...base.conversation, id: person.chat },
      replyToId: on.answeredId,
      value: { action: { type: 'Action.Execute', title, verb: action.verb, data: { ...action.data, ...inputs } }, trigger: 'manual' },
    };
    const answer = await rig.post(activity);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  const delivered = (conversation: string, text: string) =>
    rig.connector.waitFor((call) => call.status < 300 && call.conversationId === conversation && cardText(cardsOf(call)[0]).includes(text));

  it('sends the card to the saved major-incident channel and the announcement, then the take to both', async () => {
    const { teamsChannel, announce } = rig.harness.services.org.majorIncidents;
    // The bot was added to both channels: their references are saved (as the adapter does on a channel message).
    for (const id of [teamsChannel!, announce.teamsChannel!]) {
      await rig.harness.services.addresses.saveConversation({
        channel: 'teams',
        conversationId: id,
        address: { channelId: 'msteams', serviceUrl: rig.connector.serviceUrl, conversation: { id, conversationType: 'channel', isGroup: true } },
        now: rig.harness.clock.now(),
      });
    }

    const form = await say(HANNAH, 'incident The website is down');
    await execute(HANNAH, form, 'Next', { summary: 'The website is down', description: 'Customers cannot track parcels.', service: 'website', impact: 'high', urgency: 'high', onBehalfOf: '' });
    const confirmation = await rig.connector.waitFor(
      (call) => call.status < 300 && call.conversationId === HANNAH.chat && actionsOf(cardsOf(call)[0]).some((action) => action.title === 'Raise the incident'),
    );
    await execute(HANNAH, confirmation, 'Raise the incident');

    const card = await delivered(teamsChannel!, 'INC-000001 · P1 critical · major');
    expect(actionsOf(cardsOf(card)[0]).map((action) => action.title)).toEqual(['Take', 'Assign…', 'Update', 'Resolve…']);
    const announcement = await delivered(announce.teamsChannel!, 'Major incident INC-000001');
    expect(actionsOf(cardsOf(announcement)[0])).toEqual([]);
    const record = await rig.harness.store.collection(COLLECTIONS.incidents).findOne({ id: 'INC-000001' });
    expect(record).toMatchObject({ major: true });
    expect(record!.messages).toContainEqual(expect.objectContaining({ channel: 'teams', conversationId: teamsChannel, purpose: 'major-room' }));

    // Raj (Business Applications) takes it from the card in the major-incident channel.
    await say(RAJ, 'help');
    await execute(RAJ, card, 'Take');
    await delivered(teamsChannel!, 'Taken by Raj Patel.');
    await delivered(announce.teamsChannel!, 'Taken by Raj Patel.');
  });
});
