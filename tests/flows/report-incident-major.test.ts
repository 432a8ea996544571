import type { Message, MessageRef } from '../../src/engine/message';
import type { RoomSpec, Transport } from '../../src/engine/notifier';
import { COLLECTIONS } from '../../src/store/collections';
import { createIncidentRepository } from '../../flows/report-incident/incident.repository';
import { relayMajorChange } from '../../flows/report-incident/major-incident';
import { as, button, draftIncident, first, incidentHarness, reportIncident, textOf } from './report-incident.support';

/**
 * Major incidents (clause 8.6.1) through the flow: declared for a major priority or with `major INC-…`, a room
 * opened on a platform that can (a fake Slack here), announcements, every change relayed, and one post-incident
 * review on resolution.
 */

const ANNOUNCE = 'C07MAJ0R1NC';

/** A Slack-like transport that reaches channels by id and can create rooms. */
function fakeSlack() {
  const sent: Array<{ address: Record<string, unknown>; message: Message; ref: string }> = [];
  const updated: Array<{ ref: MessageRef; message: Message }> = [];
  const rooms: RoomSpec[] = [];
  const transport: Transport = {
    channel: 'slack',
    reachesConversationsById: true,
    async send(address, message) {
      const ref = `C:${sent.length + 1}`;
      sent.push({ address, message, ref });
      return { channel: 'slack', ref };
    },
    async update(ref, message) {
      updated.push({ ref, message });
    },
    async createRoom(spec) {
      rooms.push(spec);
      return { conversationId: `C0ROOM00${rooms.length}`, address: { conversationId: `C0ROOM00${rooms.length}` } };
    },
  };
  const into = (conversationId: string) => sent.filter((s) => s.address.conversationId === conversationId).map((s) => textOf(s.message));
  return { transport, sent, updated, rooms, into };
}

type H = Awaited<ReturnType<typeof incidentHarness>>;

