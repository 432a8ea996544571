/**
 * Ack latency of the Slack adapter against a bare Bolt app that only acks the same requests: `/itsm help` and a
 * button click, at 1, 10 and 50 requests in flight, p50 and p99, side by side. Both run the real Bolt HTTPReceiver
 * on loopback against the fake Web API; the adapter does its real work after each ack (dispatch, store, reply).
 * Goal (issue 3): the adapter's p99 within 1.5× the bare app's. Prints the table and writes it to bench/results/.
 *
 * Run: `npx tsx bench/slack-ack.bench.ts` (`npm run bench:slack`).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { App, HTTPReceiver } from '@slack/bolt';
import { createHttpServer } from '../adapters/http/server';
import { createStateSigner } from '../adapters/shared/signed-state';
import { createSlackAdapter } from '../adapters/slack';
import { parseEnv } from '../src/config/env';
import { silentLogger } from '../src/engine/logger';
import { FAKE_BOT } from '../tests/support/fake-slack-api';
import { createHarness } from '../tests/support/harness';
import { commandBody, FORM, interactionBody, slackSignature } from '../tests/support/slack-requests';

const SECRET = 'bench-signing-secret-0123456789';
const LEVELS = [1, 10, 50];
const REQUESTS_PER_RUN = 400;
const WARMUP = 50;
const USER = 'U0UJZDE8GXD';

type Kind = 'command' | 'button';

/**
 * Slack's side runs in a worker thread, as it runs elsewhere in production: its CPU is not the bot's. It answers
 * every Web API call like Slack and counts the replies posted to response URLs.
 */
const FAKE_SLACK = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
let replies = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const path = req.url || '';
    let body = { ok: true };
    if (path.startsWith('/response/')) { replies += 1; parentPort.postMessage({ replies }); }
    else if (path.endsWith('/auth.test')) body = { ok: true, team_id: '${FAKE_BOT.teamId}', user_id: '${FAKE_BOT.userId}', bot_id: '${FAKE_BOT.botId}', app_id: '${FAKE_BOT.appId}' };
    else if (path.endsWith('/users.info')) body = { ok: true, user: { id: 'U0UJZDE8GXD', name: 'claire', real_name: 'Claire Dubois', tz: 'Europe/London', profile: {} } };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

interface FakeSlack {
  url: string;
  responseUrl(id: string): string;
  waitForReplies(count: number): Promise<void>;
  close(): Promise<void>;
}

