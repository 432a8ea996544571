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
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PerformanceObserver } from 'node:perf_hooks';
import { App, HTTPReceiver } from '@slack/bolt';
import { createHttpServer } from '../adapters/http/server';
import { createStateSigner } from '../adapters/shared/signed-state';
import { createSlackAdapter } from '../adapters/slack';
import { DEFAULT_ACK_FIRST } from '../adapters/slack/ack-first';
import { parseEnv } from '../src/config/env';
import { silentLogger } from '../src/engine/logger';
import { FAKE_BOT } from '../tests/support/fake-slack-api';
import { createHarness } from '../tests/support/harness';
import { commandBody, FORM, interactionBody, slackSignature } from '../tests/support/slack-requests';

const SECRET = 'bench-signing-secret-0123456789';
const LEVELS = [1, 10, 50];
const REQUESTS_PER_RUN = 400;
const ROUNDS = 5;
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
const { performance } = require('node:perf_hooks');
let replies = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const path = req.url || '';
    let body = { ok: true };
    if (path.startsWith('/response/')) {
      replies += 1;
      parentPort.postMessage({ replies, id: path.slice('/response/'.length), at: performance.timeOrigin + performance.now() });
    }
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
  /** When each reply arrived (epoch ms, sub-millisecond), by the id in its response URL. */
  answeredAt: Map<string, number>;
  waitForReplies(count: number): Promise<void>;
  close(): Promise<void>;
}

