import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../src/engine/logger';

/** One route on the shared HTTP server: every adapter mounts its routes here (one port for everything). */
export interface Route {
  method: 'GET' | 'POST';
  /** An exact path, or a prefix ending in `*` (e.g. `/webchat/*`). */
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

/** The shared server with a graceful stop. */
export interface HttpServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), then closes the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Thrown by body readers: answered as the given status with a plain message. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Reads a request body up to `limitBytes` (413 past it). */
export async function readBody(req: IncomingMessage, limitBytes = 1_000_000): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new HttpError(413, `request body over ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads and parses a JSON body (400 when it is not JSON). */
export async function readJson(req: IncomingMessage, limitBytes?: number): Promise<unknown> {
  const body = await readBody(req, limitBytes);
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'the request body is not valid JSON');
  }
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever its socket says. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host'];

/**
 * True for requests from this machine (127.0.0.0/8, ::1, IPv4-mapped loopback) that no proxy forwarded: behind a
 * reverse proxy on the same host every request arrives from loopback, so forwarded ones count as remote.
 */
export function isLoopback(req: Pick<IncomingMessage, 'socket' | 'headers'>): boolean {
  if (FORWARDING_HEADERS.some((header) => req.headers[header] !== undefined)) return false;
  const address = req.socket.remoteAddress ?? '';
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function matches(route: Route, method: string, path: string): boolean {
  if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) return false;
  return route.path.endsWith('*') ? path.startsWith(route.path.slice(0, -1)) : route.path === path;
}

/** Creates the server over the routes; unknown paths get 404, known paths with another method 405. */
export function createHttpServer(routes: readonly Route[], logger: Logger): HttpServer {
  let inFlight = 0;
  let closing = false;
  const idle: Array<() => void> = [];

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (closing) {
      res.writeHead(503, { connection: 'close', 'retry-after': '5', 'content-type': 'text/plain' });
      res.end('shutting down');
      return;
    }
    const route = routes.find((candidate) => matches(candidate, method, path));
    if (!route) {
      const allowed = routes.some((candidate) => candidate.path === path);
      res.writeHead(allowed ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(allowed ? 'method not allowed' : 'not found');
      return;
    }
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      if (inFlight === 0) idle.splice(0).forEach((resolve) => resolve());
    });
    Promise.resolve()
      .then(() => route.handle(req, res))
      .catch((error: unknown) => {
        if (error instanceof HttpError) {
          if (!res.headersSent) sendJson(res, error.status, { error: error.message });
          else res.end();
          return;
        }
        const reference = randomUUID().slice(0, 8);
        logger.error({ err: error, reference, path, method }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { error: `internal error (reference ${reference})` });
        else res.end();
      });
  });
  // Slack and the Bot Connector keep connections alive; a long keep-alive would hold shutdown open.
  server.keepAliveTimeout = 5_000;

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close(graceMs = 8_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => idle.push(resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