describe('report-incident: major incidents', () => {
  let h: H;
  let slack: ReturnType<typeof fakeSlack>;
  beforeEach(async () => {
    h = await incidentHarness();
    slack = fakeSlack();
    h.services.notifier.register(slack.transport);
  });
  afterEach(() => h.close());

  const record = (id: string) => h.services.store.collection<{ id: string; messages: Array<{ purpose: string; messageId: string }> }>(COLLECTIONS.incidents).findOne({ id });
  const actions = async (id: string) => (await h.services.audit.listForRecord('incident', id)).map((e) => e.action);
  const press = (action: string, id: string, who: string) => h.send({ type: 'action', action: `report-incident:${action}`, value: id }, as(who));
  const submitForm = async (action: string, id: string, who: string, values: Record<string, string>) => {
    const form = first(await press(action, id, who))?.form;
    if (!form) throw new Error(`no ${action} form`);
    return h.send({ type: 'submit', form: form.id, state: form.state!, values }, as(who));
  };
  const major = (id: string, who: string) => h.send({ type: 'command', command: 'major', args: id }, as(who));
  const reportP1 = () => reportIncident(h, as('Hannah'), { summary: 'VPN is down for everyone in Lyon!', service: 'vpn', impact: 'high', urgency: 'high' });

  it('declares a P1 major when it is raised: a room with the team invited, the card in it, and an announcement', async () => {
    const id = await reportP1();
    expect(id).toBe('INC-000001');
    const stored = await record(id);
    expect(stored).toMatchObject({ major: true, priority: 'P1' });
    expect(stored!.messages).toContainEqual({ channel: 'slack', conversationId: 'C0ROOM001', messageId: expect.any(String), purpose: 'major-room' });
    expect(await actions(id)).toEqual(['incident.created', 'incident.team_notified', 'incident.major_declared', 'incident.major_room_opened']);
    const declared = (await h.services.audit.listForRecord('incident', id))[2]!;
    expect(declared).toMatchObject({ actor: { id: 'system' }, after: { major: true, reason: 'raised at P1 critical' }, clause: '8.6.1' });

    expect(slack.rooms).toHaveLength(1);
    const room = slack.rooms[0]!;
    expect(room.name).toBe('inc-000001-vpn-is-down-for-everyone-in-lyon');
    expect(room.topic).toBe('Major incident INC-000001 (P1 critical): VPN is down for everyone in Lyon! Network & Security is working on it.');
    const invited = room.members.map((m) => m.personId);
    // The support team and the incident managers.
    expect(invited).toEqual(expect.arrayContaining(['nina-kowalski', 'marcus-reed', 'daniel-hughes', 'priya-shah', 'ana-silva']));
    expect(room.members.find((m) => m.personId === 'nina-kowalski')).toMatchObject({ slackUserId: 'U0ZDMEN2KHV' });
    expect(slack.into('C0ROOM001')).toEqual([expect.stringContaining('INC-000001 · P1 critical · major')]);

    const announced = slack.into(ANNOUNCE);
    expect(announced).toHaveLength(1);
    expect(announced[0]).toContain('Major incident INC-000001');
    expect(announced[0]).toContain('Working on it: Network & Security');
    expect(announced[0]).toContain('Major incident raised at P1 critical.');
  });

  it('does not declare lower priorities by itself, nor twice when the submit is replayed', async () => {
    const p3 = await reportIncident(h, as('Hannah'), { service: 'vpn', impact: 'medium', urgency: 'medium' });
    expect(await record(p3)).toMatchObject({ major: false });
    expect(slack.rooms).toEqual([]);

    const { confirmation } = await draftIncident(h, as('Hannah'), { summary: 'Website down', service: 'website', impact: 'high', urgency: 'high' });
    const submit = button(confirmation, 'submit');
    await h.send({ type: 'action', action: submit.action, value: submit.value! }, as('Hannah'));
    await h.send({ type: 'action', action: submit.action, value: submit.value! }, as('Hannah'));
    expect(slack.rooms).toHaveLength(1);
    expect(slack.into(ANNOUNCE)).toHaveLength(1);
    expect((await actions('INC-000002')).filter((a) => a === 'incident.major_declared')).toHaveLength(1);
  });

  it('`major INC-…` declares it for the support team and incident managers only; others are refused politely', async () => {
    const id = await reportIncident(h, as('Hannah'), { service: 'vpn', impact: 'medium', urgency: 'medium' });
    for (const who of ['Hannah', 'Raj', 'Tom']) {
      expect(textOf(first(await major(id, who)))).toBe(`Sorry, only Network & Security or an incident manager can declare ${id} a major incident. Nothing was changed.`);
    }
    expect(await record(id)).toMatchObject({ major: false });
    expect(textOf(first(await major('', 'Nina')))).toBe('Which incident? Type major followed by its number, e.g. major INC-000123.');
    expect(textOf(first(await major('INC-999999', 'Nina')))).toBe("I can't find INC-999999. Check the number.");

    const declared = await major(id.toLowerCase(), 'Nina');
    expect(textOf(first(declared))).toBe(
      `${id} is now a major incident. A channel was opened for it with the support team invited. Management and staff have been told. A post-incident review will follow its resolution.`,
    );
    expect(await record(id)).toMatchObject({ major: true });
    const event = (await h.services.audit.listForRecord('incident', id)).find((e) => e.action === 'incident.major_declared');
    expect(event).toMatchObject({ actor: { id: 'nina-kowalski' }, after: { reason: 'declared by Nina Kowalski' } });
    expect(slack.into(ANNOUNCE)[0]).toContain('Major incident declared by Nina Kowalski.');

    expect(textOf(first(await major(id, 'Priya')))).toBe(`${id} is already a major incident.`);
    expect(slack.rooms).toHaveLength(1);
  });

  it('lets an incident manager outside the team declare it', async () => {
    const id = await reportIncident(h, as('Hannah'), { service: 'vpn', impact: 'medium', urgency: 'medium' });
    expect(textOf(first(await major(id, 'Priya')))).toMatch(/is now a major incident/);
  });

  it('posts every change to the room and the announcement channel, and raises one post-incident review on resolution', async () => {
    const id = await reportP1();
    await press('take', id, 'Nina');
    await submitForm('update', id, 'Nina', { note: 'The Lyon gateway is rebooting.', status: 'none' });
    await submitForm('resolve', id, 'Nina', { code: 'fixed', notes: 'Replaced the gateway power supply.' });

    const room = slack.into('C0ROOM001');
    expect(room.slice(1)).toEqual([
      expect.stringContaining('Taken by Nina Kowalski.'),
      expect.stringContaining('Update from Nina Kowalski: The Lyon gateway is rebooting.'),
      expect.stringContaining('Resolved (fixed): Replaced the gateway power supply.'),
    ]);
    expect(slack.into(ANNOUNCE).slice(1)).toEqual(room.slice(1));
    // The card in the room is refreshed in place, like the team's.
    const roomCard = (await record(id))!.messages.find((m) => m.purpose === 'major-room');
    expect(slack.updated.some((u) => u.ref.ref === roomCard?.messageId)).toBe(true);

    const reviews = await h.services.store.collection(COLLECTIONS.improvements).find({});
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({
      id: 'IMP-000001',
      source: { kind: 'incident', ref: id },
      type: 'improvement',
      process: 'incident',
      owner: { id: 'priya-shah' },
      status: 'approved',
      clause: '10.2',
      // Resolved on Monday 2 March: five of Priya's working days later.
      targetDate: '2026-03-09',
    });
    const created = await h.services.audit.listForRecord('improvement', 'IMP-000001');
    expect(created.map((e) => e.action)).toEqual(['improvement.created']);
    expect(created[0]).toMatchObject({ after: { source: { kind: 'incident', ref: id }, owner: 'priya-shah' }, clause: '10.2' });
    expect(textOf(h.webchat.to('priya-shah').at(-1)!.message)).toContain(`You own the post-incident review IMP-000001 for major incident ${id}`);

    // A replayed resolution, and a reopen followed by a second resolution, raise no second review.
    await relayMajorChange(h.services, await createIncidentRepository(h.services).get(id));
    await submitForm('reopen', id, 'Hannah', { reason: 'Down again.' });
    await submitForm('resolve', id, 'Nina', { code: 'fixed', notes: 'Replaced the gateway.' });
    expect(await h.services.store.collection(COLLECTIONS.improvements).countDocuments({})).toBe(1);
    expect(h.webchat.to('priya-shah').filter((s) => textOf(s.message).includes('IMP-000001'))).toHaveLength(1);

    await press('confirm', id, 'Hannah');
    expect(slack.into(ANNOUNCE).at(-1)).toContain('Closed by Hannah Wright.');
  });

  it('changes to an incident that is not major go nowhere but the usual places', async () => {
    const id = await reportIncident(h, as('Hannah'), { service: 'vpn', impact: 'medium', urgency: 'medium' });
    await press('take', id, 'Nina');
    expect(slack.into(ANNOUNCE)).toEqual([]);
    expect(await h.services.store.collection(COLLECTIONS.improvements).countDocuments({})).toBe(0);
  });
});

