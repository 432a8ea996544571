import type { types, webApi } from '@slack/bolt';
import type { Logger } from '../../src/engine/logger';
import type { SlackRef } from './parse-inbound';
import { postJson } from './post-json';
import type { SlackMessageBody } from './render-block-kit';

/**
 * Every call the adapter makes to Slack, in one place, with one retry policy: a 429 waits the `Retry-After` Slack
 * asked for; a network failure or a 5xx backs off (1 s, 2 s, 4 s). The WebClient itself is built with no retries
 * and `rejectRateLimitedCalls`, so a send never outlives the notifier's 5-minute claim (WebClient's default policy
 * keeps trying for about 30 minutes, long enough for another replica to send the same message again).
 */

/** The Web API methods the adapter calls (the manifest's scopes are checked against this list). */
export const WEB_API_METHODS = [
  'auth.test',
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'conversations.create',
  'conversations.invite',
  'conversations.open',
  'conversations.setTopic',
  'users.info',
  'views.open',
  'views.update',
  'views.publish',
] as const;

/** A Slack error code from a failed call (`channel_not_found`, `expired_trigger_id`…), if it was one. */
export function platformError(error: unknown): string | undefined {
  const coded = error as { code?: string; data?: { error?: string } };
  return coded?.code === 'slack_webapi_platform_error' ? coded.data?.error : undefined;
}

function retryDelayMs(error: unknown, attempt: number): number | null {
  const coded = error as { code?: string; retryAfter?: number; statusCode?: number };
  if (coded?.code === 'slack_webapi_rate_limited_error') return Math.max(0, coded.retryAfter ?? 1) * 1000;
  const transient = coded?.code === 'slack_webapi_request_error' || (coded?.code === 'slack_webapi_http_error' && (coded.statusCode ?? 0) >= 500);
  return transient ? 1000 * 2 ** (attempt - 1) : null;
}

/** Options of the outbound client. */
export interface SlackOutboundOptions {
  client: webApi.WebClient;
  logger: Logger;
  /** Attempts per call, the first included (default 5). */
  attempts?: number;
  /** Longest single wait before giving up on a call (default 60 s): Slack asking for more means "not now". */
  maxWaitMs?: number;
}

/** Creates the outbound side: posting, DMs, updates, response URLs and views. */
export function createSlackOutbound(options: SlackOutboundOptions) {
  const { client, logger } = options;
  const attempts = options.attempts ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 60_000;

  async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await fn();
      } catch (error) {
        const wait = retryDelayMs(error, attempt);
        if (wait === null || attempt >= attempts || wait > maxWaitMs) throw error;
        logger.info({ method: what, attempt, waitMs: wait }, 'Slack asked to wait; retrying');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async function openDm(userId: string): Promise<string> {
    const opened = await call('conversations.open', () => client.conversations.open({ users: userId }));
    const channel = opened.channel?.id;
    if (!channel) throw new Error(`conversations.open gave no channel for ${userId}`);
    return channel;
  }

  const outbound = {
    call,
    openDm,

    /** Posts into a channel (or thread); `key` travels as message metadata so a send can be traced to its key. */
    async post(channel: string, body: SlackMessageBody, extra: { threadTs?: string; key?: string } = {}): Promise<SlackRef> {
      const posted = await call('chat.postMessage', () =>
        client.chat.postMessage({
          channel,
          text: body.text,
          ...(body.blocks.length ? { blocks: body.blocks } : {}),
          ...(extra.threadTs ? { thread_ts: extra.threadTs } : {}),
          ...(extra.key ? { metadata: { event_type: 'itsm_delivery', event_payload: { key: extra.key } } } : {}),
        }),
      );
      return { c: posted.channel ?? channel, ...(posted.ts ? { ts: posted.ts } : {}) };
    },

    /** Posts a message only `user` sees, in a channel they are in. */
    async postEphemeral(channel: string, user: string, body: SlackMessageBody, threadTs?: string): Promise<void> {
      await call('chat.postEphemeral', () =>
        client.chat.postEphemeral({ channel, user, text: body.text, ...(body.blocks.length ? { blocks: body.blocks } : {}), ...(threadTs ? { thread_ts: threadTs } : {}) }),
      );
    },

    /** DMs a person: through a known DM channel, else one opened now. */
    async dm(userId: string, body: SlackMessageBody, extra: { dmChannel?: string; key?: string } = {}): Promise<SlackRef> {
      if (extra.dmChannel) {
        try {
          return await outbound.post(extra.dmChannel, body, extra);
        } catch (error) {
          if (platformError(error) !== 'channel_not_found') throw error;
        }
      }
      return outbound.post(await openDm(userId), body, extra);
    },

    /** Replaces a message: `chat.update` for a posted one, its response URL for an ephemeral one. */
    async update(ref: SlackRef, body: SlackMessageBody): Promise<void> {
      if (ref.c && ref.ts) {
        await call('chat.update', () => client.chat.update({ channel: ref.c!, ts: ref.ts!, text: body.text, blocks: body.blocks }));
      } else if (ref.u) {
        await outbound.respond(ref.u, { ...body, replace_original: true });
      }
    },

    /** Answers through a response URL (slash commands and buttons): ephemeral unless told otherwise. */
    async respond(url: string, payload: SlackMessageBody & { replace_original?: boolean; response_type?: 'ephemeral' | 'in_channel' }): Promise<void> {
      const body = { response_type: 'ephemeral', ...payload, ...(payload.blocks.length ? {} : { blocks: undefined }) };
      await call('response_url', async () => {
        // A network failure is retried like the WebClient's own (the same code), a refusal is not.
        const status = await postJson(url, body).catch((error: unknown) => {
          throw Object.assign(new Error(`response_url unreachable: ${(error as Error).message}`), { code: 'slack_webapi_request_error', original: error });
        });
        if (status < 200 || status >= 300) throw Object.assign(new Error(`response_url answered ${status}`), { code: 'slack_webapi_http_error', statusCode: status });
      });
    },

    /** Creates a public channel; resolves to its id. A taken name fails with the platform error `name_taken`. */
    async createChannel(name: string): Promise<string> {
      const created = await call('conversations.create', () => client.conversations.create({ name, is_private: false }));
      const id = created.channel?.id;
      if (!id) throw new Error(`conversations.create gave no channel for ${name}`);
      return id;
    },

    /** Invites users into a channel the bot is in; `force` invites the valid ones when some cannot be. */
    async invite(channel: string, users: readonly string[]): Promise<void> {
      await call('conversations.invite', () => client.conversations.invite({ channel, users: users.join(','), force: true }));
    },

    /** Sets a channel's topic (Slack keeps 250 characters). */
    async setTopic(channel: string, topic: string): Promise<void> {
      await call('conversations.setTopic', () => client.conversations.setTopic({ channel, topic: topic.slice(0, 250) }));
    },

    async openView(triggerId: string, view: types.ModalView): Promise<void> {
      await call('views.open', () => client.views.open({ trigger_id: triggerId, view }));
    },

    async updateView(viewId: string, view: types.ModalView): Promise<void> {
      await call('views.update', () => client.views.update({ view_id: viewId, view }));
    },

    async publishHome(userId: string, view: types.HomeView): Promise<void> {
      await call('views.publish', () => client.views.publish({ user_id: userId, view }));
    },
  };
  return outbound;
}

/** The outbound side of the adapter. */
export type SlackOutbound = ReturnType<typeof createSlackOutbound>;