async function startFakeSlack(): Promise<FakeSlack> {
  const worker = new Worker(FAKE_SLACK, { eval: true });
  let replies = 0;
  const answeredAt = new Map<string, number>();
  const waiters: Array<() => void> = [];
  const port = await new Promise<number>((resolve) => {
    worker.on('message', (message: { port?: number; replies?: number; id?: string; at?: number }) => {
      if (message.port) resolve(message.port);
      if (message.id && message.at) answeredAt.set(message.id, message.at);
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
    answeredAt,
    async waitForReplies(count) {
      while (replies < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close: async () => void (await worker.terminate()),
  };
}
/**
 * Slack's sending side, in a worker thread of its own for the same reason: a load generator sharing the bot's event
 * loop would stall whenever the bot works, and make the bot's quiet moments its own. It sends the prepared signed
 * requests, `level` in flight at a time over keep-alive connections, and reports each ack's latency and send time.
 */
const LOAD = `
const { Agent, request } = require('node:http');
const { parentPort } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function timed(url, item) {
  const target = new URL(url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: item.headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error('status ' + res.statusCode))));
    });
    req.on('error', reject);
    req.end(item.payload);
  });
}
parentPort.on('message', async ({ url, level, items }) => {
  const latencies = [];
  const sent = {};
  let next = 0;
  const sender = async () => {
    while (next < items.length) {
      const item = items[next++];
      sent[item.id] = performance.timeOrigin + performance.now();
      latencies.push(await timed(url, item));
    }
  };
  try {
    await Promise.all(Array.from({ length: level }, sender));
    parentPort.postMessage({ latencies, sent });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
`;

interface LoadResult {
  latencies: number[];
  /** Send time of each request (epoch ms, sub-millisecond), by id. */
  sent: Record<string, number>;
}

interface Load {
  send(url: string, level: number, items: Array<{ id: string; payload: string; headers: Record<string, string> }>): Promise<LoadResult>;
  close(): Promise<void>;
}

function startLoadGenerator(): Load {
  const worker = new Worker(LOAD, { eval: true });
  return {
    send: (url, level, items) =>
      new Promise((resolve, reject) => {
        worker.once('message', (message: LoadResult & { error?: string }) => (message.error ? reject(new Error(message.error)) : resolve(message)));
        worker.postMessage({ url, level, items });
      }),
    close: async () => void (await worker.terminate()),
  };
}

let counter = 0;
/** When each request was sent (epoch ms, sub-millisecond), by the id in its response URL. */
const sentAt = new Map<string, number>();

/** A signed request as Slack would send it; its id names its response URL. */
function prepare(kind: Kind, fake: FakeSlack): { id: string; payload: string; headers: Record<string, string> } {
  counter += 1;
  const id = `bench-${counter}`;
  const trigger = `${counter}.1234567890123.${randomBytes(8).toString('hex')}`;
  const payload =
    kind === 'command'
      ? commandBody({
          team_id: FAKE_BOT.teamId,
          channel_id: 'C0123SUPPORT',
          user_id: USER,
          command: '/itsm',
          text: 'help',
          api_app_id: FAKE_BOT.appId,
          response_url: fake.responseUrl(id),
          trigger_id: trigger,
        })
      : interactionBody({
          type: 'block_actions',
          api_app_id: FAKE_BOT.appId,
          team: { id: FAKE_BOT.teamId },
          user: { id: USER, team_id: FAKE_BOT.teamId },
          container: { type: 'message', message_ts: '1700000100.000200', channel_id: 'C0123SUPPORT', is_ephemeral: false },
          channel: { id: 'C0123SUPPORT' },
          trigger_id: trigger,
          response_url: fake.responseUrl(id),
          actions: [{ type: 'button', action_id: 'help:bench', value: String(counter), action_ts: '1.1' }],
        });
  return { id, payload, headers: { 'content-type': FORM, 'content-length': String(Buffer.byteLength(payload)), ...slackSignature(SECRET, payload) } };
}

/** `total` requests with `level` in flight at any time: the ack latencies, and the ids of the requests sent. */
async function run(load: Load, url: string, kind: Kind, level: number, total: number, fake: FakeSlack): Promise<{ latencies: number[]; ids: string[] }> {
  const items = Array.from({ length: total }, () => prepare(kind, fake));
  const result = await load.send(url, level, items);
  for (const [id, at] of Object.entries(result.sent)) sentAt.set(id, at);
  return { latencies: result.latencies, ids: items.map((item) => item.id) };
}

/** Milliseconds from sending each request to its answer reaching Slack's side. */
function answerLatencies(fake: FakeSlack, ids: string[]): number[] {
  return ids.map((id) => fake.answeredAt.get(id)! - sentAt.get(id)!);
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

/** Garbage-collection pauses on the thread both apps share, counted while one of them is being measured. */
interface GcPauses {
  count: number;
  totalMs: number;
  longestMs: number;
}

let counting: GcPauses | undefined;
new PerformanceObserver((list) => {
  if (!counting) return;
  for (const entry of list.getEntries()) {
    counting.count += 1;
    counting.totalMs += entry.duration;
    counting.longestMs = Math.max(counting.longestMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

/** Runs `measure`, adding the collector's pauses meanwhile to `into`. */
async function countingGc<T>(into: GcPauses, measure: () => Promise<T>): Promise<T> {
  counting = into;
  try {
    return await measure();
  } finally {
    counting = undefined;
  }
}

async function main(): Promise<void> {
  const loadAverage = loadavg()[0]!;
  const fake = await startFakeSlack();
  const load = startLoadGenerator();
  const harness = await createHarness();
  const env = parseEnv({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent' });
  const adapter = (await createSlackAdapter({ env, dispatcher: harness.dispatcher, services: harness.services, signer: createStateSigner(randomBytes(32)), logger: silentLogger }))!;
  const http = createHttpServer(adapter.routes, silentLogger);
  const { port } = await http.listen(0, '127.0.0.1');
  await adapter.start();
  const itsmUrl = `http://127.0.0.1:${port}/slack/events`;
  const bare = await startBare();

  const rows: Array<{ request: string; concurrency: number; itsmP50: number; itsmP99: number; bareP50: number; bareP99: number; answerP50: number; answerP99: number; itsmGc: GcPauses; bareGc: GcPauses }> = [];
  let replies = 0;
  for (const kind of ['command', 'button'] as const) {
    for (const level of LEVELS) {
      // Rounds alternate the two apps, so a noisy moment on the machine falls on both; the percentiles pool them.
      const bareRun = { latencies: [] as number[], gc: { count: 0, totalMs: 0, longestMs: 0 } };
      const itsmRun = { latencies: [] as number[], ids: [] as string[], gc: { count: 0, totalMs: 0, longestMs: 0 } };
      for (let round = 0; round < ROUNDS; round += 1) {
        await run(load, bare.url, kind, level, WARMUP, fake);
        bareRun.latencies.push(...(await countingGc(bareRun.gc, () => run(load, bare.url, kind, level, REQUESTS_PER_RUN, fake))).latencies);
        await run(load, itsmUrl, kind, level, WARMUP, fake);
        replies += WARMUP;
        await settle(fake, replies);
        const measured = await countingGc(itsmRun.gc, () => run(load, itsmUrl, kind, level, REQUESTS_PER_RUN, fake));
        replies += REQUESTS_PER_RUN;
        await settle(fake, replies);
        itsmRun.latencies.push(...measured.latencies);
        itsmRun.ids.push(...measured.ids);
      }
      const answers = answerLatencies(fake, itsmRun.ids);
      rows.push({
        request: kind === 'command' ? '/itsm help' : 'button click',
        concurrency: level,
        itsmP50: percentile(itsmRun.latencies, 50),
        itsmP99: percentile(itsmRun.latencies, 99),
        bareP50: percentile(bareRun.latencies, 50),
        bareP99: percentile(bareRun.latencies, 99),
        answerP50: percentile(answers, 50),
        answerP99: percentile(answers, 99),
        itsmGc: itsmRun.gc,
        bareGc: bareRun.gc,
      });
    }
  }

  const f = (ms: number) => ms.toFixed(2);
  const gcText = (pauses: GcPauses) => `${pauses.count}, ${pauses.longestMs.toFixed(1)}`;
  const table = [
    '| request | in flight | itsm-bot ack p50 (ms) | itsm-bot ack p99 (ms) | bare Bolt ack p50 (ms) | bare Bolt ack p99 (ms) | ack p99 ratio | itsm-bot answer p50 / p99 (ms) | GC pauses itsm-bot / bare (count, longest ms) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.request} | ${row.concurrency} | ${f(row.itsmP50)} | ${f(row.itsmP99)} | ${f(row.bareP50)} | ${f(row.bareP99)} | ${(row.itsmP99 / row.bareP99).toFixed(2)}× | ${f(row.answerP50)} / ${f(row.answerP99)} | ${gcText(row.itsmGc)} / ${gcText(row.bareGc)} |`),
  ].join('\n');
  const worst = Math.max(...rows.map((row) => row.itsmP99 / row.bareP99));
  const verdict = `Goal: ack p99 ≤ 1.5× the bare app's in every row. Worst ratio ${worst.toFixed(2)}×: ${worst <= 1.5 ? 'PASS' : 'MISS'}. The answer column is the time from sending a request to its answer reaching Slack's side: work after an ack waits while requests are arriving (at most ${DEFAULT_ACK_FIRST.maxWaitMs} ms), so in a closed-loop burst most answers go out as it ends.`;
  const when = new Date().toISOString();
  const report = `# Slack ack latency (${when})\n\nNode ${process.version}, ${cpus().length} CPUs (load average ${loadAverage.toFixed(2)} at the start); ${ROUNDS} rounds of ${REQUESTS_PER_RUN} requests per cell, each after ${WARMUP} warm-up, the two apps alternating; loopback; embedded store; Slack's two sides (sending requests, answering Web API calls) each in a worker thread.\n\n${table}\n\n${verdict}\n`;
  console.log(report);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'slack-ack.md'), report);
  writeFileSync(join(dir, 'slack-ack.json'), JSON.stringify({ when, node: process.version, requestsPerCell: REQUESTS_PER_RUN * ROUNDS, rows }, null, 2));

  await load.close();
  await bare.close();
  await http.close(100);
  await fake.close();
  await harness.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
