import { flows } from '../../../flows';
import { problemsInCalls, viewProblems } from './block-kit-validator';
import { buttonClick, CLAIRE, startSlackRig, triggerId, viewSubmission, type SlackRig } from './slack-rig';
import { permalinkOf } from '../../../adapters/slack/listeners/shortcuts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const NINA = { id: 'U0ZDMEN2KHV', name: 'nina', realName: 'Nina Kowalski', email: 'nina.kowalski@northwind-logistics.example', tz: 'Europe/Berlin' };


describe('the product\'s own flows through Slack (real registry)', () => {
  let rig: SlackRig;
  beforeAll(async () => {
    rig = await startSlackRig({ flows: [...flows] });
  });
  afterAll(() => rig.close());

  it('carries an incident from report (modal, check, raise) through take and resolve to the reporter confirming, with every payload valid Block Kit', async () => {
    await rig.command('help');
    await rig.fake.waitFor('response_url');
    await rig.command('incident VPN is down in Lyon');
    const [opened] = await rig.fake.waitFor('views.open');
    const view = (opened!.params as Json).view;
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of view.blocks as Json[]) {
      if (block.type !== 'input') continue;
      const element = block.element;
      if (element.type === 'plain_text_input') values[block.block_id] = { type: element.type, value: element.initial_value ?? 'The VPN is down for everyone in Lyon' };
      else if (element.type === 'static_select') values[block.block_id] = { type: element.type, selected_option: element.initial_option ?? element.options[0] };
    }
    const answer = await rig.interact(viewSubmission(view, values));
    expect(answer.status).toBe(200);
    // The flow asks to check the incident before raising it: a message with buttons, ephemeral in the channel.
    const [check] = await rig.fake.waitFor('response_url', 1, (call) => /Check your incident/.test(String((call.params as Json).text)));
    const buttons = ((check!.params as Json).blocks as Json[]).flatMap((block) => (block.type === 'actions' ? block.elements : []));
    const raise = buttons.find((button: Json) => button.style === 'primary') ?? buttons[0];
    await rig.interact(buttonClick({ actionId: raise.action_id, value: raise.value, ephemeral: true, responseUrl: rig.fake.responseUrl('check') }));
    await rig.fake.waitFor('response_url', 1, (call) => call.path.endsWith('/check') && (call.params as Json).replace_original === true);
    const [card] = await rig.fake.waitFor('chat.postMessage', 1, (call) => (call.params as Json).channel === 'C0YM4L1VFZ3');
    expect(String((card!.params as Json).text)).toMatch(/^INC-000001 \(P1/);

    // Nina, of the team, takes it from the team channel's card: the card is updated in place.
    rig.fake.users.set(NINA.id, NINA);
    const take = ((card!.params as Json).blocks as Json[]).flatMap((block) => (block.type === 'actions' ? block.elements : [])).find((button: Json) => /take/i.test(button.text.text));
    await rig.interact(buttonClick({ actionId: take.action_id, value: take.value, user: NINA.id, channel: 'C0YM4L1VFZ3', ts: '1700009999.000100', responseUrl: rig.fake.responseUrl('take') }));
    const [updated] = await rig.fake.waitFor('chat.update');
    expect(updated!.params).toMatchObject({ channel: 'C0YM4L1VFZ3', text: 'INC-000001 (P1 critical, in progress): VPN is down in Lyon' });
    // Listed people are mentioned natively; the reporter hears about it by DM.
    expect(JSON.stringify(updated!.params)).toContain('<@U0ZDMEN2KHV>');
    const [told] = await rig.fake.waitFor('chat.postMessage', 1, (call) => (call.params as Json).channel === `D${CLAIRE.id.slice(1)}`);
    expect(String((told!.params as Json).text)).toContain('Nina Kowalski has picked up INC-000001');
    await rig.fake.waitFor('response_url', 1, (call) => call.path.endsWith('/take'));
    await rig.event({ type: 'app_home_opened', user: CLAIRE.id, channel: 'D0UJZDE8GXD', tab: 'home', event_ts: '1700000700.1' });
    await rig.fake.waitFor('views.publish');

    // Nina resolves it from the updated card: a modal with a code and notes, both required.
    const resolveButton = ((updated!.params as Json).blocks as Json[]).flatMap((block) => (block.type === 'actions' ? block.elements : [])).find((button: Json) => /resolve/i.test(button.text.text));
    const modalsBefore = rig.fake.calls.filter((call) => call.method === 'views.open').length;
    await rig.interact(buttonClick({ actionId: resolveButton.action_id, value: resolveButton.value, user: NINA.id, channel: 'C0YM4L1VFZ3', ts: '1700009999.000100', responseUrl: rig.fake.responseUrl('resolve') }));
    const resolveModal = (await rig.fake.waitFor('views.open', modalsBefore + 1))[modalsBefore]!;
    const resolveView = (resolveModal.params as Json).view;
    const resolveValues: Record<string, Record<string, unknown>> = {};
    for (const block of resolveView.blocks as Json[]) {
      if (block.type !== 'input') continue;
      if (block.element.type === 'static_select') resolveValues[block.block_id] = { type: 'static_select', selected_option: block.element.options[0] };
      else resolveValues[block.block_id] = { type: 'plain_text_input', value: 'Restarted the Lyon VPN gateway.' };
    }
    expect((await rig.interact(viewSubmission(resolveView, resolveValues, NINA.id))).status).toBe(200);

    // Claire hears how it was fixed, by DM, with buttons to confirm or reopen; she confirms and it is closed.
    const [resolution] = await rig.fake.waitFor('chat.postMessage', 1, (call) => (call.params as Json).channel === `D${CLAIRE.id.slice(1)}` && /Restarted the Lyon VPN gateway/.test(JSON.stringify(call.params)));
    const confirmButton = ((resolution!.params as Json).blocks as Json[]).flatMap((block) => (block.type === 'actions' ? block.elements : [])).find((button: Json) => button.style === 'primary');
    await rig.interact(buttonClick({ actionId: confirmButton.action_id, value: confirmButton.value, channel: `D${CLAIRE.id.slice(1)}`, ts: '1700010000.000100' }));
    await rig.fake.waitFor('chat.postMessage', 1, (call) => /INC-000001 is closed/.test(String((call.params as Json).text)));
    const closed = await rig.harness.store.collection('incidents').findOne({ id: 'INC-000001' });
    expect(closed).toMatchObject({ status: 'closed', assignee: { id: 'nina-kowalski' }, closure: { how: 'confirmed' } });
    expect(problemsInCalls(rig.fake.calls)).toEqual([]);
  });

  it('"Report as incident" on a message opens the incident form prefilled with its words and a link back to it', async () => {
    const before = rig.fake.calls.filter((call) => call.method === 'views.open').length;
    const answer = await rig.interact({
      type: 'message_action',
      callback_id: 'report_incident',
      trigger_id: triggerId(),
      response_url: rig.fake.responseUrl('shortcut'),
      user: { id: CLAIRE.id, name: CLAIRE.name },
      channel: { id: 'C0GENERAL01', name: 'general' },
      message: { type: 'message', user: 'U0SOMEONE1', ts: '1700001234.567800', text: 'Payroll keeps timing out when I open my payslip <!here>' },
    });
    expect(answer.status).toBe(200);
    const opened = await rig.fake.waitFor('views.open', before + 1);
    const view = (opened[before]!.params as Json).view;
    const inputs = (view.blocks as Json[]).filter((block) => block.type === 'input');
    const initial = (id: string) => inputs.find((block) => block.block_id.includes(id))?.element;
    expect(initial('summary').initial_value).toBe('Payroll keeps timing out when I open my payslip <!here>');
    expect(initial('description').initial_value).toContain('Reported from: https://acme-corp.slack.com/archives/C0GENERAL01/p1700001234567800');
    expect(initial('service').initial_option.value).toBe('payroll');
    expect(viewProblems(view)).toEqual([]);
  });

  it('builds a permalink only from what Slack gave', () => {
    expect(permalinkOf('acme', 'C1', '1700000000.000100')).toBe('https://acme.slack.com/archives/C1/p1700000000000100');
    expect(permalinkOf(undefined, 'C1', '1700000000.000100')).toBeUndefined();
    expect(permalinkOf('acme', 'C1', 'not-a-ts')).toBeUndefined();
  });
});
