import type { Logger } from '../../src/engine/logger';
import type { Message, MessageRef } from '../../src/engine/message';
import type { Transport } from '../../src/engine/notifier';
import { fromMessageRef, toMessageRef, type SlackRef } from './parse-inbound';
import { openFormPrompt, type PendingForms } from './pending-forms';
import { renderMessage, renderMessagePages, type RenderContext } from './render-block-kit';
import { createSlackRoom } from './slack-rooms';
import type { SlackOutbound } from './slack-outbound';

/**
 * Where the address book says a person or channel is on Slack. Saved by the adapter on every interaction
 * (`userId`, plus the DM channel once known); the notifier falls back to `{ conversationId }` for team channels.
 */
export interface SlackAddress {
  userId?: string;
  dmChannel?: string;
  teamId?: string;
  conversationId?: string;
}

function readAddress(address: Record<string, unknown>): SlackAddress {
  const pick = (key: string) => (typeof address[key] === 'string' && address[key] ? (address[key] as string) : undefined);
  const out: SlackAddress = {};
  for (const key of ['userId', 'dmChannel', 'teamId', 'conversationId'] as const) {
    const value = pick(key);
    if (value) out[key] = value;
  }
  return out;
}

/**
 * The notifier's Slack transport: DMs a person (`conversations.open` + `chat.postMessage`), posts to a channel,
 * updates an earlier message, and creates rooms (a public channel per major incident). A long message is paged;
 * the reference returned is its first page's.
 */
export function createSlackTransport(options: {
  outbound: SlackOutbound;
  render: RenderContext;
  pendingForms: PendingForms;
  logger: Logger;
}): Transport {
  const { outbound, render, pendingForms, logger } = options;

  return {
    channel: 'slack',
    // chat.postMessage takes a channel id as it is (chat:write.public lets the bot post where it was not invited).
    reachesConversationsById: true,
    // conversations.open takes a user id: a person the organisation file lists with one can be DMed before they
    // ever message the bot.
    addressOfListed: (listed) => (listed.slackUserId ? { userId: listed.slackUserId } : undefined),

    // `key` is optional and extra to the Transport port: when the notifier passes its idempotency key, it travels
    // with the message as metadata (Slack's chat.postMessage has no idempotency key of its own).
    async send(address: Record<string, unknown>, message: Message, extra?: { key?: string }): Promise<MessageRef> {
      const to = readAddress(address);
      const pages = renderMessagePages(message, render);
      const key = extra?.key;
      let first: SlackRef | undefined;
      let channel: string;
      if (to.conversationId) {
        channel = to.conversationId;
        first = await outbound.post(channel, pages[0]!, { ...(key ? { key } : {}) });
      } else if (to.userId) {
        first = await outbound.dm(to.userId, pages[0]!, { ...(to.dmChannel ? { dmChannel: to.dmChannel } : {}), ...(key ? { key } : {}) });
        channel = first.c!;
      } else {
        throw new Error('a Slack address needs a userId or a conversationId');
      }
      for (const page of pages.slice(1)) await outbound.post(channel, page);
      if (message.form) {
        if (to.userId) {
          const id = await pendingForms.save({ form: message.form, userId: to.userId, ch: channel });
          await outbound.post(channel, openFormPrompt(message.form, id));
        } else {
          logger.warn({ form: message.form.id, channel }, 'a form cannot be sent to a whole channel; only its message was posted');
        }
      }
      return toMessageRef(first);
    },

    createRoom: (spec) => createSlackRoom(outbound, spec, logger),

    async update(ref, message) {
      const slackRef = fromMessageRef(ref);
      if (!slackRef) throw new Error('not a Slack message reference');
      await outbound.update(slackRef, renderMessage(message, render));
    },
  };
}
