import { randomBytes } from 'node:crypto';
import { helpFlow } from '../../../flows/help';
import { createHttpServer, type HttpServer } from '../../../adapters/http/server';
import { createStateSigner, type StateSigner } from '../../../adapters/shared/signed-state';
import { createSlackAdapter, type SlackAdapter, type SlackTuning } from '../../../adapters/slack';
import { parseEnv } from '../../../src/config/env';
import type { Flow } from '../../../src/engine/flow';
import { createHarness, recordingLogger, type Harness } from '../../support/harness';
import { FAKE_BOT, startFakeSlackApi, type FakeSlackApi, type RecordedCall } from '../../support/fake-slack-api';
import { commandBody, FORM, interactionBody, JSON_TYPE, postRaw, slackSignature, type SlackHttpAnswer } from '../../support/slack-requests';
import { deskFlow } from './desk-flow';

/** The signing secret the rig's app and its requests share. */
export const SECRET = 'test-signing-secret-0123456789';

/**
 * People the fake's `users.info` knows. Claire is in the example organisation file by Slack id; Priya is too, but
 * under another Slack id, so only her e-mail matches; Bob is not in it (a member of staff known by his profile).
 */
export const CLAIRE = { id: 'U0UJZDE8GXD', name: 'claire', realName: 'Claire D.', email: 'claire.dubois@northwind-logistics.example', tz: 'Europe/London' };
export const PRIYA = { id: 'U0PRIYA0002', name: 'priya', realName: 'Priya', email: 'Priya.Shah@northwind-logistics.example', tz: 'Europe/London' };
export const BOB = { id: 'U0BOB00001', name: 'bob', realName: 'Bob Outsider', displayName: 'Bob', email: 'bob@elsewhere.example', tz: 'America/New_York' };

/** The Slack adapter running as in production (real Bolt over HTTP on loopback) against the fake Web API. */
export interface SlackRig {
  fake: FakeSlackApi;
  harness: Harness;
  adapter: SlackAdapter;
  http: HttpServer;
  logger: ReturnType<typeof recordingLogger>;
  signer: StateSigner;
  effects: string[];
  /** `http://127.0.0.1:<port>/slack/events` */
  url: string;
  /** Posts a signed body (or with the headers given instead). */
  post(body: string, contentType: string, headers?: Record<string, string>): Promise<SlackHttpAnswer>;
  /** `/itsm <text>` from a user in a channel, signed. */
  command(text: string, fields?: Record<string, string>): Promise<SlackHttpAnswer>;
  /** An Events API callback wrapping `event`, signed. */
  event(event: Record<string, unknown>, extra?: { eventId?: string; headers?: Record<string, string> }): Promise<SlackHttpAnswer>;
  /** An interactivity payload, signed. */
  interact(payload: Record<string, unknown>): Promise<SlackHttpAnswer>;
  /** A fresh response URL on the fake, and its path (to find what was posted to it). */
  responseHook(name: string): { url: string; path: string };
  close(): Promise<void>;
}

let triggerCounter = 0;
/** A fresh trigger id, shaped like Slack's. */
export function triggerId(): string {
  triggerCounter += 1;
  return `${6123456789000 + triggerCounter}.1234567890123.${randomBytes(16).toString('hex')}`;
}

