import { textMessage, type Message, type MessageRef } from '../../src/engine/message';
import type { RoomSpec, Transport } from '../../src/engine/notifier';
import type { ChannelKind } from '../../src/engine/events';
import { createHarness, type Harness } from '../support/harness';

/** A transport that records what it was asked to send. */
function fakeTransport(channel: ChannelKind, options: { failing?: boolean } = {}) {
  const sent: Array<{ address: Record<string, unknown>; message: Message }> = [];
  const updated: Array<{ ref: MessageRef; message: Message }> = [];
  const transport: Transport = {
    channel,
    reachesConversationsById: channel === 'slack',
    async send(address, message) {
      if (options.failing) throw new Error('channel_not_found');
      sent.push({ address, message });
      return { channel, ref: `${channel}-${sent.length}` };
    },
    async update(ref, message) {
      updated.push({ ref, message });
    },
  };
  return { transport, sent, updated };
}

describe('notifier', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(() => harness.close());

  it('sends to a person where they were last seen, once per idempotency key', async () => {
    const slack = fakeTransport('slack');
    const webchat = fakeTransport('webchat');
    harness.services.notifier.register(slack.transport);
    harness.services.notifier.register(webchat.transport);
    await harness.services.addresses.save({ personId: 'p1', channel: 'slack', address: { user: 'U1' }, now: harness.clock.now() });

    const first = await harness.services.notifier.notify({ person: 'p1' }, textMessage('INC-000001 is yours'), { key: 'inc-1:assigned' });
    const again = await harness.services.notifier.notify({ person: 'p1' }, textMessage('INC-000001 is yours'), { key: 'inc-1:assigned' });

    expect(slack.sent).toEqual([{ address: { user: 'U1' }, message: textMessage('INC-000001 is yours') }]);
    expect(first).toMatchObject({ duplicate: false, deliveries: [{ to: 'p1', ref: { channel: 'slack', ref: 'slack-1' } }] });
    expect(again).toMatchObject({ duplicate: true, deliveries: first.deliveries });
    expect(webchat.sent).toEqual([]);
  });

  it('never sends twice when two replicas race with the same key', async () => {
    const slack = fakeTransport('slack');
    harness.services.notifier.register(slack.transport);
    await harness.services.addresses.save({ personId: 'p1', channel: 'slack', address: { user: 'U1' }, now: harness.clock.now() });
    await Promise.all(Array.from({ length: 20 }, () => harness.services.notifier.notify({ person: 'p1' }, textMessage('hi'), { key: 'race' })));
    expect(slack.sent).toHaveLength(1);
  });

  it('falls back to the web chat inbox for a person with no chat address', async () => {
    const webchat = fakeTransport('webchat');
    harness.services.notifier.register(webchat.transport);
    const result = await harness.services.notifier.notify({ person: 'p2' }, textMessage('overdue'), { key: 'k' });
    expect(webchat.sent[0]?.address).toEqual({ personId: 'p2' });
    expect(result.unreachable).toEqual([]);
  });

  it('reaches a listed person who never used the bot by the platform id the organisation file gives, before the inbox', async () => {
    const slack = fakeTransport('slack');
    slack.transport.addressOfListed = (listed) => (listed.slackUserId ? { userId: listed.slackUserId } : undefined);
    const webchat = fakeTransport('webchat');
    harness.services.notifier.register(slack.transport);
    harness.services.notifier.register(webchat.transport);
    const claire = harness.services.org.people.find((p) => p.id === 'claire-dubois')!;
    expect(claire.slackUserId).toBeDefined();
    await harness.services.notifier.notify({ person: 'claire-dubois' }, textMessage('CHG-000001 waits for you'), { key: 'chg-1:card' });
    expect(slack.sent.map((s) => s.address)).toEqual([{ userId: claire.slackUserId }]);
    expect(webchat.sent).toEqual([]);
    // Staff known only by their chat profile are not in the file: the inbox, as before.
    await harness.services.notifier.notify({ person: 'staff-not-listed' }, textMessage('x'), { key: 'k-unlisted' });
    expect(webchat.sent.map((s) => s.address)).toEqual([{ personId: 'staff-not-listed' }]);
  });

  it('reports who could not be reached when no channel runs', async () => {
    const result = await harness.services.notifier.notify({ person: 'p3' }, textMessage('x'), { key: 'k3' });
    expect(result).toEqual({ deliveries: [], unreachable: ['p3'], duplicate: false });
  });

  it("sends to a team's channel when the team has one on a running platform, else to each member", async () => {
    const team = harness.services.org.teams.find((candidate) => candidate.slackChannel)!;
    const slack = fakeTransport('slack');
    const webchat = fakeTransport('webchat');
    harness.services.notifier.register(webchat.transport);
    const members = await harness.services.notifier.notify({ team: team.id }, textMessage('new P2'), { key: 'team-1' });
    expect(members.deliveries.map((delivery) => delivery.to)).toEqual(team.members);

    harness.services.notifier.register(slack.transport);
    await harness.services.notifier.notify({ team: team.id }, textMessage('new P1'), { key: 'team-2' });
    expect(slack.sent).toEqual([{ address: { conversationId: team.slackChannel }, message: textMessage('new P1') }]);
  });

  it("posts to a Teams channel only once the bot has its conversation saved, and falls back to members", async () => {
    const team = harness.services.org.teams.find((candidate) => candidate.teamsChannel)!;
    const teams = fakeTransport('teams');
    const webchat = fakeTransport('webchat');
    harness.services.notifier.register(teams.transport);
    harness.services.notifier.register(webchat.transport);
    const unsaved = await harness.services.notifier.notify({ team: team.id }, textMessage('new P2'), { key: 'teams-1' });
    expect(teams.sent).toEqual([]);
    expect(unsaved.deliveries.map((delivery) => delivery.to)).toEqual(team.members);

    await harness.services.addresses.saveConversation({ channel: 'teams', conversationId: team.teamsChannel!, address: { reference: 'saved' }, now: harness.clock.now() });
    await harness.services.notifier.notify({ team: team.id }, textMessage('new P1'), { key: 'teams-2' });
    expect(teams.sent).toEqual([{ address: { reference: 'saved' }, message: textMessage('new P1') }]);
  });

  it("tells the members when the team's channel cannot be posted to", async () => {
    const team = harness.services.org.teams.find((candidate) => candidate.slackChannel)!;
    harness.services.notifier.register(fakeTransport('slack', { failing: true }).transport);
    const webchat = fakeTransport('webchat');
    harness.services.notifier.register(webchat.transport);
    const result = await harness.services.notifier.notify({ team: team.id }, textMessage('new P3'), { key: 'slack-gone' });
    expect(result.deliveries.map((delivery) => delivery.to)).toEqual(team.members);
    expect(harness.logger.lines.some((line) => line.level === 'warn')).toBe(true);
  });

  it('posts to one conversation when its platform runs and it is reachable, and skips it otherwise', async () => {
    const teams = fakeTransport('teams');
    const slack = fakeTransport('slack');
    const slackOff = await harness.services.notifier.notify({ conversation: { channel: 'slack', id: 'C0ANNOUNCE1' } }, textMessage('major'), { key: 'conv-1' });
    expect(slackOff).toEqual({ deliveries: [], unreachable: [], duplicate: false });

    harness.services.notifier.register(slack.transport);
    harness.services.notifier.register(teams.transport);
    const bySlackId = await harness.services.notifier.notify({ conversation: { channel: 'slack', id: 'C0ANNOUNCE1' } }, textMessage('major'), { key: 'conv-2' });
    expect(bySlackId.deliveries).toEqual([{ to: 'slack:C0ANNOUNCE1', ref: { channel: 'slack', ref: 'slack-1' } }]);
    expect(slack.sent[0]?.address).toEqual({ conversationId: 'C0ANNOUNCE1' });

    // Teams reaches a channel only once the bot was added to it and its reference saved.
    await harness.services.notifier.notify({ conversation: { channel: 'teams', id: '19:major@thread.tacv2' } }, textMessage('major'), { key: 'conv-3' });
    expect(teams.sent).toEqual([]);
    await harness.services.addresses.saveConversation({ channel: 'teams', conversationId: '19:major@thread.tacv2', address: { reference: 'saved' }, now: harness.clock.now() });
    await harness.services.notifier.notify({ conversation: { channel: 'teams', id: '19:major@thread.tacv2' } }, textMessage('major'), { key: 'conv-4' });
    expect(teams.sent).toEqual([{ address: { reference: 'saved' }, message: textMessage('major') }]);
  });

  describe('openRoom', () => {
    /** A transport that can create rooms, recording what it was asked. */
    function roomTransport(channel: ChannelKind = 'slack') {
      const fake = fakeTransport(channel);
      const rooms: RoomSpec[] = [];
      const transport: Transport = {
        ...fake.transport,
        async createRoom(spec) {
          rooms.push(spec);
          return { conversationId: `C0ROOM${rooms.length}`, address: { conversationId: `C0ROOM${rooms.length}` } };
        },
      };
      return { ...fake, transport, rooms };
    }

    it('returns null when no running platform can create a room', async () => {
      harness.services.notifier.register(fakeTransport('teams').transport);
      harness.services.notifier.register(fakeTransport('webchat').transport);
      expect(await harness.services.notifier.openRoom({ name: 'inc-1', topic: 't', people: [] }, { key: 'room-0' })).toBeNull();
    });

    it('creates the room on the platform that can, invites people by what is known of them, posts the message, once per key', async () => {
      const webchat = fakeTransport('webchat');
      const slack = roomTransport('slack');
      harness.services.notifier.register(webchat.transport);
      harness.services.notifier.register(slack.transport);
      const nina = harness.services.org.people.find((p) => p.id === 'nina-kowalski')!;
      await harness.services.addresses.save({ personId: 'marcus-reed', channel: 'slack', address: { userId: 'U0MARCUS01', dmChannel: 'D0MARCUS01' }, now: harness.clock.now() });

      const spec = { name: 'inc-000001-vpn-down', topic: 'Major incident INC-000001', people: ['nina-kowalski', 'marcus-reed', 'nina-kowalski', 'slack:U0STRANGER'], message: textMessage('INC-000001') };
      const room = await harness.services.notifier.openRoom(spec, { key: 'incident:INC-000001:room' });
      const again = await harness.services.notifier.openRoom(spec, { key: 'incident:INC-000001:room' });

      expect(room).toEqual({ channel: 'slack', conversationId: 'C0ROOM1', address: { conversationId: 'C0ROOM1' }, ref: { channel: 'slack', ref: 'slack-1' } });
      expect(again).toEqual(room);
      expect(slack.rooms).toHaveLength(1);
      expect(slack.rooms[0]).toEqual({
        name: 'inc-000001-vpn-down',
        topic: 'Major incident INC-000001',
        members: [
          { personId: 'nina-kowalski', email: nina.email, slackUserId: nina.slackUserId, teamsAadId: nina.teamsAadId },
          expect.objectContaining({ personId: 'marcus-reed', userId: 'U0MARCUS01', dmChannel: 'D0MARCUS01' }),
        ],
      });
      expect(slack.sent).toEqual([{ address: { conversationId: 'C0ROOM1' }, message: textMessage('INC-000001') }]);
      expect(webchat.sent).toEqual([]);
    });

    it('keeps the room when its first message cannot be posted', async () => {
      const slack = roomTransport('slack');
      harness.services.notifier.register({ ...slack.transport, send: async () => { throw new Error('not_in_channel'); } });
      const room = await harness.services.notifier.openRoom({ name: 'inc-2', topic: 't', people: [], message: textMessage('x') }, { key: 'room-2' });
      expect(room).toEqual({ channel: 'slack', conversationId: 'C0ROOM1', address: { conversationId: 'C0ROOM1' } });
      expect(harness.logger.lines.some((line) => line.level === 'warn')).toBe(true);
    });
  });

  it('updates a message through the transport of its channel', async () => {
    const slack = fakeTransport('slack');
    harness.services.notifier.register(slack.transport);
    await harness.services.notifier.update({ channel: 'slack', ref: 'C1:123.45' }, textMessage('resolved'));
    expect(slack.updated).toEqual([{ ref: { channel: 'slack', ref: 'C1:123.45' }, message: textMessage('resolved') }]);
  });
});
