import { flows } from '../../../flows';
import type { RecordedCall } from '../../support/fake-slack-api';
import { messageProblems } from './block-kit-validator';
import { buttonClick, startSlackRig, viewSubmission, type SlackRig } from './slack-rig';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const NINA = { id: 'U0ZDMEN2KHV', name: 'nina', realName: 'Nina Kowalski', email: 'nina.kowalski@northwind-logistics.example', tz: 'Europe/Berlin' };
/** The Network & Security channel and the announcement channel of the example organisation file. */
const TEAM_CHANNEL = 'C0YM4L1VFZ3';
const ANNOUNCE = 'C07MAJ0R1NC';

const params = (call: RecordedCall | undefined): Json => call?.params;
const buttonsOf = (call: RecordedCall | undefined): Json[] => (params(call).blocks as Json[]).flatMap((block) => (block.type === 'actions' ? block.elements : []));

/**
 * A P1 reported through the real Bolt adapter becomes a major incident on Slack: a channel of its own
 * (`conversations.create`, a suffix when the name is taken), the team invited, the topic set, the card posted
 * there, the announcement channel told — and a later change posted to both.
 */
describe('Slack: a major incident gets its own channel (real Bolt, fake Web API)', () => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig({ flows: [...flows] });
  });
  afterAll(() => rig.close());

  it('opens #inc-000001-…, invites the team, posts the card there and announces it; a take is posted to both', async () => {
    // An archived channel from an earlier incident numbering keeps the first choice of name.
    rig.fake.takenChannelNames.add('inc-000001-vpn-is-down-in-lyon');
    await rig.command('incident VPN is down in Lyon');
    const [opened] = await rig.fake.waitFor('views.open');
    const view = params(opened).view;
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of view.blocks as Json[]) {
      if (block.type !== 'input') continue;
      const element = block.element;
      if (element.type === 'plain_text_input') values[block.block_id] = { type: element.type, value: element.initial_value ?? 'Nobody in Lyon can connect.' };
      else if (element.type === 'static_select') {
        const high = (element.options as Json[]).find((option) => option.value === 'high');
        values[block.block_id] = { type: element.type, selected_option: element.initial_option ?? high ?? element.options[0] };
      }
    }
    expect((await rig.interact(viewSubmission(view, values))).status).toBe(200);
    const [check] = await rig.fake.waitFor('response_url', 1, (call) => /Check your incident/.test(String(params(call).text)));
    const raise = buttonsOf(check).find((button) => button.style === 'primary');
    await rig.interact(buttonClick({ actionId: raise.action_id, value: raise.value, ephemeral: true, responseUrl: rig.fake.responseUrl('check') }));

    // The channel: the taken name gets a suffix; lower case, Slack's characters only.
    const creates = await rig.fake.waitFor('conversations.create', 2);
    expect(creates.map((call) => params(call).name)).toEqual(['inc-000001-vpn-is-down-in-lyon', 'inc-000001-vpn-is-down-in-lyon-2']);
    expect(params(creates[1]).is_private).toBe('false');
    const room = 'C0NEW00002';
    const [invite] = await rig.fake.waitFor('conversations.invite');
    expect(params(invite).channel).toBe(room);
    // Nina, Marcus and Daniel (the team), Priya and Ana (incident managers), by their Slack ids from the file.
    const slackIdOf = (id: string) => rig.harness.services.people.person(id)!.slackUserId!;
    const invited = ['nina-kowalski', 'marcus-reed', 'daniel-hughes', 'priya-shah', 'ana-silva'].map(slackIdOf);
    expect(String(params(invite).users).split(',').sort()).toEqual(invited.sort());
    const [topic] = await rig.fake.waitFor('conversations.setTopic');
    expect(params(topic)).toMatchObject({ channel: room, topic: 'Major incident INC-000001 (P1 critical): VPN is down in Lyon. Network & Security is working on it.' });
    const [card] = await rig.fake.waitFor('chat.postMessage', 1, (call) => params(call).channel === room);
    expect(String(params(card).text)).toBe('INC-000001 (P1 critical, new): VPN is down in Lyon');
    expect(buttonsOf(card).map((button) => button.text.text)).toContain('Take');

    const [announcement] = await rig.fake.waitFor('chat.postMessage', 1, (call) => params(call).channel === ANNOUNCE);
    expect(String(params(announcement).text)).toMatch(/^Major incident INC-000001: VPN is down in Lyon \(P1 critical, Remote access \(VPN\)\)$/);
    expect(buttonsOf(announcement)).toEqual([]);
    const stored = await rig.harness.store.collection('incidents').findOne({ id: 'INC-000001' });
    expect(stored).toMatchObject({ major: true });
    expect(stored!.messages).toContainEqual(expect.objectContaining({ channel: 'slack', conversationId: room, purpose: 'major-room' }));

    // Nina takes it from the card in the new channel: the change is posted there and announced.
    rig.fake.users.set(NINA.id, NINA);
    const take = buttonsOf(card).find((button) => button.text.text === 'Take');
    await rig.interact(buttonClick({ actionId: take.action_id, value: take.value, user: NINA.id, channel: room, ts: String(params(card).ts ?? '1700009999.000100'), responseUrl: rig.fake.responseUrl('take') }));
    await rig.fake.waitFor('chat.postMessage', 1, (call) => params(call).channel === room && /Taken by Nina Kowalski/.test(String(params(call).text)));
    await rig.fake.waitFor('chat.postMessage', 1, (call) => params(call).channel === ANNOUNCE && /Taken by Nina Kowalski/.test(String(params(call).text)));
    // The team channel's card and the room's card are both refreshed in place.
    await rig.fake.waitFor('response_url', 1, (call) => call.path.endsWith('/take'));
    const updates = await rig.fake.waitFor('chat.update', 2);
    expect(updates.map((call) => params(call).channel).sort()).toEqual([room, TEAM_CHANNEL].sort());

    const problems = rig.fake.calls.filter((call) => params(call)?.blocks && call.method !== 'response_url').flatMap((call) => messageProblems(params(call)));
    expect(problems).toEqual([]);
  });
});
