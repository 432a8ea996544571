import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidSlackRequest, type App, type HTTPReceiver, type webApi } from '@slack/bolt';
import type { Logger } from '../../src/engine/logger';
import { ACKED_AT_ROUTE, type AckFirst } from './ack-first';
import { readBody, sendJson } from '../http/server';
import { readSlackRequest, type ClassifiedRequest } from './parse-request';

/** Who the bot is in its workspace, from `auth.test`. */
export interface SelfInfo {
  botUserId?: string;
  botId?: string;
  teamId?: string;
  appId?: string;
}

/** `auth.test` once, cached; a failure is not cached, so the next request tries again. */
export function cachedSelf(client: webApi.WebClient): () => Promise<SelfInfo> {
  let pending: Promise<SelfInfo> | undefined;
  return () => {
    pending ??= client.auth
      .test()
      .then((answer) => {
        const info = answer as typeof answer & { app_id?: string };
        return {
          ...(info.user_id ? { botUserId: info.user_id } : {}),
          ...(info.bot_id ? { botId: info.bot_id } : {}),
          ...(info.team_id ? { teamId: info.team_id } : {}),
          ...(info.app_id ? { appId: info.app_id } : {}),
        };
      })
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}

/** Slack's payloads are small; a modal with many options is the largest. */
const BODY_LIMIT_BYTES = 2_000_000;

/** Interaction types the adapter listens to; anything else is answered at once instead of timing out. */
// message_action: the message shortcut (listeners/shortcuts.ts); an unknown callback id is left to Bolt, which answers 404.
const HANDLED_INTERACTIONS = new Set(['block_actions', 'block_suggestion', 'view_submission', 'message_action']);

/**
 * Requests whose ack is always empty: every listener of these acks first and answers later (a slash command through
 * its response URL, a button by updating or posting, an event by its own Web API calls). The route acks them itself,
 * before any of Bolt's middleware runs, so an ack costs reading, verifying and parsing the body and nothing else.
 * A view submission (its ack carries field errors or the next view), a select's options, a message shortcut (Bolt
 * answers an unknown callback id with a 404) and Slack's handshakes go through Bolt's receiver as before.
 */
function ackedAtRoute(placed: ClassifiedRequest): boolean {
  return placed.kind === 'command' || placed.kind === 'event' || (placed.kind === 'interaction' && placed.name === 'block_actions');
}

/** The first value of a header Slack sends once. */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Why a signed request is not for this app and workspace, if it is not. */
async function foreign(placed: ClassifiedRequest, self: () => Promise<SelfInfo>): Promise<string | null> {
  if (placed.kind === 'url_verification' || placed.kind === 'ssl_check') return null;
  const me = await self().catch(() => null);
  if (!me) return null; // Bolt's authorize will fail and say so.
  if (placed.appId && me.appId && placed.appId !== me.appId) return `it is for another app (${placed.appId})`;
  // Members of other workspaces (Slack Connect) are not staff of this organisation.
  if (placed.teamId && me.teamId && placed.teamId !== me.teamId && !placed.enterprise) return `it comes from another workspace (${placed.teamId})`;
  return null;
}

/**
 * The handler of `POST /slack/events` on the shared server, and the only way into Bolt's HTTPReceiver. It checks
 * the signature and the 5-minute replay window once, with Bolt's own `isValidSlackRequest` (unsigned, wrongly
 * signed and stale requests get 401 here, and Bolt, built with `signatureVerification: false`, does not hash every
 * request a second time); a signed request Bolt would leave hanging for 3 seconds (a body it cannot place, a command
 * or interaction nobody listens to) or one meant for another app or workspace is answered at once with a 4xx.
 * Commands, button clicks and events are acked here and handed to Bolt's `processEvent` with the body already
 * parsed (see `ackedAtRoute`); Bolt's receiver does the rest: url_verification, view submissions, options.
 */
export function createEventsHandler(options: {
  receiver: HTTPReceiver;
  /** Where requests acked by the route are processed. */
  app: Pick<App, 'processEvent'>;
  signingSecret: string;
  /** The slash commands registered (read at request time). */
  commands: readonly string[];
  self: () => Promise<SelfInfo>;
  /** Told of every request, so that work after acks waits while requests are arriving. */
  ackFirst: AckFirst;
  logger: Logger;
}) {
  const { receiver, app, signingSecret, commands, self, ackFirst, logger } = options;
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.once('close', ackFirst.arrived());
    const raw = await readBody(req, BODY_LIMIT_BYTES);
    // Bolt reads `rawBody` when it is already there: the body is read once.
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    const text = raw.toString('utf8');
    const signature = req.headers['x-slack-signature'];
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    const signed =
      typeof signature === 'string' &&
      isValidSlackRequest({ signingSecret, body: text, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } });
    if (!signed) {
      // Bolt does not check again (signatureVerification: false): this route is its only way in.
      logger.info('refused a Slack request without a valid signature (missing, wrong, or older than five minutes)');
      res.writeHead(401).end();
      return;
    }
    const read = readSlackRequest(req.headers['content-type'], text);
    const placed = read?.placed;
    const unhandled =
      !placed ||
      (placed.kind === 'interaction' && !HANDLED_INTERACTIONS.has(placed.name ?? '')) ||
      (placed.kind === 'command' && !commands.includes(placed.name ?? ''));
    if (unhandled) {
      logger.warn({ kind: placed?.kind, name: placed?.name }, 'refused a signed Slack request the app does not handle');
      sendJson(res, 400, { error: 'This app does not handle that request.' });
      return;
    }
    if (placed.kind === 'rate_limited') {
      logger.warn('Slack is rate-limiting events to this app (app_rate_limited)');
      sendJson(res, 200, {});
      return;
    }
    const reason = await foreign(placed, self);
    if (reason) {
      logger.warn({ reason }, 'refused a Slack request not meant for this app');
      sendJson(res, 403, { error: 'This request is not for this app.' });
      return;
    }
    if (!ackedAtRoute(placed)) {
      receiver.requestListener(req, res);
      return;
    }
    res.writeHead(200).end();
    const retryNum = header(req, 'x-slack-retry-num');
    const retryReason = header(req, 'x-slack-retry-reason');
    const event = {
      body: read!.body,
      ack: async () => undefined,
      ...(retryNum !== undefined ? { retryNum: Number.parseInt(retryNum, 10) } : {}),
      ...(retryReason !== undefined ? { retryReason } : {}),
      customProperties: { [ACKED_AT_ROUTE]: true },
    };
    // Even Bolt's part waits until Slack's requests let up: while they arrive, a request costs only its ack.
    // Listeners report their own failures (app.error); this only sees Bolt failing before it reached one.
    ackFirst.afterAck(() => app.processEvent(event)).catch((error: unknown) => logger.error({ err: error, kind: placed.kind, name: placed.name }, 'Bolt failed to process a Slack request after its ack'));
  };
}
