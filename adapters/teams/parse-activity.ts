import type { Activity } from 'botbuilder';
import { z } from 'zod';
import type { ChatIdentity, Conversation } from '../../src/engine/events';
import { baseConversationId, threadOf } from './conversation-references';

/**
 * Reading Bot Framework activities into the engine's terms: which kind of turn it is, the words without the
 * bot's @mention, the conversation, and who sent it. Pure functions over the activity, tested against recorded
 * Teams payloads.
 */

const account = z.looseObject({ id: z.string({ error: 'is missing' }).min(1, 'must not be empty').max(500) }, { error: 'is missing' });

/**
 * The envelope every activity must have before botbuilder sees it. botbuilder itself rejects an activity without
 * a `type` by throwing; checking here answers 400 with the field at fault.
 */
export const activityEnvelopeSchema = z.looseObject({
  type: z.string({ error: 'is missing' }).min(1, 'must not be empty').max(100),
  id: z.string().max(300).optional(),
  channelId: z.string({ error: 'is missing' }).min(1, 'must not be empty').max(100),
  serviceUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  conversation: z.looseObject({ id: z.string({ error: 'is missing' }).min(1, 'must not be empty').max(500) }, { error: 'is missing' }),
  from: account,
  recipient: account.optional(),
  entities: z.array(z.looseObject({ type: z.string() }), { error: 'must be a list of entities with a type' }).max(200).optional(),
  text: z.string().max(100_000).optional(),
  name: z.string().max(200).optional(),
});

/** The envelope's problem as one line (`conversation.id is missing`), or null when it is fine. */
export function envelopeProblem(body: unknown): string | null {
  const parsed = activityEnvelopeSchema.safeParse(body);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.') || 'activity';
  return `${path} ${issue.message}`;
}

/** The invoke Teams sends for Action.Execute (Universal Actions). */
export const ADAPTIVE_CARD_ACTION_INVOKE = 'adaptiveCard/action';

const executeValueSchema = z.object({
  action: z.looseObject({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1).max(200),
    data: z.unknown().optional(),
  }),
  trigger: z.string().optional(),
});

/** What an Action.Execute invoke asked for, or null when its value is not one. */
export function readExecute(value: unknown): { verb: string; data: unknown } | null {
  const parsed = executeValueSchema.safeParse(value);
  return parsed.success ? { verb: parsed.data.action.verb, data: parsed.data.action.data ?? {} } : null;
}

/**
 * The words of a message without the bot's @mention (a channel message reads `<at>HelpBot</at> incident …`).
 * Other people's mentions keep their names; stray tags and non-breaking spaces are tidied. This reads the mention
 * entities itself rather than through `TurnContext.removeRecipientMention`, which rewrites the activity in place.
 */
export function messageText(activity: Partial<Activity>): string {
  const botId = activity.recipient?.id;
  let text = activity.text ?? '';
  for (const entity of activity.entities ?? []) {
    const mention = entity as { type?: unknown; text?: unknown; mentioned?: { id?: unknown } };
    if (String(mention.type).toLowerCase() === 'mention' && botId && mention.mentioned?.id === botId && typeof mention.text === 'string') {
      text = text.split(mention.text).join(' ');
    }
  }
  return text
    .replace(/<at[^>]*>(.*?)<\/at>/gi, '$1')
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/**
 * The id the engine de-duplicates deliveries by. Teams message ids are timestamps, unique only within their
 * conversation, so the conversation is part of it: two people writing in the same millisecond stay two events.
 */
export function deliveryIdOf(activity: Partial<Activity>): string | undefined {
  return activity.id ? `${activity.conversation?.id ?? ''}|${activity.id}` : undefined;
}

/** A one-to-one chat with the bot: Teams says `personal`; the Emulator says nothing but is not a group. */
export function isPersonal(activity: Partial<Activity>): boolean {
  const type = activity.conversation?.conversationType;
  return type === 'personal' || (!type && activity.conversation?.isGroup !== true);
}

/** The engine's view of where the activity happened; a channel thread keeps its root as `threadId`. */
export function conversationOf(activity: Partial<Activity>): Conversation {
  const id = activity.conversation?.id ?? '';
  const thread = threadOf(id);
  return { channel: 'teams', id: baseConversationId(id), direct: isPersonal(activity), ...(thread ? { threadId: thread } : {}) };
}

function validTimeZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || !zone || zone.length > 64) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** The sender's time zone: the activity's `localTimezone`, else the `clientInfo` entity Teams adds. */
export function timeZoneOf(activity: Partial<Activity>): string | undefined {
  const fromActivity = validTimeZone((activity as { localTimezone?: unknown }).localTimezone);
  if (fromActivity) return fromActivity;
  const clientInfo = activity.entities?.find((entity) => entity.type === 'clientInfo') as { timezone?: unknown } | undefined;
  return validTimeZone(clientInfo?.timezone);
}

/** The sender as the activity names them: the AAD object id when Teams gives one, else the channel account id. */
export function identityOf(activity: Partial<Activity>): ChatIdentity {
  const from = activity.from;
  const userId = (from?.aadObjectId || from?.id || 'unknown').trim();
  const zone = timeZoneOf(activity);
  return {
    channel: 'teams',
    userId,
    ...(from?.name?.trim() ? { name: from.name.trim() } : {}),
    ...(zone ? { timeZone: zone } : {}),
  };
}

/** True when a conversationUpdate says the bot itself was added (installed in a chat, team or channel). */
export function botWasAdded(activity: Partial<Activity>): boolean {
  const botId = activity.recipient?.id;
  return !!botId && (activity.membersAdded ?? []).some((member) => member.id === botId);
}
