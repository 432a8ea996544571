import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Slack Web API on loopback: records every call (method, parameters, token) and answers like Slack
 * (`{ ok: true, … }`), or once with an error or a 429 when told to. It also takes the POSTs a bot makes to
 * `response_url`s (recorded as the method `response_url`), so fixtures' response URLs can point here.
 */

/** One call the bot made. */
export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  token?: string;
  path: string;
}

/** A Slack user as `users.info` describes them. */
export interface FakeSlackUser {
  id: string;
  name: string;
  realName?: string;
  displayName?: string;
  email?: string;
  tz?: string;
}

/** Who the fake says the bot is (`auth.test`); the recorded fixtures use these ids. */
export const FAKE_BOT = { userId: 'U0BOTUSER', botId: 'B0BOT0001', teamId: 'T0001ACME', appId: 'A0HELPBOT01' } as const;

type Answer = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };

/** The fake, started. */
export interface FakeSlackApi {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** What `SLACK_API_URL` should be: `http://127.0.0.1:<port>/api/` */
  readonly apiUrl: string;
  readonly calls: RecordedCall[];
  users: Map<string, FakeSlackUser>;
  /** Channel names that exist: `conversations.create` with one of them answers `name_taken`. */
  takenChannelNames: Set<string>;
  /** The WebSocket URL `apps.connections.open` hands out (Socket Mode tests). */
  socketUrl?: string;
  /** A response URL on the fake. */
  responseUrl(id?: string): string;
  callsTo(method: string): RecordedCall[];
  /** Resolves once `count` calls to `method` were made (or `match` found that many), failing after `timeoutMs`. */
  waitFor(method: string, count?: number, match?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall[]>;
  /** The next call to `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void;
  /** The next call to `method` answers 429 with `Retry-After`. */
  rateLimitNext(method: string, retryAfterSeconds: number): void;
  /** Forgets recorded calls (not users or planned failures). */
  reset(): void;
  close(): Promise<void>;
}

function parseParams(req: IncomingMessage, raw: string): Record<string, unknown> {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { raw };
    }
  }
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    params[key] = value;
    if (/^[[{]/.test(value)) {
      try {
        params[key] = JSON.parse(value);
      } catch {
        // keep the string
      }
    }
  }
  return params;
}

/** Starts the fake on 127.0.0.1 (a free port). */
export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: RecordedCall[] = [];
  const planned = new Map<string, Answer[]>();
  const waiters = new Set<() => void>();
  let tsCounter = 1_700_001_000;
  let viewCounter = 0;
  let channelCounter = 0;

  function plan(method: string, answer: Answer) {
    planned.set(method, [...(planned.get(method) ?? []), answer]);
  }

  function answerFor(call: RecordedCall, fake: FakeSlackApi): Answer {
    const queued = planned.get(call.method);
    if (queued?.length) return queued.shift()!;
    const p = call.params;
    switch (call.method) {
      case 'auth.test':
        return { body: { ok: true, url: 'https://acme-corp.slack.com/', team: 'Acme', user: 'itsm-bot', team_id: FAKE_BOT.teamId, user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, app_id: FAKE_BOT.appId } };
      case 'users.info': {
        const user = fake.users.get(String(p.user));
        if (!user) return { body: { ok: false, error: 'user_not_found' } };
        return {
          body: {
            ok: true,
            user: { id: user.id, name: user.name, real_name: user.realName ?? user.name, tz: user.tz, profile: { display_name: user.displayName ?? '', real_name: user.realName ?? user.name, ...(user.email ? { email: user.email } : {}) } },
          },
        };
      }
      case 'conversations.create': {
        channelCounter += 1;
        const name = String(p.name);
        if (fake.takenChannelNames.has(name)) return { body: { ok: false, error: 'name_taken' } };
        fake.takenChannelNames.add(name);
        return { body: { ok: true, channel: { id: `C0NEW${String(channelCounter).padStart(5, '0')}`, name, is_channel: true, is_private: false } } };
      }
      case 'conversations.invite':
        return { body: { ok: true, channel: { id: p.channel } } };
      case 'conversations.setTopic':
        return { body: { ok: true, channel: { id: p.channel, topic: { value: p.topic } } } };
      case 'conversations.open':
        return { body: { ok: true, channel: { id: `D${String(p.users).slice(1)}` } } };
      case 'chat.postMessage':
        tsCounter += 1;
        return { body: { ok: true, channel: p.channel, ts: `${tsCounter}.000100`, message: { text: p.text } } };
      case 'chat.postEphemeral':
        tsCounter += 1;
        return { body: { ok: true, message_ts: `${tsCounter}.000200` } };
      case 'chat.update':
        return { body: { ok: true, channel: p.channel, ts: p.ts } };
      case 'views.open':
      case 'views.update':
      case 'views.publish':
        viewCounter += 1;
        return { body: { ok: true, view: { id: `V${String(viewCounter).padStart(8, '0')}` } } };
      case 'apps.connections.open':
        return { body: fake.socketUrl ? { ok: true, url: fake.socketUrl } : { ok: false, error: 'no_socket_url' } };
      default:
        return { body: { ok: true } };
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const isResponseUrl = path.startsWith('/response/');
      const method = isResponseUrl ? 'response_url' : path.replace(/^\/api\//, '');
      const token = req.headers.authorization?.replace(/^Bearer\s+/i, '');
      const call: RecordedCall = { method, params: parseParams(req, raw), path, ...(token ? { token } : {}) };
      calls.push(call);
      const answer = isResponseUrl ? { body: { ok: true } } : answerFor(call, fake);
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
      res.end(JSON.stringify(answer.body));
      for (const wake of [...waiters]) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  // The handler above reads `fake` only when a request arrives, after this line has run.
  const fake: FakeSlackApi = {
    url,
    apiUrl: `${url}/api/`,
    calls,
    users: new Map(),
    takenChannelNames: new Set(),
    responseUrl: (id = 'hook') => `${url}/response/${id}`,
    callsTo: (method) => calls.filter((call) => call.method === method),
    waitFor(method, count = 1, match = () => true, timeoutMs = 5000) {
      const found = () => calls.filter((call) => call.method === method && match(call));
      if (found().length >= count) return Promise.resolve(found());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${timeoutMs} ms for ${count} call(s) to ${method}; saw: ${calls.map((call) => call.method).join(', ') || 'none'}`));
        }, timeoutMs);
        const check = () => {
          if (found().length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found());
        };
        waiters.add(check);
      });
    },
    failNext: (method, error) => plan(method, { body: { ok: false, error } }),
    rateLimitNext: (method, retryAfterSeconds) => plan(method, { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } }),
    reset: () => void calls.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
