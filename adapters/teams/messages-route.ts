import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from '../../src/engine/logger';
import { isLoopback, readJson, sendJson, type Route } from '../http/server';
import { envelopeProblem } from './parse-activity';

/**
 * `POST /api/messages`: where Teams (through Azure Bot Service) and the Bot Framework Emulator deliver
 * activities. The body is read and checked here first — malformed JSON and activities missing required fields
 * get a 400 naming the problem — and then handed to botbuilder's CloudAdapter, which verifies the JWT (issuer,
 * audience, signing keys, serviceUrl claim) when an app id is set, runs the turn and gives the answer.
 */

/** The largest activity accepted; Teams' own limit is far below it. */
const MAX_BODY_BYTES = 512_000;

/** What the route needs. */
export interface MessagesRouteOptions {
  adapter: CloudAdapter;
  logic: (context: TurnContext) => Promise<void>;
  /** True when requests carry Bot Framework tokens (an app id is set); false in Emulator mode. */
  authenticated: boolean;
  logger: Logger;
  /** Judges whether a request comes from this machine (tests pass a fake remote address). */
  isLocal?: (req: IncomingMessage) => boolean;
}

/** Without authentication the endpoint is the Emulator's: anyone else could speak as anybody, so loopback only. */
export function teamsRequestAllowed(req: IncomingMessage, authenticated: boolean, isLocal: (req: IncomingMessage) => boolean = isLoopback): boolean {
  return authenticated || isLocal(req);
}

/** The express-like response CloudAdapter writes to; the real response is written from what it recorded. */
function responseShim() {
  const recorded = { status: 200, body: undefined as unknown, headers: {} as Record<string, string> };
  const shim = {
    // Part of botbuilder's Response type (used only for streaming connections, which this route does not offer).
    socket: null as unknown,
    status(code: number) {
      recorded.status = code;
      return shim;
    },
    header(name: string, value: unknown) {
      recorded.headers[name.toLowerCase()] = String(value);
      return shim;
    },
    send(body?: unknown) {
      recorded.body = body;
      return shim;
    },
    end() {
      return shim;
    },
  };
  return { shim, recorded };
}

/** Creates the route. */
export function messagesRoute(options: MessagesRouteOptions): Route {
  const { adapter, logic, authenticated, logger } = options;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!teamsRequestAllowed(req, authenticated, options.isLocal)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Without MICROSOFT_APP_ID the Teams endpoint runs for the Bot Framework Emulator and answers only on this machine.');
      return;
    }
    const body = await readJson(req, MAX_BODY_BYTES);
    const problem = envelopeProblem(body);
    if (problem) {
      sendJson(res, 400, { error: `not a Bot Framework activity: ${problem}` });
      return;
    }

    let turnStarted = false;
    const { shim, recorded } = responseShim();
    await adapter.process({ body: body as Record<string, unknown>, headers: req.headers, method: 'POST' }, shim, async (context) => {
      turnStarted = true;
      await logic(context);
    });

    let status = recorded.status;
    // A token signed by a key that is not the channel's (a forged token) makes botbuilder fail with 500 before
    // any turn runs; with authentication on, nothing else fails there, so it is the caller's fault: 401.
    if (authenticated && !turnStarted && status >= 500) status = 401;
    if (status === 401 || status === 403) {
      logger.warn(
        { status, botbuilderStatus: recorded.status, reason: typeof recorded.body === 'string' ? recorded.body : undefined },
        'refused a Teams request: its token is not valid for this bot',
      );
      sendJson(res, status, { error: 'unauthorized' });
      return;
    }
    if (status >= 500) {
      logger.error({ status, reason: typeof recorded.body === 'string' ? recorded.body : undefined }, 'botbuilder could not process a Teams request');
      sendJson(res, status, { error: 'internal error' });
      return;
    }
    if (recorded.body === undefined || recorded.body === null || recorded.body === '') {
      res.writeHead(status);
      res.end();
      return;
    }
    sendJson(res, status, recorded.body);
  }

  return { method: 'POST', path: '/api/messages', handle };
}
