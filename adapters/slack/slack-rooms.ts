import type { Logger } from '../../src/engine/logger';
import type { CreatedRoom, RoomSpec } from '../../src/engine/notifier';
import { platformError, type SlackOutbound } from './slack-outbound';

/**
 * Rooms on Slack: a public channel per piece of work (a major incident), created by the bot, with the people
 * invited and the topic set. Slack's channel names are lower-case letters, digits, hyphens and underscores, at
 * most 80 characters, and unique in the workspace (archived channels keep their names).
 */

/** Slack's longest channel name. */
export const SLACK_CHANNEL_NAME_MAX = 80;

/** How many names are tried (`name`, `name-2` … `name-10`) before giving up. */
const NAME_ATTEMPTS = 10;

/** A name Slack accepts: `INC-000123 VPN down (Lyon)!` → `inc-000123-vpn-down-lyon`; `suffix` is kept whole. */
export function slackChannelName(name: string, suffix = ''): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  const room = SLACK_CHANNEL_NAME_MAX - suffix.length;
  const cut = base.slice(0, room).replace(/[-_]+$/, '');
  return `${cut || 'room'}${suffix}`;
}

/** The Slack user ids among member addresses: the saved `userId`, else the organisation file's `slackUserId`. */
export function slackUserIds(members: readonly Record<string, unknown>[]): string[] {
  const ids = members.map((member) => (typeof member.userId === 'string' ? member.userId : typeof member.slackUserId === 'string' ? member.slackUserId : undefined));
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && /^[UW][A-Z0-9]+$/.test(id)))];
}

/**
 * Creates the channel (`name_taken` → the next suffix), invites the members the bot knows on Slack and sets the
 * topic. Once the channel exists it is the room: a failed invite or topic is logged, not thrown, so a retry does
 * not create a second channel.
 */
export async function createSlackRoom(outbound: SlackOutbound, spec: RoomSpec, logger: Logger): Promise<CreatedRoom> {
  let channel: string | undefined;
  for (let attempt = 1; !channel; attempt += 1) {
    const name = slackChannelName(spec.name, attempt === 1 ? '' : `-${attempt}`);
    try {
      channel = await outbound.createChannel(name);
    } catch (error) {
      if (platformError(error) !== 'name_taken' || attempt >= NAME_ATTEMPTS) throw error;
    }
  }
  const users = slackUserIds(spec.members);
  if (users.length > 0) {
    try {
      await outbound.invite(channel, users);
    } catch (error) {
      logger.warn({ err: error, channel, users: users.length }, 'room created, but some people could not be invited');
    }
  }
  try {
    await outbound.setTopic(channel, spec.topic);
  } catch (error) {
    logger.warn({ err: error, channel }, "room created, but its topic could not be set");
  }
  return { conversationId: channel, address: { conversationId: channel } };
}
