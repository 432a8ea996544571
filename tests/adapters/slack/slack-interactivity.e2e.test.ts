import { OPEN_FORM_ACTION } from '../../../adapters/slack/pending-forms';
import type { RecordedCall } from '../../support/fake-slack-api';
import { interactionBody, FORM, slackFixture, slackSignature } from '../../support/slack-requests';
import { messageProblems, viewProblems } from './block-kit-validator';
import { SLOW_MS } from './desk-flow';
import { BOB, buttonClick, CLAIRE, SECRET, startSlackRig, textOf, viewSubmission, type SlackRig } from './slack-rig';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The view the adapter opened last. */
function openedView(rig: SlackRig): Json {
  const opened = rig.fake.callsTo('views.open');
  return (opened[opened.length - 1]!.params as Json).view;
}

/** The "Open the form" button's value in a recorded message. */
function pendingIdIn(call: RecordedCall): string {
  const blocks: Json[] = (call.params as Json).blocks;
  const button = blocks.flatMap((block) => block.elements ?? []).find((element: Json) => element.action_id === OPEN_FORM_ACTION);
  return button.value;
}

describe('Slack over HTTP: buttons and modals (real Bolt on loopback)', () => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig({ tuning: { timings: { submitBudgetMs: SLOW_MS / 2 } } });
  });
  afterAll(() => rig.close());
  beforeEach(() => {
    rig.fake.reset();
    rig.effects.splice(0);
  });

  it('dispatches a button click and updates its message in place with chat.update', async () => {
    const answer = await rig.interact(buttonClick({ actionId: 'desk:take', value: 'INC-1', responseUrl: rig.fake.responseUrl('click') }));
    expect(answer.status).toBe(200);
    const [updated] = await rig.fake.waitFor('chat.update');
    expect(updated!.params).toMatchObject({ channel: 'C0123SUPPORT', ts: '1700000100.000200' });
    expect(textOf(updated!)).toContain('taken by Claire Dubois');
    expect(messageProblems(updated!.params)).toEqual([]);
    // The rendered "Close" button asks first: a Block Kit confirm dialog.
    const close = (updated!.params as Json).blocks.flatMap((block: Json) => block.elements ?? []).find((element: Json) => element.action_id === 'desk:close');
    expect(close.confirm).toMatchObject({ title: { text: 'Close INC-1?' }, confirm: { text: 'Close' }, deny: { text: 'Keep' }, style: 'danger' });
    const [said] = await rig.fake.waitFor('response_url');
    expect(said!.params).toMatchObject({ response_type: 'ephemeral', text: 'You took INC-1.' });
    expect(rig.effects).toEqual([`action:take:INC-1:${JSON.stringify({ c: 'C0123SUPPORT', ts: '1700000100.000200' })}`]);
  });

  it('replaces an ephemeral message through its response URL (it has no ts to update)', async () => {
    await rig.command('card');
    const [card] = await rig.fake.waitFor('response_url');
    expect(messageProblems(card!.params)).toEqual([]);
    await rig.interact(buttonClick({ actionId: 'desk:take', value: 'INC-1', ephemeral: true, responseUrl: rig.fake.responseUrl('ephemeral-card') }));
    const [replaced] = await rig.fake.waitFor('response_url', 1, (call) => call.path.endsWith('/ephemeral-card') && (call.params as Json).replace_original === true);
    expect(textOf(replaced!)).toContain('taken by Claire Dubois');
    expect(rig.fake.callsTo('chat.update')).toEqual([]);
    expect(rig.effects.at(-1)).toContain('"u":"http://127.0.0.1');
  });

  it('answers a button no flow knows with a polite ephemeral message (recorded payload)', async () => {
    const answer = await rig.interact(slackFixture('block_actions', rig.fake.url));
    expect(answer.status).toBe(200);
    const [said] = await rig.fake.waitFor('response_url');
    expect(said!.params).toMatchObject({ response_type: 'ephemeral', text: 'That button is no longer available.' });
    expect(rig.fake.callsTo('chat.update')).toEqual([]);
  });

  it('opens a modal, puts field errors on the right block, then accepts the corrected form once', async () => {
    await rig.command('report');
    const [opened] = await rig.fake.waitFor('views.open');
    const view = openedView(rig);
    expect((opened!.params as Json).trigger_id).toMatch(/^\d+\./);
    expect(view).toMatchObject({ type: 'modal', callback_id: 'desk:report', title: { text: 'Report an incident' } });
    expect(viewProblems(view)).toEqual([]);
    expect(rig.signer.verify(view.private_metadata)).not.toBeNull();

    const refused = await rig.interact(viewSubmission(view, { summary: { type: 'plain_text_input', value: 'x' } }));
    expect(JSON.parse(refused.body)).toEqual({
      response_action: 'errors',
      errors: { summary: 'Give a summary of two characters or more. Also check the rest.' },
    });

    // 09:30 UTC on 2 March is 09:30 in London, Claire's zone in the organisation file.
    const good = viewSubmission(view, {
      summary: { type: 'plain_text_input', value: 'VPN down' },
      impact: { type: 'static_select', selected_option: { value: 'high' } },
      since: { type: 'datetimepicker', selected_date_time: Date.UTC(2026, 2, 2, 9, 30) / 1000 },
      more: { type: 'checkboxes', selected_options: [] },
    });
    const accepted = await rig.interact(good);
    expect(accepted).toEqual({ status: 200, body: '' });
    const again = await rig.interact(good);
    expect(again).toEqual({ status: 200, body: '' });
    const [reply] = await rig.fake.waitFor('response_url', 1, (call) => textOf(call).includes('Recorded'));
    expect(reply!.params).toMatchObject({ response_type: 'ephemeral', text: 'Recorded: VPN down since 2026-03-02T09:30' });
    const submits = rig.effects.filter((effect) => effect.startsWith('submit:report'));
    expect(submits).toEqual([
      'submit:report:step-1:{"summary":"x"}',
      'submit:report:step-1:{"summary":"VPN down","impact":"high","since":"2026-03-02T09:30","more":false}',
    ]);
  });

  it('moves a multi-step form on with response_action update', async () => {
    await rig.command('report');
    await rig.fake.waitFor('views.open');
    const first = await rig.interact(viewSubmission(openedView(rig), { summary: { type: 'plain_text_input', value: 'Printer' }, more: { type: 'checkboxes', selected_options: [{ value: 'true' }] } }));
    const next = JSON.parse(first.body);
    expect(next.response_action).toBe('update');
    expect(next.view).toMatchObject({ callback_id: 'desk:details', title: { text: 'Details' } });
    expect(viewProblems(next.view)).toEqual([]);
    const done = await rig.interact(viewSubmission(next.view, { details: { type: 'plain_text_input', value: 'Paper jam' } }));
    expect(done.status).toBe(200);
    await rig.fake.waitFor('response_url', 1, (call) => textOf(call).includes('Saved details: Paper jam'));
    expect(rig.effects).toContain('submit:details:after:Printer:{"details":"Paper jam"}');
  });

  it('refuses a submission whose private_metadata was tampered with, and stores nothing', async () => {
    await rig.command('report');
    await rig.fake.waitFor('views.open');
    const view = openedView(rig);
    const [payload, mac] = String(view.private_metadata).split('.');
    const edited = Buffer.from(Buffer.from(payload!, 'base64url').toString('utf8').replace('step-1', 'step-9'), 'utf8').toString('base64url');
    const values = { summary: { type: 'plain_text_input', value: 'Tampered' } };
    for (const metadata of [`${edited}.${mac}`, 'not signed at all', '']) {
      const answer = JSON.parse((await rig.interact(viewSubmission({ ...view, private_metadata: metadata }, values))).body);
      expect(answer.response_action).toBe('update');
      expect(answer.view.blocks[0].text.text).toContain('changed on its way back');
    }
    // The same context moved onto another form, or submitted by someone else, is refused too.
    const moved = JSON.parse((await rig.interact(viewSubmission({ ...view, callback_id: 'desk:details' }, values))).body);
    const stolen = JSON.parse((await rig.interact(viewSubmission(view, values, BOB.id))).body);
    expect([moved.response_action, stolen.response_action]).toEqual(['update', 'update']);
    // The recorded payload carries unsigned metadata of its own.
    const recorded = JSON.parse((await rig.interact(slackFixture('view_submission'))).body);
    expect(recorded.response_action).toBe('update');
    expect(rig.effects.filter((effect) => effect.startsWith('submit'))).toEqual([]);
  });

  it('offers an "Open the form" button when the trigger has expired, and opens it on click', async () => {
    rig.fake.failNext('views.open', 'expired_trigger_id');
    await rig.command('report');
    const [prompt] = await rig.fake.waitFor('response_url');
    expect(textOf(prompt!)).toContain('Open the form to continue');
    expect(messageProblems(prompt!.params)).toEqual([]);
    const id = pendingIdIn(prompt!);

    await rig.interact(buttonClick({ actionId: OPEN_FORM_ACTION, value: id, ephemeral: true, responseUrl: rig.fake.responseUrl('prompt') }));
    await rig.fake.waitFor('views.open', 2);
    expect(openedView(rig).callback_id).toBe('desk:report');

    await rig.interact(buttonClick({ actionId: OPEN_FORM_ACTION, value: id, user: BOB.id, responseUrl: rig.fake.responseUrl('bob') }));
    const [refused] = await rig.fake.waitFor('response_url', 1, (call) => call.path.endsWith('/bob'));
    expect(refused!.params).toMatchObject({ text: 'That form belongs to someone else. Start your own with /itsm.' });
    expect(rig.fake.callsTo('views.open')).toHaveLength(2);
  });

  it('answers plain words in a DM that need a form with the form\'s button, kept in the store', async () => {
    const channel = `D${CLAIRE.id.slice(1)}`;
    await rig.event({ type: 'message', channel_type: 'im', channel, user: CLAIRE.id, text: 'my laptop is broken', ts: '1700000900.1' });
    const [said, prompt] = await rig.fake.waitFor('chat.postMessage', 2);
    expect(textOf(said!)).toContain('Tell me more');
    expect(prompt!.params).toMatchObject({ channel });
    const id = pendingIdIn(prompt!);
    const stored = await rig.harness.services.conversations.load(`slack:pending:${id}`, rig.harness.clock.now());
    expect(stored?.state).toMatchObject({ userId: CLAIRE.id, form: { id: 'desk:report' } });
    await rig.interact(buttonClick({ actionId: OPEN_FORM_ACTION, value: id, channel, ts: '1700000901.1' }));
    await rig.fake.waitFor('views.open');
    expect(openedView(rig).callback_id).toBe('desk:report');
  });

  it('carries the source message through a modal and updates it after the submission', async () => {
    await rig.interact(buttonClick({ actionId: 'desk:form', value: 'INC-1', ts: '1700000222.000100', responseUrl: rig.fake.responseUrl('note') }));
    await rig.fake.waitFor('views.open');
    const view = openedView(rig);
    expect(view.callback_id).toBe('desk:details');
    await rig.interact(viewSubmission(view, { details: { type: 'plain_text_input', value: 'Rebooted' } }));
    const [updated] = await rig.fake.waitFor('chat.update');
    expect(updated!.params).toMatchObject({ channel: 'C0123SUPPORT', ts: '1700000222.000100' });
    expect(textOf(updated!)).toContain('noted');
    expect(rig.effects).toContain('submit:details:note:INC-1:{"details":"Rebooted"}');
  });

  it('acks a slow submission in time and answers by message when the flow is done', async () => {
    await rig.command('report');
    await rig.fake.waitFor('views.open');
    const answer = await rig.interact(viewSubmission(openedView(rig), { summary: { type: 'plain_text_input', value: 'slow' } }));
    expect(answer).toEqual({ status: 200, body: '' });
    const [reply] = await rig.fake.waitFor('response_url', 1, (call) => textOf(call).includes('Recorded: slow'));
    expect(reply!.params).toMatchObject({ response_type: 'ephemeral' });
  });

  it('serves a long select\'s options on demand (block_suggestion)', async () => {
    await rig.command('big');
    await rig.fake.waitFor('views.open');
    const view = openedView(rig);
    const select = view.blocks.find((block: Json) => block.block_id === 'site');
    expect(select.element.type).toBe('external_select');
    const suggest = (value: string, user = CLAIRE.id) =>
      rig.interact({ type: 'block_suggestion', user: { id: user, team_id: 'T0001ACME' }, action_id: 'value', block_id: 'site', value, view: { ...view, id: 'V1' } });
    const lyon = JSON.parse((await suggest('lyon')).body);
    expect(lyon.options).toEqual([{ text: { type: 'plain_text', text: 'Lyon warehouse', emoji: true }, value: 'site-42' }]);
    const all = JSON.parse((await suggest('')).body);
    expect(all.options).toHaveLength(100);
    expect(JSON.parse((await suggest('lyon', BOB.id)).body).options).toEqual([]);
  });

  it('re-publishes the App Home after a button on it, and answers by DM', async () => {
    await rig.interact({
      type: 'block_actions',
      user: { id: CLAIRE.id, team_id: 'T0001ACME' },
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home' },
      trigger_id: '1.2.3',
      actions: [{ type: 'button', action_id: 'desk:take', value: 'INC-1', action_ts: '1.1' }],
    });
    await rig.fake.waitFor('views.publish');
    const [dm] = await rig.fake.waitFor('chat.postMessage');
    expect(dm!.params).toMatchObject({ text: 'You took INC-1.' });
    expect(String((dm!.params as Json).channel)).toMatch(/^D/);
  });

  it('does not answer form-encoded requests with a charset (as Bolt), and never 500s on odd payloads', async () => {
    const body = interactionBody(buttonClick({ actionId: 'desk:take', value: 'INC-1' }));
    const withCharset = await rig.post(body, `${FORM}; charset=utf-8`, slackSignature(SECRET, body));
    const odd = await rig.interact({ type: 'block_actions', user: { id: CLAIRE.id }, trigger_id: 't', actions: [{ type: 'button', action_id: 'no-colon' }] });
    expect([withCharset.status, odd.status]).toEqual([400, 200]);
    await rig.fake.waitFor('chat.postMessage', 1, (call) => textOf(call).includes('no longer available'));
  });
});
