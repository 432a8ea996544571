import { webApi } from '@slack/bolt';
import { createPendingForms } from '../../../adapters/slack/pending-forms';
import { createSlackOutbound } from '../../../adapters/slack/slack-outbound';
import { createSlackTransport } from '../../../adapters/slack/slack-transport';
import { textMessage, type Message } from '../../../src/engine/message';
import { messageProblems } from './block-kit-validator';
import { reportForm } from './desk-flow';
import { CLAIRE, startSlackRig, type SlackRig } from './slack-rig';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('Slack proactive messages (the notifier\'s transport)', () => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig();
  });
  afterAll(() => rig.close());
  beforeEach(() => rig.fake.reset());

  it('DMs a person through conversations.open and chat.postMessage, waiting out a 429, once per key', async () => {
    const { notifier, addresses, clock } = rig.harness.services;
    await addresses.save({ personId: 'claire-dubois', channel: 'slack', address: { userId: CLAIRE.id }, now: clock.now() });
    rig.fake.rateLimitNext('chat.postMessage', 1);
    const message = textMessage(['INC-000123 is overdue, ', { person: 'claire-dubois', name: 'Claire' }, ' <!channel>']);

    const sent = await notifier.notify({ person: 'claire-dubois' }, message, { key: 'overdue:INC-000123' });
    expect(sent.duplicate).toBe(false);
    expect(sent.deliveries).toHaveLength(1);
    expect(rig.fake.calls.map((call) => call.method)).toEqual(['conversations.open', 'chat.postMessage', 'chat.postMessage']);
    const posted = rig.fake.callsTo('chat.postMessage')[1]!.params as Json;
    expect(posted.channel).toBe(`D${CLAIRE.id.slice(1)}`);
    expect(posted.blocks[0].text.text).toBe('INC-000123 is overdue, <@U0UJZDE8GXD> &lt;!channel&gt;');

    const again = await notifier.notify({ person: 'claire-dubois' }, message, { key: 'overdue:INC-000123' });
    expect(again).toMatchObject({ duplicate: true });
    expect(rig.fake.callsTo('chat.postMessage')).toHaveLength(2);

    await notifier.update(sent.deliveries[0]!.ref, textMessage('INC-000123 is resolved.'));
    const [updated] = await rig.fake.waitFor('chat.update');
    expect(updated!.params).toMatchObject({ channel: posted.channel, ts: expect.stringMatching(/^\d+\.\d+$/), text: 'INC-000123 is resolved.' });
  });

  it('posts a team\'s notification into the team\'s channel', async () => {
    const team = rig.harness.services.org.teams.find((candidate) => candidate.slackChannel)!;
    const sent = await rig.harness.services.notifier.notify({ team: team.id }, textMessage('New P1 incident'), { key: `p1:${team.id}` });
    expect(sent.deliveries).toEqual([{ to: `slack:${team.slackChannel}`, ref: expect.objectContaining({ channel: 'slack' }) }]);
    expect(rig.fake.callsTo('chat.postMessage')[0]!.params).toMatchObject({ channel: team.slackChannel, text: 'New P1 incident' });
  });

  it('pages long messages, carries an idempotency key as metadata, reopens a lost DM, and sends forms as a button', async () => {
    const client = new webApi.WebClient('xoxb-test-token', { slackApiUrl: rig.fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const logger = rig.logger;
    const now = () => rig.harness.clock.now();
    const transport = createSlackTransport({
      outbound: createSlackOutbound({ client, logger }),
      render: { slackIdOf: () => undefined },
      pendingForms: createPendingForms(rig.harness.services.conversations, now),
      logger,
    });
    const long: Message = { summary: 'Digest', blocks: Array.from({ length: 70 }, (_, i) => ({ kind: 'text' as const, text: `Item ${i}` })), form: reportForm() };
    rig.fake.failNext('chat.postMessage', 'channel_not_found');
    const send = transport.send as (address: Record<string, unknown>, message: Message, extra?: { key?: string }) => ReturnType<typeof transport.send>;
    const ref = await send({ userId: CLAIRE.id, dmChannel: 'D0GONE' }, long, { key: 'digest:2026-03-02' });
    const posts = rig.fake.callsTo('chat.postMessage').map((call) => call.params as Json);
    expect(posts.map((post) => post.channel)).toEqual(['D0GONE', `D${CLAIRE.id.slice(1)}`, `D${CLAIRE.id.slice(1)}`, `D${CLAIRE.id.slice(1)}`]);
    expect(posts[1].metadata).toEqual({ event_type: 'itsm_delivery', event_payload: { key: 'digest:2026-03-02' } });
    expect(posts.slice(1).map((post) => post.blocks.length)).toEqual([50, 20, 2]);
    posts.slice(1).forEach((post) => expect(messageProblems(post)).toEqual([]));
    expect(posts[3].blocks[1].elements[0].action_id).toBe('itsm_open_form');
    expect(JSON.parse(ref.ref)).toEqual({ c: `D${CLAIRE.id.slice(1)}`, ts: expect.any(String) });
    await expect(send({}, long)).rejects.toThrow('a Slack address needs a userId or a conversationId');
  });
});