/** Starts the fake Web API, the store, the dispatcher with the test flows, the adapter and the shared server. */
export async function startSlackRig(options: { flows?: Flow<unknown>[]; tuning?: SlackTuning } = {}): Promise<SlackRig> {
  const fake = await startFakeSlackApi();
  for (const user of [CLAIRE, PRIYA, BOB]) fake.users.set(user.id, user);
  const effects: string[] = [];
  const harness = await createHarness({ flows: options.flows ?? [deskFlow(effects), helpFlow as Flow<unknown>] });
  const env = parseEnv({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl });
  const signer = createStateSigner(randomBytes(32));
  const logger = recordingLogger();
  const adapter = await createSlackAdapter({
    env,
    dispatcher: harness.dispatcher,
    services: harness.services,
    signer,
    logger,
    tuning: { retryConfig: { retries: 0 }, ...options.tuning },
  });
  if (!adapter) throw new Error('the Slack adapter did not start');
  const http = createHttpServer(adapter.routes, logger);
  const { port } = await http.listen(0, '127.0.0.1');
  await adapter.start();
  const url = `http://127.0.0.1:${port}/slack/events`;

  let hooks = 0;
  const post = (body: string, contentType: string, headers?: Record<string, string>) =>
    postRaw(url, body, { 'content-type': contentType, ...(headers ?? slackSignature(SECRET, body)) });

  return {
    fake,
    harness,
    adapter,
    http,
    logger,
    signer,
    effects,
    url,
    post,
    command(text, fields = {}) {
      const body = commandBody({
        token: 'legacy-verification-token',
        team_id: FAKE_BOT.teamId,
        team_domain: 'acme-corp',
        channel_id: 'C0123SUPPORT',
        channel_name: 'support',
        user_id: CLAIRE.id,
        user_name: 'claire',
        command: '/itsm',
        text,
        api_app_id: FAKE_BOT.appId,
        is_enterprise_install: 'false',
        response_url: fake.responseUrl('command'),
        trigger_id: triggerId(),
        ...fields,
      });
      return post(body, FORM);
    },
    event(event, extra = {}) {
      const body = JSON.stringify({
        token: 'legacy-verification-token',
        team_id: FAKE_BOT.teamId,
        api_app_id: FAKE_BOT.appId,
        event,
        type: 'event_callback',
        event_id: extra.eventId ?? `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ enterprise_id: null, team_id: FAKE_BOT.teamId, user_id: FAKE_BOT.userId, is_bot: true, is_enterprise_install: false }],
      });
      return post(body, JSON_TYPE, extra.headers ? { ...slackSignature(SECRET, body), ...extra.headers } : undefined);
    },
    responseHook(name) {
      hooks += 1;
      const url = fake.responseUrl(`${name}-${hooks}`);
      return { url, path: new URL(url).pathname };
    },
    interact(payload) {
      return post(interactionBody({ api_app_id: FAKE_BOT.appId, team: { id: FAKE_BOT.teamId, domain: 'acme-corp' }, token: 'legacy', ...payload }), FORM);
    },
    async close() {
      await adapter.stop();
      await http.close(100);
      await fake.close();
      await harness.close();
    },
  };
}

/** A `block_actions` payload for one button click on a message in a channel (or DM). */
export function buttonClick(options: { actionId: string; value?: string; channel?: string; ts?: string; user?: string; responseUrl?: string; ephemeral?: boolean }) {
  const channel = options.channel ?? 'C0123SUPPORT';
  const ts = options.ts ?? '1700000100.000200';
  return {
    type: 'block_actions',
    user: { id: options.user ?? CLAIRE.id, username: 'claire', team_id: FAKE_BOT.teamId },
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: options.ephemeral ?? false },
    trigger_id: triggerId(),
    channel: { id: channel, name: 'support' },
    message: { ts, type: 'message', text: 'card' },
    ...(options.responseUrl ? { response_url: options.responseUrl } : {}),
    actions: [{ type: 'button', action_id: options.actionId, block_id: 'b1', ...(options.value !== undefined ? { value: options.value } : {}), action_ts: '1700000160.123456' }],
  };
}

/** A `view_submission` of a modal the adapter opened: its view as sent to `views.open`, with state values. */
export function viewSubmission(openedView: Record<string, unknown>, values: Record<string, Record<string, unknown>>, user = CLAIRE.id) {
  return {
    type: 'view_submission',
    user: { id: user, team_id: FAKE_BOT.teamId },
    trigger_id: triggerId(),
    view: {
      ...openedView,
      id: 'V0MODAL001',
      team_id: FAKE_BOT.teamId,
      hash: '1700000200.Xy9AbCdE',
      app_installed_team_id: FAKE_BOT.teamId,
      state: { values: Object.fromEntries(Object.entries(values).map(([blockId, value]) => [blockId, { value }])) },
    },
    response_urls: [],
  };
}

/** All the text of a recorded message (its fallback and every block's mrkdwn or plain text). */
export function textOf(call: RecordedCall): string {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const params = call.params as any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const blocks: any[] = params.blocks ?? params.view?.blocks ?? [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const parts = blocks.flatMap((block) => [block.text?.text, ...(block.fields ?? []).map((f: any) => f.text), ...(block.elements ?? []).map((e: any) => e.text?.text ?? e.text)]);
  return [params.text, ...parts].filter((part) => typeof part === 'string').join('\n');
}
