import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { MessageRef } from '../../src/engine/message';

/**
 * Conversation references: how the bot reaches a Teams conversation later (proactive messages, card updates).
 * The address book stores them opaquely; this file is the only place that knows their shape.
 */

/** Teams' global service URL for proactive messages to a conversation the bot has not heard from yet. */
export const TEAMS_GLOBAL_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

const accountSchema = z.looseObject({ id: z.string().min(1), name: z.string().optional(), aadObjectId: z.string().optional() });

/** A stored reference, as saved by this adapter (and as loaded back: validated, since the store is shared). */
export const referenceSchema = z.looseObject({
  channelId: z.string().min(1),
  serviceUrl: z.url(),
  conversation: z.looseObject({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
    isGroup: z.boolean().optional(),
  }),
  bot: accountSchema.optional(),
  user: accountSchema.optional(),
  locale: z.string().optional(),
});

/** The base id of a conversation: a channel thread id without its `;messageid=…` suffix. */
export function baseConversationId(id: string): string {
  const at = id.indexOf(';messageid=');
  return at === -1 ? id : id.slice(0, at);
}

/** The thread (root message id) a channel conversation id points into, if any. */
export function threadOf(id: string): string | undefined {
  const match = /;messageid=([^;]+)/.exec(id);
  return match?.[1];
}

/** The id of the channel an activity came from (a team's channel), from Teams' channel data or the conversation. */
export function channelConversationId(activity: Partial<Activity>): string {
  const data = (activity.channelData ?? {}) as { channel?: { id?: unknown } };
  return typeof data.channel?.id === 'string' && data.channel.id ? data.channel.id : baseConversationId(activity.conversation?.id ?? '');
}

function compact(reference: Partial<ConversationReference>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(reference)) as Record<string, unknown>;
}

/** A person's reference: their one-to-one chat with the bot, not tied to a message (so sends start new ones). */
export function personalReference(activity: Partial<Activity>): Record<string, unknown> {
  const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(activity);
  return compact(reference);
}

/**
 * A channel's reference: the channel itself, not the thread the activity came from, and no user — a message to
 * the channel starts a new post that belongs to nobody's chat.
 */
export function channelReference(activity: Partial<Activity>, conversationId: string): Record<string, unknown> {
  const { activityId: _activityId, user: _user, ...reference } = TurnContext.getConversationReference(activity);
  return compact({ ...reference, conversation: { ...reference.conversation!, id: conversationId } });
}

/**
 * The reference for an address the notifier handed over. A team's `teamsChannel` with no saved reference
 * arrives as `{ conversationId }` only: it is sent through Teams' global service URL, as Microsoft documents
 * for proactive messages, with the bot's own id.
 */
export function referenceFromAddress(address: Record<string, unknown>, bot: { appId: string; serviceUrl?: string }): Partial<ConversationReference> {
  const parsed = referenceSchema.safeParse(address);
  if (parsed.success) return parsed.data as unknown as Partial<ConversationReference>;
  const conversationId = typeof address.conversationId === 'string' ? address.conversationId : '';
  if (!conversationId) throw new Error('a Teams address needs a conversation reference or a conversationId');
  return {
    channelId: 'msteams',
    serviceUrl: bot.serviceUrl ?? TEAMS_GLOBAL_SERVICE_URL,
    conversation: { id: conversationId, isGroup: true, conversationType: 'channel', name: '' },
    bot: { id: `28:${bot.appId}`, name: '' },
  };
}

const messageRefSchema = z.object({ r: referenceSchema, a: z.string().min(1) });

/** A reference to one sent activity, so it can be updated in place (what {@link MessageRef} carries for Teams). */
export function encodeMessageRef(reference: Partial<ConversationReference>, activityId: string): MessageRef {
  const { activityId: _activityId, ...rest } = reference;
  return { channel: 'teams', ref: JSON.stringify({ r: compact(rest), a: activityId }) };
}

/** Reads a {@link MessageRef} written by {@link encodeMessageRef}; throws when it is not one. */
export function decodeMessageRef(ref: MessageRef): { reference: Partial<ConversationReference>; activityId: string } {
  if (ref.channel !== 'teams') throw new Error(`not a Teams message reference (${ref.channel})`);
  let raw: unknown;
  try {
    raw = JSON.parse(ref.ref);
  } catch {
    throw new Error('a Teams message reference is not valid JSON');
  }
  const parsed = messageRefSchema.parse(raw);
  return { reference: parsed.r as unknown as Partial<ConversationReference>, activityId: parsed.a };
}
