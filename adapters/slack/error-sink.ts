import { randomUUID } from 'node:crypto';
import type { Logger } from '../../src/engine/logger';
import type { SlackOutbound } from './slack-outbound';

/** A Bolt error, unwrapped: Bolt wraps what a listener throws in an `UnknownError` with the cause as `original`. */
function unwrap(error: unknown): unknown {
  const coded = error as { code?: string; original?: unknown };
  return coded?.code === 'slack_bolt_unknown_error' && coded.original ? coded.original : error;
}

/** The words a person sees when something failed on our side: what to do, and the reference to quote. */
export function sorryText(reference: string): string {
  return `Something went wrong on our side and nothing more was done. Please try again; if it keeps happening, quote reference ${reference}.`;
}

/**
 * The adapter's one sink for unexpected errors (expected outcomes come back from the dispatcher as messages):
 * logs the error with a short reference id that the person is told, so an operator can find the line.
 */
export function createErrorSink(logger: Logger) {
  return {
    /** Logs an unexpected error; returns the reference to tell the person. */
    report(error: unknown, details: Record<string, unknown> = {}): string {
      const reference = randomUUID().slice(0, 8);
      const cause = unwrap(error);
      const slackError = (cause as { data?: { error?: string } })?.data?.error;
      logger.error({ err: cause, reference, ...details, ...(slackError ? { slackError } : {}) }, 'Slack adapter failed');
      return reference;
    },
    unwrap,
  };
}

/** The adapter's error sink. */
export type ErrorSink = ReturnType<typeof createErrorSink>;

/** The part of a Bolt payload that says whom to tell. */
interface ErrorBody {
  type?: string;
  response_url?: string;
  response_urls?: Array<{ response_url?: string }>;
  user_id?: string;
  user?: { id?: string };
  event?: { type?: string; user?: string };
}

/**
 * Bolt's error handler (`app.error`, extended form): an unauthorised request is a warning; anything else is
 * logged once with a reference, and the person is told that reference (by the response URL, else a DM).
 */
export function boltErrorHandler(options: { errors: ErrorSink; outbound: SlackOutbound; logger: Logger }) {
  const { errors, outbound, logger } = options;
  return async ({ error, body }: { error: Error & { code?: string }; body?: unknown }): Promise<void> => {
    if (error.code === 'slack_bolt_authorization_error') {
      logger.warn({ reason: error.message }, 'Slack request not authorised; nothing was done');
      return;
    }
    const payload = (body ?? {}) as ErrorBody;
    const reference = errors.report(error, { slackType: payload.type, eventType: payload.event?.type });
    const sorry = { text: sorryText(reference), blocks: [] };
    const responseUrl = payload.response_url ?? payload.response_urls?.[0]?.response_url;
    const userId = payload.user?.id ?? payload.user_id ?? payload.event?.user;
    try {
      if (responseUrl) await outbound.respond(responseUrl, sorry);
      else if (userId) await outbound.dm(userId, sorry);
    } catch (tellError) {
      logger.warn({ err: tellError, reference }, 'could not tell the person about the failure');
    }
  };
}
