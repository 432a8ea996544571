import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CardElement } from '../../../adapters/teams/adaptive-card.types';
import { FOREIGN_TEXT, TAMPERED_TEXT } from '../../../adapters/teams/card-actions';
import { textMessage } from '../../../src/engine/message';
import { actionsOf, cardsOf, cardText, startTeamsRig, type TeamsRig } from './teams-harness';

const ALICE_AAD = 'c3d4e5f6-a7b8-49c0-8d1e-2f3a4b5c6d7e';
const ALICE_CHANNEL_ID = '29:1Xq9yZ0aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789AbCdEfGhIjKlMnOpQrStUvWxYz-AbCdEfGhIjKlMn';

describe('Teams adapter, end to end (Emulator mode, real CloudAdapter, fake Bot Connector)', () => {
  let rig: TeamsRig;
  beforeAll(async () => {
    rig = await startTeamsRig();
  });
  afterAll(() => rig.close());
  beforeEach(() => rig.connector.reset());

  /** Sends `text` in Alice's personal chat and returns the reply card. */
  async function say(text: string, overrides: Record<string, unknown> = {}) {
    const activity = rig.activity('message', { text, ...overrides });
    const answer = await rig.post(activity);
    expect(answer.status).toBe(200);
    const reply = await rig.connector.waitFor((call) => call.kind === 'reply' && call.activityId === activity.id);
    return { activity, reply, card: cardsOf(reply)[0]! };
  }

  /** Opens the report form in a personal chat; returns its card, the activity id Teams gave it and its actions. */
  async function openForm() {
    const { reply, card } = await say('incident VPN down');
    const submit = actionsOf(card).find((action) => action.title === 'Report')!;
    return { card, cardActivityId: reply.answeredId!, submit };
  }

  function execute(verb: string, data: Record<string, unknown>, replyToId: string, overrides: Record<string, unknown> = {}) {
    return rig.activity('invoke_action_execute', {
      replyToId,
      value: { action: { type: 'Action.Execute', title: 'x', verb, data }, trigger: 'manual' },
      ...overrides,
    });
  }

  it('answers help in a personal chat, as a reply card', async () => {
    rig.connector.setMember(ALICE_CHANNEL_ID, { id: ALICE_CHANNEL_ID, name: 'Alice Example', email: 'alice@contoso.example' });
    const { activity, reply, card } = await say('help');
    expect(reply.conversationId).toBe(activity.conversation.id);
    expect(reply.body).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive' }] });
    expect(cardText(card)).toContain('What I can do');
    expect(cardText(card)).toContain('echo \\<words>');
  });

  it('answers plain words it does not understand with help', async () => {
    const { card } = await say('hello bot');
    expect(cardText(card)).toContain('I did not understand _hello bot_');
  });

  it('strips the bot’s @mention in a channel and answers in the thread', async () => {
    const activity = rig.activity('message_channel_mention', { text: '<at>HelpBot</at> echo printer on fire' });
    expect((await rig.post(activity)).status).toBe(200);
    const reply = await rig.connector.waitFor((call) => call.kind === 'reply' && call.activityId === activity.id);
    expect(reply.conversationId).toBe(activity.conversation.id);
    expect(rig.effects).toContain('command:echo:printer on fire');
    const saved = await rig.harness.services.addresses.getConversation('teams', '19:3f1c5e7a9b2d4f6a8c0e2b4d6f8a0c2e@thread.tacv2');
    expect(saved?.address).toMatchObject({ conversation: { id: '19:3f1c5e7a9b2d4f6a8c0e2b4d6f8a0c2e@thread.tacv2' } });
  });

  it('knows the sender by their Teams profile when the organisation file does not list them', async () => {
    rig.connector.setMember(ALICE_CHANNEL_ID, { id: ALICE_CHANNEL_ID, name: 'Alice Example', email: 'alice@contoso.example' });
    const { card } = await say('echo hi');
    expect(cardText(card)).toContain('echo hi from Alice Example');
    const address = await rig.harness.services.addresses.get(`teams:${ALICE_AAD}`, 'teams');
    expect(address?.address).toMatchObject({ conversation: { conversationType: 'personal' }, serviceUrl: rig.connector.serviceUrl });
  });

  it('maps a listed person by AAD object id without asking the connector', async () => {
    const from = { id: '29:tom', name: 'T', aadObjectId: 'F28C105D-1FB1-4C23-90C1-92CFD3AC94AF' };
    const { card } = await say('echo hello', { from });
    expect(cardText(card)).toContain('echo hello from Tom Okafor');
    expect(rig.connector.calls.some((call) => call.kind === 'member')).toBe(false);
    expect(await rig.harness.services.addresses.get('tom-okafor', 'teams')).not.toBeNull();
  });

  it('maps a listed person by the e-mail Teams gives for them', async () => {
    rig.connector.setMember('29:priya', { id: '29:priya', name: 'Priya S', email: 'Priya.Shah@northwind-logistics.example' });
    const { card } = await say('echo hey', { from: { id: '29:priya', name: 'Priya S', aadObjectId: '00000000-0000-4000-8000-000000000001' } });
    expect(cardText(card)).toContain('from Priya Shah');
  });

  it('gives the same activity delivered twice a single effect and a single reply', async () => {
    const activity = rig.activity('message', { text: 'echo once' });
    expect((await rig.post(activity)).status).toBe(200);
    expect((await rig.post(activity)).status).toBe(200);
    expect(rig.effects.filter((effect) => effect === 'command:echo:once')).toHaveLength(1);
    expect(rig.connector.delivered().filter((call) => call.activityId === activity.id)).toHaveLength(1);

    // Teams message ids are timestamps: the same id in another conversation is another message.
    const elsewhere = rig.activity('message', { id: activity.id, text: 'echo once', conversation: { ...activity.conversation, id: 'a:another-chat' } });
    expect((await rig.post(elsewhere)).status).toBe(200);
    expect(rig.effects.filter((effect) => effect === 'command:echo:once')).toHaveLength(2);
  });

  it('submits a form through Action.Execute and answers with a read-only confirmation card', async () => {
    const { card, cardActivityId, submit } = await openForm();
    expect(cardText(card)).toContain('Tell us what is wrong.');
    const inputs = card.body.filter((element) => String(element.type).startsWith('Input.')).map((element) => element.id);
    expect(inputs).toEqual(['summary', 'details', 'impact', 'services', 'since__date', 'since__time', 'urgent']);

    const values = { summary: 'VPN down', impact: 'high', services: 'vpn', since__date: '2026-03-02', since__time: '08:15', urgent: 'true' };
    const answer = await rig.post(execute(submit.verb!, { ...submit.data, ...values }, cardActivityId));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const confirmation = answer.body.value;
    expect(cardText(confirmation)).toContain('Report an incident');
    expect(cardText(confirmation)).toContain('Impact: Many people');
    expect(cardText(confirmation)).toContain('Since: 2026-03-02T08:15');
    expect(actionsOf(confirmation)).toEqual([]);
    expect(rig.effects).toContain('submit:report:draft-1');
    expect(rig.effects.filter((effect) => effect.startsWith('created:'))).toHaveLength(1);
    const created = rig.effects.find((effect) => effect.startsWith('created:'))!;
    expect(JSON.parse(created.split(':').slice(2).join(':'))).toEqual({ summary: 'VPN down', impact: 'high', services: ['vpn'], since: '2026-03-02T08:15', urgent: true });
    const logged = await rig.connector.waitFor((call) => cardText(cardsOf(call)[0]).includes('Logged INC-'));
    expect(logged.conversationId).toBeDefined();

    // The same card submitted again (a stale copy, a second device): the confirmation, and no second record.
    const again = await rig.post(execute(submit.verb!, { ...submit.data, ...values, summary: 'VPN down again' }, cardActivityId));
    expect(again.status).toBe(200);
    expect(cardText(again.body.value)).toContain('This form is closed');
    expect(rig.effects.filter((effect) => effect.startsWith('created:'))).toHaveLength(1);
  });

  it('creates one record when the same form is submitted twice at once', async () => {
    const { cardActivityId, submit } = await openForm();
    const before = rig.effects.filter((effect) => effect.startsWith('created:')).length;
    const answers = await Promise.all(
      [1, 2].map(() => rig.post(execute(submit.verb!, { ...submit.data, summary: 'Double click' }, cardActivityId))),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers.every((answer) => actionsOf(answer.body.value).length === 0)).toBe(true);
    expect(answers.every((answer) => cardText(answer.body.value).includes('Summary: Double click'))).toBe(true);
    expect(rig.effects.filter((effect) => effect.startsWith('created:')).length).toBe(before + 1);
  });

  it('shows field errors on the card and keeps the values typed', async () => {
    const { cardActivityId, submit } = await openForm();
    const before = rig.effects.filter((effect) => effect.startsWith('created:')).length;
    const answer = await rig.post(execute(submit.verb!, { ...submit.data, summary: '   ', details: 'since 9 am' }, cardActivityId));
    expect(answer.status).toBe(200);
    const card = answer.body.value;
    expect((card.body as CardElement[]).filter((element) => element.color === 'Attention').map((element) => element.text)).toEqual(['Give the incident a short summary.']);
    expect((card.body as CardElement[]).find((element) => element.id === 'details')!.value).toBe('since 9 am');

    // Half a date-and-time never reaches the flow: Teams shows the two parts as separate inputs.
    const effects = rig.effects.length;
    const half = await rig.post(execute(submit.verb!, { ...submit.data, summary: 'x', since__date: '2026-03-02' }, cardActivityId));
    expect(cardText(half.body.value)).toContain('Since: choose a time as well.');
    expect(rig.effects.length).toBe(effects);

    // Corrected, the same card goes through.
    const fixed = await rig.post(execute(submit.verb!, { ...submit.data, summary: 'Printer jammed' }, cardActivityId));
    expect(actionsOf(fixed.body.value)).toEqual([]);
    expect(rig.effects.filter((effect) => effect.startsWith('created:')).length).toBe(before + 1);
  });

  it('keeps the form open with the flow’s refusal when the flow says no', async () => {
    const { cardActivityId, submit } = await openForm();
    const answer = await rig.post(execute(submit.verb!, { ...submit.data, summary: 'forbidden' }, cardActivityId));
    expect(cardText(answer.body.value)).toContain('Only the service desk can report that.');
    expect(actionsOf(answer.body.value).map((action) => action.title)).toEqual(['Report', 'Cancel']);
  });

  it('refuses a form whose signed data was altered, and stores nothing', async () => {
    const { cardActivityId, submit } = await openForm();
    const token = String(submit.data!.__itsm);
    const effects = rig.effects.length;
    const forged = await rig.post(execute(submit.verb!, { __itsm: `${token.slice(0, -3)}abc`, summary: 'x' }, cardActivityId));
    expect(forged.status).toBe(200);
    expect(cardText(forged.body.value)).toContain(TAMPERED_TEXT);
    const otherVerb = await rig.post(execute('desk:other', { ...submit.data, summary: 'x' }, cardActivityId));
    expect(cardText(otherVerb.body.value)).toContain(TAMPERED_TEXT);
    expect(rig.effects.length).toBe(effects);
  });

  it('answers data that is not from one of its cards with a clear message', async () => {
    const foreign = await rig.post(rig.activity('invoke_action_execute'));
    expect(foreign.status).toBe(200);
    expect(cardText(foreign.body.value)).toContain(FOREIGN_TEXT);

    const submitted = rig.activity('card_submit');
    expect((await rig.post(submitted)).status).toBe(200);
    const update = await rig.connector.waitFor((call) => call.kind === 'update' && call.activityId === submitted.replyToId);
    expect(cardText(cardsOf(update)[0])).toContain(FOREIGN_TEXT);
  });

  it('submits through Action.Submit (clients without Universal Actions) and updates the card in place', async () => {
    const { cardActivityId, submit } = await openForm();
    const before = rig.effects.filter((effect) => effect.startsWith('created:')).length;
    const activity = rig.activity('card_submit', { replyToId: cardActivityId, value: { ...submit.data, summary: 'Mail is slow', impact: 'low' } });
    expect((await rig.post(activity)).status).toBe(200);
    const update = await rig.connector.waitFor((call) => call.kind === 'update' && call.activityId === cardActivityId);
    expect(cardText(cardsOf(update)[0])).toContain('Impact: Just me');
    expect(actionsOf(cardsOf(update)[0])).toEqual([]);
    expect(rig.effects.filter((effect) => effect.startsWith('created:')).length).toBe(before + 1);

    // Pressed again on a client that still shows the old card: no second record.
    await rig.post({ ...activity, id: `${activity.id}-again` });
    expect(rig.effects.filter((effect) => effect.startsWith('created:')).length).toBe(before + 1);
  });

  it('cancels a form: the card says so and nothing is stored', async () => {
    const { card, cardActivityId } = await openForm();
    const cancel = actionsOf(card).find((action) => action.title === 'Cancel')!;
    const effects = rig.effects.length;
    const answer = await rig.post(execute(cancel.verb!, cancel.data!, cardActivityId));
    expect(cardText(answer.body.value)).toContain('Cancelled. Nothing was saved.');
    expect(rig.effects.length).toBe(effects);
  });

  it('runs a button through Action.Execute and refreshes the card with the flow’s update', async () => {
    const { reply, card } = await say('card');
    const take = actionsOf(card).find((action) => action.title === 'Take')!;
    const answer = await rig.post(execute(take.verb!, take.data!, reply.answeredId!));
    expect(answer.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(cardText(answer.body.value)).toContain('INC-000001 taken by Alice Example');

    const ping = actionsOf(card).find((action) => action.title === 'Ping')!;
    const pinged = rig.activity('invoke_action_execute', { replyToId: reply.answeredId, value: { action: { type: 'Action.Execute', verb: ping.verb, data: ping.data } } });
    const pong = await rig.post(pinged);
    expect(pong.body).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Done.' });
    await rig.connector.waitFor((call) => call.activityId === pinged.id && cardText(cardsOf(call)[0]).includes('pong'));
  });

  it('answers invokes it does not handle with the right status', async () => {
    const unknown = await rig.post(rig.activity('invoke_action_execute', { name: 'composeExtension/query' }));
    expect(unknown.status).toBe(501);
    const notExecute = await rig.post(rig.activity('invoke_action_execute', { value: { action: { type: 'Action.Submit' } } }));
    expect(notExecute.status).toBe(400);
    expect(notExecute.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
  });

  it('welcomes a team once, even when Teams delivers the installation again', async () => {
    const install = rig.activity('conversation_update');
    expect((await rig.post(install)).status).toBe(200);
    expect((await rig.post({ ...install, id: `${install.id}-redelivered` })).status).toBe(200);
    const welcomes = rig.connector.delivered().filter((call) => cardText(cardsOf(call)[0]).includes('Hello, I am HelpBot'));
    expect(welcomes).toHaveLength(1);
    expect(cardText(cardsOf(welcomes[0]!)[0])).toContain('@HelpBot help');
    expect(cardText(cardsOf(welcomes[0]!)[0])).toContain('What I can do');
    const saved = await rig.harness.services.addresses.getConversation('teams', install.conversation.id);
    expect(saved?.address).toMatchObject({ conversation: { id: install.conversation.id } });
    expect(saved?.address).not.toHaveProperty('user');
  });

  it('refuses bodies that are not activities with 400, and keeps serving', async () => {
    const { type: _type, ...untyped } = rig.activity('message');
    const noType = await rig.post(untyped);
    expect(noType).toEqual({ status: 400, body: { error: 'not a Bot Framework activity: type is missing' } });
    expect((await rig.post('{not json')).status).toBe(400);
    expect((await rig.post({ ...rig.activity('message'), conversation: {} })).body.error).toContain('conversation.id is missing');
    await say('help');
  });

  it('tells the person a reference when something unexpected fails, and logs it', async () => {
    rig.connector.fail({ status: 403, kinds: ['reply'], times: 1 });
    const activity = rig.activity('message', { text: 'echo boom' });
    expect((await rig.post(activity)).status).toBe(200);
    const apology = await rig.connector.waitFor((call) => call.status < 300 && cardText(cardsOf(call)[0]).includes('quote reference'));
    const reference = /reference (\w+)/.exec(cardText(cardsOf(apology)[0]))![1];
    expect(rig.harness.logger.lines.find((line) => line.msg === 'Teams turn failed')?.obj).toMatchObject({ reference });
  });

  it('sends proactive messages to a saved person and updates them in place', async () => {
    const { activity } = await say('echo remember me');
    const personId = `teams:${ALICE_AAD}`;
    const result = await rig.harness.services.notifier.notify({ person: personId }, textMessage('INC-000009 is yours'), { key: 'proactive-1' });
    expect(result.unreachable).toEqual([]);
    const sent = await rig.connector.waitFor((call) => cardText(cardsOf(call)[0]).includes('INC-000009 is yours'));
    expect(sent.conversationId).toBe(activity.conversation.id);
    expect(['send', 'reply']).toContain(sent.kind);

    const again = await rig.harness.services.notifier.notify({ person: personId }, textMessage('INC-000009 is yours'), { key: 'proactive-1' });
    expect(again.duplicate).toBe(true);

    await rig.harness.services.notifier.update(result.deliveries[0]!.ref, textMessage('INC-000009 resolved'));
    const update = await rig.connector.waitFor((call) => call.kind === 'update' && call.activityId === sent.answeredId);
    expect(cardText(cardsOf(update)[0])).toContain('INC-000009 resolved');
  });

  it('posts to a team’s Teams channel from its saved reference', async () => {
    const team = rig.harness.services.org.teams.find((candidate) => candidate.teamsChannel)!;
    const channel = rig.activity('message_channel_mention', {
      text: '<at>HelpBot</at> echo hi',
      conversation: { isGroup: true, conversationType: 'channel', id: `${team.teamsChannel};messageid=1`, tenantId: 't' },
      channelData: { channel: { id: team.teamsChannel }, team: { id: team.teamsChannel } },
    });
    await rig.post(channel);
    rig.connector.reset();
    await rig.harness.services.notifier.notify({ team: team.id }, textMessage('New P2 for you'), { key: 'team-note-1' });
    const post = await rig.connector.waitFor((call) => cardText(cardsOf(call)[0]).includes('New P2 for you'));
    expect(post.conversationId).toBe(team.teamsChannel);
  });

  it('waits out throttling (429 with Retry-After) within bounds, then gives up', async () => {
    await say('echo throttled');
    const personId = `teams:${ALICE_AAD}`;
    rig.connector.reset();
    rig.connector.fail({ status: 429, headers: { 'retry-after': '0' }, times: 5 });
    const result = await rig.harness.services.notifier.notify({ person: personId }, textMessage('after the storm'), { key: 'throttle-1' });
    expect(result.deliveries).toHaveLength(1);
    expect(rig.connector.calls.filter((call) => call.status === 429)).toHaveLength(5);
    expect(rig.connector.delivered()).toHaveLength(1);

    rig.connector.reset();
    rig.connector.fail({ status: 429, headers: { 'retry-after': '0' }, times: 1_000 });
    await expect(rig.harness.services.notifier.notify({ person: personId }, textMessage('never'), { key: 'throttle-2' })).rejects.toMatchObject({
      code: 'teams_throttled',
      retryAfterMs: 0,
    });
    const attempts = rig.connector.calls.length;
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThanOrEqual(12);
    rig.connector.reset();
  });
});

describe('the Emulator-mode guard', () => {
  it('refuses requests from other machines with 403 when no app id is set', async () => {
    const rig = await startTeamsRig();
    try {
      const req = Object.assign(Readable.from([Buffer.from('{}')]), {
        socket: { remoteAddress: '203.0.113.7' },
        headers: {},
        method: 'POST',
        url: '/api/messages',
      }) as unknown as IncomingMessage;
      const written: { status?: number; body?: string } = {};
      const res = {
        headersSent: false,
        writeHead(status: number) {
          written.status = status;
          return this;
        },
        end(body?: string) {
          written.body = body;
        },
      } as unknown as ServerResponse;
      await rig.adapter.routes[0]!.handle(req, res);
      expect(written.status).toBe(403);
      expect(written.body).toContain('only on this machine');
      expect(rig.harness.logger.lines.some((line) => String(line.msg ?? line.obj).includes('Emulator mode'))).toBe(true);
      expect(rig.adapter.mode).toBe('emulator');
    } finally {
      await rig.close();
    }
  });
});
