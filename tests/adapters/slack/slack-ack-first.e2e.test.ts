import { setTimeout as sleep } from 'node:timers/promises';
import { startSlackRig, textOf, type SlackRig } from './slack-rig';

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
});