describe('report-incident: major incidents where no platform can open a room', () => {
  it('posts the card to the Teams major-incident channel once its conversation is saved, and changes follow it there', async () => {
    const h = await incidentHarness();
    try {
      const sent: Array<{ address: Record<string, unknown>; message: Message }> = [];
      h.services.notifier.register({
        channel: 'teams',
        async send(address, message) {
          sent.push({ address, message });
          return { channel: 'teams', ref: `teams-${sent.length}` };
        },
        async update() {},
      });
      const { teamsChannel, announce } = h.services.org.majorIncidents;
      const at = (reference: string) => sent.filter((s) => s.address.reference === reference).map((s) => textOf(s.message));

      // Not added to the channel yet: nothing can be posted there, and the incident records no room.
      const earlier = await reportIncident(h, as('Hannah'), { summary: 'Warehouse scanners down', service: 'wms', impact: 'high', urgency: 'high' });
      const incidents = h.services.store.collection<{ id: string; messages: Array<{ purpose: string }> }>(COLLECTIONS.incidents);
      expect((await incidents.findOne({ id: earlier }))!.messages.some((m) => m.purpose === 'major-room')).toBe(false);

      await h.services.addresses.saveConversation({ channel: 'teams', conversationId: teamsChannel!, address: { reference: 'major-channel' }, now: h.clock.now() });
      await h.services.addresses.saveConversation({ channel: 'teams', conversationId: announce.teamsChannel!, address: { reference: 'announce-channel' }, now: h.clock.now() });
      const id = await reportIncident(h, as('Hannah'), { summary: 'Website down', service: 'website', impact: 'high', urgency: 'high' });
      expect(at('major-channel')).toEqual([expect.stringContaining(`${id} · P1 critical · major`)]);
      expect(at('announce-channel')).toEqual([expect.stringContaining(`Major incident ${id}`)]);
      const stored = await h.services.store.collection(COLLECTIONS.incidents).findOne({ id });
      expect(stored!.messages).toContainEqual({ channel: 'teams', conversationId: teamsChannel, messageId: expect.any(String), purpose: 'major-room' });

      await h.send({ type: 'action', action: 'report-incident:take', value: id }, as('Raj'));
      expect(at('major-channel').at(-1)).toContain('Taken by Raj Patel.');
      expect(at('announce-channel').at(-1)).toContain('Taken by Raj Patel.');
    } finally {
      await h.close();
    }
  });
});