async function startFakeSlack(): Promise<FakeSlack> {
  const worker = new Worker(FAKE_SLACK, { eval: true });
  let replies = 0;
  const waiters: Array<() => void> = [];
  const port = await new Promise<number>((resolve) => {
    worker.on('message', (message: { port?: number; replies?: number }) => {
      if (message.port) resolve(message.port);
      if (message.replies) {
        replies = message.replies;
        waiters.splice(0).forEach((wake) => wake());
      }
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    responseUrl: (id) => `${url}/response/${id}`,
    async waitForReplies(count) {
      while (replies < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close: async () => void (await worker.terminate()),
  };
}
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let counter = 0;

function body(kind: Kind, fake: FakeSlack): string {
  counter += 1;
  const trigger = `${counter}.1234567890123.${randomBytes(8).toString('hex')}`;
  if (kind === 'command') {
    return commandBody({
      team_id: FAKE_BOT.teamId,
      channel_id: 'C0123SUPPORT',
      user_id: USER,
      command: '/itsm',
      text: 'help',
      api_app_id: FAKE_BOT.appId,
      response_url: fake.responseUrl(`bench-${counter}`),
      trigger_id: trigger,
    });
  }
  return interactionBody({
    type: 'block_actions',
    api_app_id: FAKE_BOT.appId,
    team: { id: FAKE_BOT.teamId },
    user: { id: USER, team_id: FAKE_BOT.teamId },
    container: { type: 'message', message_ts: '1700000100.000200', channel_id: 'C0123SUPPORT', is_ephemeral: false },
    channel: { id: 'C0123SUPPORT' },
    trigger_id: trigger,
    response_url: fake.responseUrl(`bench-${counter}`),
    actions: [{ type: 'button', action_id: 'help:bench', value: String(counter), action_ts: '1.1' }],
  });
}

/** One signed POST; resolves with the milliseconds until the ack (the whole response) arrived. */
function timed(url: string, payload: string): Promise<number> {
  const target = new URL(url);
  const headers = { 'content-type': FORM, 'content-length': String(Buffer.byteLength(payload)), ...slackSignature(SECRET, payload) };
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - started) / 1e6);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** `total` requests with `level` in flight at any time. */
async function run(url: string, kind: Kind, level: number, total: number, fake: FakeSlack): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next += 1;
      latencies.push(await timed(url, body(kind, fake)));
    }
  };
  await Promise.all(Array.from({ length: level }, worker));
  return latencies;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Waits until the adapter's after-ack work (replies to the fake) has caught up, so runs do not overlap. */
async function settle(fake: FakeSlack, expected: number): Promise<void> {
  await fake.waitForReplies(expected);
}

async function startBare(): Promise<{ url: string; close: () => Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: SECRET, processBeforeResponse: false });
  const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-bench', botId: FAKE_BOT.botId, botUserId: FAKE_BOT.userId }) });
  app.command('/itsm', async ({ ack }) => ack());
  app.action(/.*/, async ({ ack }) => ack());
  const server = createServer((req, res) => receiver.requestListener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/slack/events`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function main(): Promise<void> {
  const startLoad = loadavg()[0]!;
  const fake = await startFakeSlack();
  const harness = await createHarness();
  const env = parseEnv({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent' });
  const adapter = (await createSlackAdapter({ env, dispatcher: harness.dispatcher, services: harness.services, signer: createStateSigner(randomBytes(32)), logger: silentLogger }))!;
  const http = createHttpServer(adapter.routes, silentLogger);
  const { port } = await http.listen(0, '127.0.0.1');
  await adapter.start();
  const itsmUrl = `http://127.0.0.1:${port}/slack/events`;
  const bare = await startBare();

  const rows: Array<{ request: string; concurrency: number; itsmP50: number; itsmP99: number; bareP50: number; bareP99: number }> = [];
  let replies = 0;
  for (const kind of ['command', 'button'] as const) {
    for (const level of LEVELS) {
      await run(bare.url, kind, level, WARMUP, fake);
      const bareLatencies = await run(bare.url, kind, level, REQUESTS_PER_RUN, fake);
      await run(itsmUrl, kind, level, WARMUP, fake);
      replies += WARMUP;
      await settle(fake, replies);
      const itsmLatencies = await run(itsmUrl, kind, level, REQUESTS_PER_RUN, fake);
      replies += REQUESTS_PER_RUN;
      await settle(fake, replies);
      rows.push({
        request: kind === 'command' ? '/itsm help' : 'button click',
        concurrency: level,
        itsmP50: percentile(itsmLatencies, 50),
        itsmP99: percentile(itsmLatencies, 99),
        bareP50: percentile(bareLatencies, 50),
        bareP99: percentile(bareLatencies, 99),
      });
    }
  }

  const f = (ms: number) => ms.toFixed(2);
  const table = [
    '| request | in flight | itsm-bot p50 (ms) | itsm-bot p99 (ms) | bare Bolt p50 (ms) | bare Bolt p99 (ms) | p99 ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.request} | ${row.concurrency} | ${f(row.itsmP50)} | ${f(row.itsmP99)} | ${f(row.bareP50)} | ${f(row.bareP99)} | ${(row.itsmP99 / row.bareP99).toFixed(2)}× |`),
  ].join('\n');
  const when = new Date().toISOString();
  const report = `# Slack ack latency (${when})\n\nNode ${process.version}, ${cpus().length} CPUs (load average ${startLoad.toFixed(2)} at the start); ${REQUESTS_PER_RUN} requests per cell after ${WARMUP} warm-up; loopback; embedded store; Slack's side in a worker thread.\n\n${table}\n`;
  console.log(report);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'slack-ack.md'), report);
  writeFileSync(join(dir, 'slack-ack.json'), JSON.stringify({ when, node: process.version, requestsPerCell: REQUESTS_PER_RUN, rows }, null, 2));

  agent.destroy();
  await bare.close();
  await http.close(100);
  await fake.close();
  await harness.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
