import type { ActionId, FormValues, MessageRef } from './message';

/** The chat channels the product speaks on. */
export const CHANNELS = ['slack', 'teams', 'webchat'] as const;
export type ChannelKind = (typeof CHANNELS)[number];

/** Who a person is on a chat platform, as the adapter saw them (before the organisation file is consulted). */
export interface ChatIdentity {
  channel: ChannelKind;
  /** The platform's user id: Slack `U…`, Teams AAD object id (else the channel account id), web chat name. */
  userId: string;
  name?: string;
  email?: string;
  /** IANA time zone from the chat profile, when the platform gives one. */
  timeZone?: string;
}

/**
 * The person behind an event. Anyone who can message the bot is staff; the organisation file adds roles.
 * `id` is the organisation file's person id when the person is listed there, else `${channel}:${userId}`.
 */
export interface Actor {
  id: string;
  name: string;
  email?: string;
  timeZone: string;
  /** True when the person is listed in the organisation file (role-gated actions check their roles). */
  listed: boolean;
  roles: readonly string[];
  identity: ChatIdentity;
}

/** Where an event happened. */
export interface Conversation {
  channel: ChannelKind;
  /** The platform's conversation id (Slack channel/DM id, Teams conversation id, web chat session). */
  id: string;
  /** A one-to-one conversation with the bot (Slack DM, Teams personal chat, the web chat). */
  direct: boolean;
  /** Slack thread ts / Teams reply chain, when the event came from one. */
  threadId?: string;
}

interface EventBase {
  /**
   * The platform's delivery id (Slack `event_id` or trigger, Teams activity id, web chat request id). The
   * dispatcher records it so a redelivery of the same event has no second effect.
   */
  deliveryId?: string;
  actor: Actor;
  conversation: Conversation;
}

/** A sub-command: `/itsm incident VPN down` on Slack, `incident VPN down` typed on Teams or the web chat. */
export interface CommandEvent extends EventBase {
  type: 'command';
  command: string;
  args: string;
  /** A message the command was started from (Slack's "Report as incident" shortcut): its words and a link back. */
  quote?: Quote;
}

/** Another chat message a person pointed the bot at. */
export interface Quote {
  text: string;
  /** A link to the message where the platform has one (a Slack permalink). */
  link?: string;
  /** Who wrote it, as the platform names them. */
  author?: string;
}

/** Plain words in a direct message or a mention, with any mention of the bot already removed. */
export interface TextEvent extends EventBase {
  type: 'message';
  text: string;
}

/** A button pressed on an earlier message. */
export interface ActionEvent extends EventBase {
  type: 'action';
  action: ActionId;
  value?: string;
  /** The message the button was on, so a flow can update it in place. */
  source?: MessageRef;
}

/** A form submitted. */
export interface SubmitEvent extends EventBase {
  type: 'submit';
  form: ActionId;
  values: FormValues;
  /** The opaque state the form carried (verified by the adapter when it travelled through the client). */
  state?: string;
  source?: MessageRef;
}

/** Everything an adapter can hand to the dispatcher. */
export type InboundEvent = CommandEvent | TextEvent | ActionEvent | SubmitEvent;
