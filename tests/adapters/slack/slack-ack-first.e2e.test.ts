import { setTimeout as sleep } from 'node:timers/promises';
import { buttonClick, CLAIRE, startSlackRig, textOf, type SlackRig } from './slack-rig';

/**
 * The answers that follow acks wait for a quiet moment (adapters/slack/ack-first.ts). Here the quiet moment never
 * comes within the test, so what is seen is the ack alone, then the answer given when the adapter stops: work
 * Slack was told had been received is finished before the store closes, not dropped.
 */
describe('Slack: acks first, answers after, none lost on stop', () => {
  let rig: SlackRig;
  beforeEach(async () => {
    rig = await startSlackRig({ tuning: { ackFirst: { quietMs: 60_000, maxWaitMs: 60_000 } } });
  });
  afterEach(async () => rig.close());

  it('acks /itsm help at once, holds the answer while requests arrive, and sends it when the adapter stops', async () => {
    const answer = await rig.command('help');
    expect(answer).toEqual({ status: 200, body: '' });
    await sleep(100);
    expect(rig.fake.callsTo('response_url')).toEqual([]);

    await rig.adapter.stop();
    const [reply] = await rig.fake.waitFor('response_url');
    expect(textOf(reply!)).toContain('What I can do');
  });

  it('acks a command, a button click and a message itself, before Bolt or the store does any work, and answers them all on stop', async () => {
    const before = rig.fake.calls.length;
    expect(await rig.command('echo typed')).toEqual({ status: 200, body: '' });
    expect(await rig.interact(buttonClick({ actionId: 'desk:take', value: 'INC-1' }))).toEqual({ status: 200, body: '' });
    const dm = { type: 'message', channel_type: 'im', channel: 'D0UJZDE8GXD', user: CLAIRE.id, text: 'echo in a DM', ts: '1700000400.000100' };
    expect(await rig.event(dm, { eventId: 'Ev0ACKFIRST1' })).toMatchObject({ status: 200 });
    await sleep(100);
    // Not even the person's profile was looked up: nothing ran past the acks.
    expect(rig.fake.calls.slice(before)).toEqual([]);
    expect(rig.effects).toEqual([]);

    await rig.adapter.stop();
    expect(rig.effects.sort()).toEqual(['action:take:INC-1:{"c":"C0123SUPPORT","ts":"1700000100.000200"}', 'command:echo:in a DM', 'command:echo:typed'].sort());
    await rig.fake.waitFor('chat.update');
  });
});
