import { FAKE_BOT } from '../../support/fake-slack-api';
import { FORM, interactionBody, JSON_TYPE, slackFixture, slackSignature } from '../../support/slack-requests';
import { messageProblems, viewProblems } from './block-kit-validator';
import { BOB, CLAIRE, PRIYA, SECRET, startSlackRig, textOf, type SlackRig } from './slack-rig';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Resolves once the adapter logged `message` (for things that leave no Web API call behind). */
async function loggedLine(rig: SlackRig, message: string, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!rig.logger.lines.some((line) => line.msg === message)) {
    if (Date.now() - started > timeoutMs) throw new Error(`nothing logged "${message}"`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A DM event from a person, as Slack sends `message.im`. */
function dm(text: string, user = CLAIRE.id, extra: Record<string, unknown> = {}) {
  return { type: 'message', channel_type: 'im', channel: `D${user.slice(1)}`, user, text, ts: `${Date.now() / 1000}`, event_ts: `${Date.now() / 1000}`, ...extra };
}

describe('Slack over HTTP: events, commands and signatures (real Bolt on loopback)', () => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig();
  });
  afterAll(() => rig.close());
  beforeEach(() => {
    rig.fake.reset();
    rig.effects.splice(0);
  });

  /** Web API calls other than the profile lookups every interaction makes. */
  const effectCalls = () => rig.fake.calls.filter((call) => !['auth.test', 'users.info'].includes(call.method));

  it('answers Slack\'s url_verification challenge', async () => {
    const body = JSON.stringify(slackFixture('url_verification'));
    const answer = await rig.post(body, JSON_TYPE);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ challenge: slackFixture<Json>('url_verification').challenge });
  });

  it('refuses unsigned, wrongly signed and stale requests with 401, and does nothing', async () => {
    const body = interactionBody(slackFixture('block_actions', rig.fake.url));
    const command = new URLSearchParams({ ...slackFixture<Record<string, string>>('slash_command', rig.fake.url), command: '/itsm', text: 'help' }).toString();
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    const answers = await Promise.all([
      rig.post(command, FORM, {}),
      rig.post(command, FORM, slackSignature('not-the-secret', command)),
      rig.post(command, FORM, slackSignature(SECRET, command, stale)),
      rig.post(body, FORM, { ...slackSignature(SECRET, body), 'x-slack-signature': 'v0=deadbeef' }),
      rig.post('{broken', JSON_TYPE, {}),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
    expect(rig.fake.calls).toEqual([]);
    expect(rig.effects).toEqual([]);
  });

  it('answers /itsm help through the response URL, ephemeral, in valid Block Kit', async () => {
    const answer = await rig.command('help');
    expect(answer).toEqual({ status: 200, body: '' });
    const [reply] = await rig.fake.waitFor('response_url');
    expect(reply!.params).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(reply!)).toContain('What I can do');
    expect(textOf(reply!)).toContain('/itsm report');
    expect(messageProblems(reply!.params)).toEqual([]);
  });

  it('answers an unknown sub-command, and /itsm alone, with help', async () => {
    await rig.command('frobnicate now');
    await rig.command('');
    const replies = await rig.fake.waitFor('response_url', 2);
    const texts = replies.map(textOf);
    expect(texts.some((text) => text.includes('There is no command `frobnicate`'))).toBe(true);
    expect(texts.some((text) => text.startsWith('What I can do'))).toBe(true);
  });

  it('answers a DM in plain words with chat.postMessage into the DM (recorded payload)', async () => {
    const answer = await rig.post(JSON.stringify(slackFixture('message_im')), JSON_TYPE);
    expect(answer.status).toBe(200);
    const [posted] = await rig.fake.waitFor('chat.postMessage');
    expect(posted!.params).toMatchObject({ channel: 'D0ALICEDM01' });
    expect(posted!.token).toBe('xoxb-test-token');
    expect(textOf(posted!)).toContain('What I can do');
  });

  it('answers an app mention in its thread, without the mention (recorded payload)', async () => {
    await rig.post(JSON.stringify(slackFixture('app_mention')), JSON_TYPE);
    const [posted] = await rig.fake.waitFor('chat.postMessage');
    expect(posted!.params).toMatchObject({ channel: 'C0123SUPPORT', thread_ts: '1700000300.000400' });
    expect(textOf(posted!)).toContain('I did not understand _what is the status of ticket 42?_');
    const saved = await rig.harness.services.addresses.getConversation('slack', 'C0123SUPPORT');
    expect(saved?.address).toEqual({ conversationId: 'C0123SUPPORT' });
  });

  it('gives a retried event (same event_id, X-Slack-Retry-Num) no second effect', async () => {
    await rig.event(dm('echo once'), { eventId: 'Ev0RETRY0001' });
    await rig.fake.waitFor('chat.postMessage');
    const retry = await rig.event(dm('echo once'), { eventId: 'Ev0RETRY0001', headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    await loggedLine(rig, 'a redelivery: answered the first time, nothing said again');
    expect(rig.effects).toEqual(['command:echo:once']);
    expect(rig.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('ignores the bot\'s own messages, other bots, edits and empty events', async () => {
    await rig.event(dm('echo from a bot', CLAIRE.id, { bot_id: 'B0OTHER' }));
    await rig.event(dm('echo mine', FAKE_BOT.userId));
    await rig.event(dm('echo edited', CLAIRE.id, { subtype: 'message_changed' }));
    await rig.event({ type: 'message', channel_type: 'channel', channel: 'C0123SUPPORT', user: CLAIRE.id, text: 'echo channel', ts: '1.1' });
    await rig.event(dm('echo real'));
    await rig.fake.waitFor('chat.postMessage');
    expect(rig.effects).toEqual(['command:echo:real']);
  });

  it('shows <!channel>, <!here>, mentions and forged links a person typed, instead of executing them', async () => {
    // Slack escapes <, > and & in what people type; a literal typed "@here" arrives as <!here>.
    await rig.command('echo &lt;!channel&gt; <!here> &lt;@U0BOB00001&gt; &lt;https://evil.example|your bank&gt; &amp;');
    await rig.event(dm('echo &lt;!channel&gt; <!here> <https://evil.example|your bank>'));
    const [reply] = await rig.fake.waitFor('response_url');
    const [posted] = await rig.fake.waitFor('chat.postMessage');
    for (const call of [reply!, posted!]) {
      const text = textOf(call);
      expect(text).toContain('You said: &lt;!channel&gt;');
      expect(text).not.toMatch(/<!|<https:|<@U0BOB/);
    }
    expect(textOf(reply!)).toContain('&lt;https://evil.example|your bank&gt; &amp;');
    expect(textOf(posted!)).toContain('@here your bank');
  });

  it('knows people by Slack id, else by e-mail, else by their Slack profile, and remembers where to reach them', async () => {
    await rig.event(dm('echo a'));
    await rig.event(dm('echo b', PRIYA.id));
    await rig.event(dm('echo c', BOB.id));
    const posted = await rig.fake.waitFor('chat.postMessage', 3);
    const texts = posted.map(textOf).join('\n');
    // Listed people are mentioned natively; Bob, unlisted, by the name on his profile.
    expect(texts).toContain('You said: a (<@U0UJZDE8GXD>)');
    const priyaSlackId = rig.harness.services.people.person('priya-shah')!.slackUserId;
    expect(texts).toContain(`You said: b (<@${priyaSlackId}>)`);
    expect(texts).toContain('You said: c (Bob)');
    const claire = await rig.harness.services.addresses.get('claire-dubois', 'slack');
    expect(claire?.address).toEqual({ userId: CLAIRE.id, teamId: FAKE_BOT.teamId, dmChannel: `D${CLAIRE.id.slice(1)}` });
    expect(await rig.harness.services.addresses.get('slack:U0BOB00001', 'slack')).not.toBeNull();
  });

  it('publishes the App Home when it is opened', async () => {
    await rig.event({ type: 'app_home_opened', user: CLAIRE.id, channel: 'D0UJZDE8GXD', tab: 'home', event_ts: '1700000500.1' });
    const [published] = await rig.fake.waitFor('views.publish');
    const params = published!.params as Json;
    expect(params.user_id).toBe(CLAIRE.id);
    expect(params.view.type).toBe('home');
    expect(textOf(published!)).toContain('Open incidents of Claire Dubois');
    expect(textOf(published!)).toContain('What I can do');
    expect(viewProblems(params.view)).toEqual([]);
  });

  it('logs an unexpected failure once, with a reference, and tells the person that reference', async () => {
    rig.fake.failNext('views.publish', 'internal_error');
    await rig.event({ type: 'app_home_opened', user: CLAIRE.id, channel: 'D0UJZDE8GXD', tab: 'home', event_ts: '1700000600.1' });
    const [told] = await rig.fake.waitFor('chat.postMessage');
    const reference = /quote reference (\w+)\./.exec(String((told!.params as Json).text))?.[1];
    expect(reference).toMatch(/^[0-9a-f]{8}$/);
    const logged = rig.logger.lines.filter((line) => line.level === 'error' && (line.obj as Json).reference === reference);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.obj).toMatchObject({ slackError: 'internal_error', eventType: 'app_home_opened' });
  });

  it('answers bad input with a 4xx at once, never a 500, and stores nothing', async () => {
    const sign = (body: string) => slackSignature(SECRET, body);
    const foreignApp = JSON.stringify({ ...slackFixture<Json>('message_im'), api_app_id: 'A0SOMEONEELSE' });
    const foreignTeam = JSON.stringify({ ...slackFixture<Json>('message_im'), team_id: 'T0OTHER', authorizations: [{ team_id: 'T0OTHER', is_enterprise_install: false }] });
    const otherCommand = new URLSearchParams({ ...slackFixture<Record<string, string>>('slash_command', rig.fake.url) }).toString();
    const cases: Array<[string, string]> = [
      ['{not json', JSON_TYPE],
      [JSON.stringify({ hello: 'world' }), JSON_TYPE],
      ['payload=%7Bbroken', FORM],
      [interactionBody({ type: 'shortcut', callback_id: 'nobody' }), FORM],
      [otherCommand, FORM],
      [foreignApp, JSON_TYPE],
      [foreignTeam, JSON_TYPE],
    ];
    const records = rig.harness.services.store.collection('idempotency');
    const before = await records.countDocuments({});
    const answers = await Promise.all(cases.map(([body, type]) => rig.post(body, type, sign(body))));
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400, 403, 403]);
    expect(effectCalls()).toEqual([]);
    expect(rig.effects).toEqual([]);
    expect(await records.countDocuments({})).toBe(before);
  });
});
