import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Bot Connector on loopback: the service Teams' `serviceUrl` points at. It records what the bot sends
 * (`POST /v3/conversations/{id}/activities[/{replyToId}]`, `PUT …/activities/{id}` for updates), answers member
 * lookups the test has set up, and can be told to fail the next calls (429 with Retry-After, 500…).
 */

/** One request the bot made. Ids are decoded from the URL. */
export interface ConnectorCall {
  method: string;
  path: string;
  kind: 'send' | 'reply' | 'update' | 'member' | 'other';
  conversationId?: string;
  /** The reply-to id (reply) or the updated activity id (update). */
  activityId?: string;
  authorization?: string;
  body: Record<string, unknown> | undefined;
  /** The id the fake answered with (sends and replies). */
  answeredId?: string;
  status: number;
}

/** A scripted failure for the next matching calls. */
export interface Failure {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many calls fail (default 1). */
  times?: number;
  /** Which calls (default: sends, replies and updates). */
  kinds?: Array<ConnectorCall['kind']>;
}

/** The running fake: what it recorded, and how to steer it. */
export interface FakeBotConnector {
  /** The service URL to put in activities, ending in a region path like Teams' own (`…/emea/`). */
  readonly serviceUrl: string;
  readonly calls: ConnectorCall[];
  /** Calls that delivered something: sends, replies and updates that succeeded. */
  delivered(): ConnectorCall[];
  /** Resolves with the first recorded call that matches, waiting for it when needed. */
  waitFor(match: (call: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall>;
  /** Answers `GET /v3/conversations/{id}/members/{userId}` for this user id with this profile. */
  setMember(userId: string, profile: Record<string, unknown>): void;
  fail(failure: Failure): void;
  reset(): void;
  close(): Promise<void>;
}

function parse(path: string): Pick<ConnectorCall, 'kind' | 'conversationId' | 'activityId'> & { memberId?: string } {
  const at = path.indexOf('/v3/conversations/');
  if (at === -1) return { kind: 'other' };
  const parts = path.slice(at + '/v3/conversations/'.length).split('/').map((part) => decodeURIComponent(part));
  const [conversationId, collection, id] = parts;
  if (collection === 'activities') return { kind: id ? 'reply' : 'send', conversationId, ...(id ? { activityId: id } : {}) };
  if (collection === 'members' && id) return { kind: 'member', conversationId, memberId: id };
  return { kind: 'other', ...(conversationId ? { conversationId } : {}) };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { raw: text };
  }
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeBotConnector(): Promise<FakeBotConnector> {
  const calls: ConnectorCall[] = [];
  const members = new Map<string, Record<string, unknown>>();
  const failures: Failure[] = [];
  const waiters: Array<{ match: (call: ConnectorCall) => boolean; resolve: (call: ConnectorCall) => void }> = [];
  let counter = 0;

  function record(call: ConnectorCall): void {
    calls.push(call);
    for (const waiter of [...waiters]) {
      if (waiter.match(call)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const method = req.method ?? 'GET';
      const parsed = parse(path);
      const kind: ConnectorCall['kind'] = method === 'PUT' && parsed.kind === 'reply' ? 'update' : parsed.kind;
      const body = await readBody(req);
      const base = {
        method,
        path,
        kind,
        ...(parsed.conversationId ? { conversationId: parsed.conversationId } : {}),
        ...(parsed.activityId ? { activityId: parsed.activityId } : {}),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        body,
      };
      const failure = failures.find((candidate) => (candidate.kinds ?? ['send', 'reply', 'update']).includes(kind));
      if (failure) {
        failure.times = (failure.times ?? 1) - 1;
        if (failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
        record({ ...base, status: failure.status });
        res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
        res.end(JSON.stringify(failure.body ?? { error: { code: 'Failure', message: `scripted ${failure.status}` } }));
        return;
      }
      if (kind === 'member') {
        const profile = members.get(parsed.memberId ?? '');
        record({ ...base, status: profile ? 200 : 404 });
        res.writeHead(profile ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(profile ?? { error: { code: 'MemberNotFoundInConversation', message: 'no such member' } }));
        return;
      }
      if ((kind === 'send' || kind === 'reply') && method === 'POST') {
        counter += 1;
        const id = `activity-${counter}`;
        record({ ...base, status: 201, answeredId: id });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id }));
        return;
      }
      if (kind === 'update') {
        record({ ...base, status: 200 });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: parsed.activityId }));
        return;
      }
      record({ ...base, status: 404 });
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NotFound', message: `${method} ${path}` } }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    serviceUrl: `http://127.0.0.1:${port}/emea/`,
    calls,
    delivered: () => calls.filter((call) => ['send', 'reply', 'update'].includes(call.kind) && call.status < 300),
    waitFor(match, timeoutMs = 5_000) {
      const found = calls.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.findIndex((waiter) => waiter.resolve === done), 1);
          reject(new Error(`no matching Bot Connector call within ${timeoutMs} ms; calls: ${calls.map((call) => `${call.method} ${call.path}`).join(', ')}`));
        }, timeoutMs);
        const done = (call: ConnectorCall) => {
          clearTimeout(timer);
          resolve(call);
        };
        waiters.push({ match, resolve: done });
      });
    },
    setMember: (userId, profile) => void members.set(userId, profile),
    fail: (failure) => void failures.push({ ...failure }),
    reset() {
      calls.length = 0;
      failures.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
