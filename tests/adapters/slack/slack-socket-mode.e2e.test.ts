import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { helpFlow } from '../../../flows/help';
import { createStateSigner } from '../../../adapters/shared/signed-state';
import { createSlackAdapter } from '../../../adapters/slack';
import { parseEnv } from '../../../src/config/env';
import type { Flow } from '../../../src/engine/flow';
import { startFakeSlackApi } from '../../support/fake-slack-api';
import { createHarness, recordingLogger } from '../../support/harness';
import { slackFixture } from '../../support/slack-requests';
import { CLAIRE, triggerId } from './slack-rig';

/**
 * Socket Mode, offline: the fake Web API answers `apps.connections.open` with a loopback WebSocket URL, where a
 * small server plays Slack: it says `hello`, sends envelopes, and records the client's acks.
 */
describe('Slack in Socket Mode (real Bolt, loopback WebSocket)', () => {
  it('connects with the app token, answers envelopes, acks them, and disconnects cleanly', async () => {
    const fake = await startFakeSlackApi();
    fake.users.set(CLAIRE.id, CLAIRE);
    const server = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    fake.socketUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link`;
    const acks: Array<{ envelope_id: string }> = [];
    const ackWaiters: Array<() => void> = [];
    let socket: WebSocket | undefined;
    server.on('connection', (connection) => {
      socket = connection;
      connection.on('message', (data) => {
        acks.push(JSON.parse(String(data)) as { envelope_id: string });
        ackWaiters.splice(0).forEach((wake) => wake());
      });
      connection.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0HELPBOT01' } }));
    });
    const acked = async (count: number) => {
      while (acks.length < count) await new Promise<void>((resolve) => ackWaiters.push(resolve));
    };

    const harness = await createHarness({ flows: [helpFlow as Flow<unknown>] });
    const logger = recordingLogger();
    const adapter = await createSlackAdapter({
      env: parseEnv({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_APP_TOKEN: 'xapp-1-test', SLACK_API_URL: fake.apiUrl }),
      dispatcher: harness.dispatcher,
      services: harness.services,
      signer: createStateSigner(randomBytes(32)),
      logger,
      tuning: { retryConfig: { retries: 0 } },
    });
    try {
      expect(adapter?.mode).toBe('socket');
      expect(adapter?.routes).toEqual([]);
      await adapter!.start();
      expect(fake.callsTo('apps.connections.open')[0]?.token).toBe('xapp-1-test');

      socket!.send(JSON.stringify({ envelope_id: 'env-event-1', type: 'events_api', accepts_response_payload: false, retry_attempt: 0, payload: slackFixture('message_im') }));
      const command = { ...slackFixture<Record<string, string>>('slash_command', fake.url), command: '/itsm', text: 'help', user_id: CLAIRE.id, trigger_id: triggerId() };
      socket!.send(JSON.stringify({ envelope_id: 'env-command-1', type: 'slash_commands', accepts_response_payload: true, payload: command }));

      await acked(2);
      expect(acks.map((ack) => ack.envelope_id).sort()).toEqual(['env-command-1', 'env-event-1']);
      const [posted] = await fake.waitFor('chat.postMessage');
      expect(posted!.params).toMatchObject({ channel: 'D0ALICEDM01' });
      const [reply] = await fake.waitFor('response_url');
      expect(JSON.stringify(reply!.params)).toContain('What I can do');
    } finally {
      // stop() resolves on the client's `disconnected`; only then do the fake servers go.
      await adapter?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
      await harness.close();
    }
  });
});
