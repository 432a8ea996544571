import type { InboundEvent } from '../../../src/engine/events';
import type { SlackKit } from '../interaction-kit';
import { conversationOf, slackTextToPlain } from '../parse-inbound';
import type { Registrar } from '../surface';

/** The part of a message or app_mention event the adapter reads. */
interface MessageEventLike {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  edited?: unknown;
}

interface EventArgs {
  event: MessageEventLike;
  body: { event_id: string; team_id?: string };
  context: { botUserId?: string } & Record<string, unknown>;
}

/** Subtypes that are a person writing (a message with a file is still their words); edits and bots are not. */
const PERSON_SUBTYPES = new Set([undefined, 'file_share']);

function fromPerson(event: MessageEventLike, botUserId: string | undefined): event is MessageEventLike & { user: string } {
  return PERSON_SUBTYPES.has(event.subtype) && !event.bot_id && !event.edited && !!event.user && event.user !== botUserId;
}

/** Plain words → a message event; nothing but the bot's mention → the empty command (help). */
function wordsEvent(text: string): { type: 'message'; text: string } | { type: 'command'; command: string; args: string } {
  return text ? { type: 'message', text } : { type: 'command', command: '', args: '' };
}

/**
 * Direct messages (`message.im`) and mentions (`app_mention`) in plain words → neutral message events. Slack's
 * `event_id` is the delivery id: Slack retries carry the same one, and the dispatcher's idempotency record (in
 * the store, shared by replicas) gives a retry no second effect. Bolt acks events itself, before this runs.
 */
export function registerMessages(register: Registrar, kit: SlackKit): void {
  register.event('message.im', async ({ event, body, context }: EventArgs) => {
    const receivedAt = Date.now();
    if (event.channel_type !== 'im' || !fromPerson(event, context.botUserId)) return;
    kit.afterAck(body, async () => {
      const person = await kit.personFor(event.user, { ...(body.team_id ? { teamId: body.team_id } : {}), dmChannel: event.channel });
      const outcome = await kit.dispatcher.dispatch({
        ...wordsEvent(slackTextToPlain(event.text ?? '', context.botUserId)),
        deliveryId: body.event_id,
        actor: person.actor,
        conversation: conversationOf(event.channel, event.user, event.thread_ts),
      } as InboundEvent);
      const thread = event.thread_ts ? { threadTs: event.thread_ts } : {};
      await kit.deliver(outcome, { userId: event.user, visibility: 'post', channelId: event.channel, dmChannel: event.channel, receivedAt, ...thread }, person.actor);
    }, context);
  });

  register.event('app_mention', async ({ event, body, context }: EventArgs) => {
    const receivedAt = Date.now();
    if (!fromPerson(event, context.botUserId)) return;
    kit.afterAck(body, async () => {
      const person = await kit.personFor(event.user, body.team_id ? { teamId: body.team_id } : {});
      // The bot is a member wherever it is mentioned: remember the channel for notifications to it.
      await kit.services.addresses.saveConversation({ channel: 'slack', conversationId: event.channel, address: { conversationId: event.channel }, now: kit.services.clock.now() });
      const threadTs = event.thread_ts ?? event.ts;
      const outcome = await kit.dispatcher.dispatch({
        ...wordsEvent(slackTextToPlain(event.text ?? '', context.botUserId)),
        deliveryId: body.event_id,
        actor: person.actor,
        conversation: conversationOf(event.channel, event.user, threadTs),
      } as InboundEvent);
      // Answer in the thread of the mention, so a channel is not filled with the bot's replies.
      await kit.deliver(outcome, { userId: event.user, visibility: 'post', channelId: event.channel, threadTs, receivedAt, ...(person.dmChannel ? { dmChannel: person.dmChannel } : {}) }, person.actor);
    }, context);
  });
}
