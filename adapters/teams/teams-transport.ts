import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { Logger } from '../../src/engine/logger';
import type { Message, MessageRef } from '../../src/engine/message';
import type { Transport } from '../../src/engine/notifier';
import type { CardRenderer } from './card-renderer';
import { baseConversationId, decodeMessageRef, encodeMessageRef, referenceFromAddress } from './conversation-references';
import { cardActivity } from './render-adaptive-card';

/**
 * Proactive messages to Teams: the notifier's sends and updates, through `continueConversationAsync` on a saved
 * conversation reference. The connector's own pipeline already retries a 429 a few times after its
 * `Retry-After`; past that, each call is tried again here a bounded number of times, and a wait longer than
 * allowed gives up at once — the notifier's idempotency lets a later sweep try again without sending twice.
 */

/** How throttled calls are retried on top of the connector's own retries. */
export interface ThrottlePolicy {
  /** Tries per call, the first included (default 3). */
  attempts?: number;
  /** The longest `Retry-After` honoured; a longer one gives up (default 30 s). */
  maxWaitMs?: number;
  /** How to wait (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
}

/** A connector call that failed with HTTP 429 Too Many Requests, after every retry allowed. */
export class TeamsThrottledError extends Error {
  readonly code = 'teams_throttled';
  constructor(readonly retryAfterMs: number | undefined) {
    super(`Teams is throttling the bot${retryAfterMs !== undefined ? ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)` : ''}`);
    this.name = 'TeamsThrottledError';
  }
}

/** The HTTP status of a connector error (RestError from the Azure pipeline), if any. */
export function statusOf(error: unknown): number | undefined {
  const candidate = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown } } | null;
  const status = candidate?.statusCode ?? candidate?.status ?? candidate?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The wait a 429 asks for: `Retry-After` in seconds or as an HTTP date, or the `retry-after-ms` variants. */
export function retryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } } | null)?.response?.headers;
  const get = (name: string) => (typeof headers?.get === 'function' ? headers.get(name) : undefined);
  const ms = get('retry-after-ms') ?? get('x-ms-retry-after-ms');
  if (ms !== undefined && ms !== null && ms !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = get('retry-after');
  if (value === undefined || value === null || value === '') return undefined;
  if (Number.isFinite(Number(value))) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs a connector call, waiting out 429s within the policy; other errors pass straight through. */
export async function withThrottling<T>(call: () => Promise<T>, policy: ThrottlePolicy = {}): Promise<T> {
  const attempts = Math.max(1, policy.attempts ?? 3);
  const maxWaitMs = policy.maxWaitMs ?? 30_000;
  const sleep = policy.sleep ?? realSleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (statusOf(error) !== 429) throw error;
      const wait = retryAfterMs(error);
      if (attempt >= attempts || (wait ?? 0) > maxWaitMs) throw new TeamsThrottledError(wait);
      await sleep(wait ?? Math.min(maxWaitMs, 1000 * 2 ** (attempt - 1)));
    }
  }
}

/** What the transport needs from the adapter. */
export interface TeamsTransportOptions {
  adapter: CloudAdapter;
  /** The bot's app id ('' in Emulator mode). */
  appId: string;
  renderer: CardRenderer;
  logger: Logger;
  throttle?: ThrottlePolicy;
  /** The service URL Teams last used, for channels the bot has no reference for yet. */
  serviceUrl?(): string | undefined;
}

/** Creates the Teams transport the notifier sends through. */
export function createTeamsTransport(options: TeamsTransportOptions): Transport {
  const { adapter, appId, renderer, logger } = options;

  /**
   * Runs `work` in a proactive turn. botbuilder hands a failure inside the turn to `onTurnError` (which would tell
   * the conversation something went wrong) instead of rejecting, so the error is carried out by hand.
   */
  async function inConversation<T>(reference: Partial<ConversationReference>, work: (context: TurnContext) => Promise<T>): Promise<T> {
    let result: { value: T } | undefined;
    let failure: { error: unknown } | undefined;
    await adapter.continueConversationAsync(appId, reference, async (context) => {
      try {
        result = { value: await work(context) };
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) throw failure.error;
    if (!result) throw new Error('the proactive Teams turn did not run');
    return result.value;
  }

  return {
    channel: 'teams',

    async send(address, message: Message): Promise<MessageRef> {
      const reference = referenceFromAddress(address, { appId, ...(options.serviceUrl?.() ? { serviceUrl: options.serviceUrl()! } : {}) });
      const conversationId = baseConversationId(reference.conversation!.id);
      const activities = await renderer.activities(message, conversationId);
      const ids = await inConversation(reference, async (context) => {
        const sent: string[] = [];
        // One call per activity, each with its own throttling budget: a retry never repeats one already sent.
        for (const activity of activities) {
          const response = await withThrottling(() => context.sendActivity(activity), options.throttle);
          sent.push(response?.id ?? '');
        }
        return sent;
      });
      // A split message is updated through its last activity: the one with the buttons or the form.
      const last = ids[ids.length - 1] ?? '';
      if (!last) logger.warn({ conversationId }, 'Teams did not return an activity id; the message cannot be updated later');
      return encodeMessageRef(reference, last || 'unknown');
    },

    async update(ref, message) {
      const { reference, activityId } = decodeMessageRef(ref);
      const card = await renderer.single(message, baseConversationId(reference.conversation!.id));
      await inConversation(reference, (context) =>
        withThrottling(() => context.updateActivity({ ...cardActivity(card, message.summary), id: activityId }), options.throttle),
      );
    },
  };
}
