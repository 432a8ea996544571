import type { Organisation } from '../domain/organisation';
import type { createAddressBook } from '../store/address-book';
import type { createIdempotency } from '../store/idempotency';
import type { Clock } from './clock';
import type { ChannelKind } from './events';
import type { Logger } from './logger';
import type { Message, MessageRef } from './message';

/**
 * How one chat platform delivers proactive messages. Each adapter registers one; the engine never knows how
 * Slack's chat.postMessage or Teams' continueConversation work.
 */
export interface Transport {
  readonly channel: ChannelKind;
  /**
   * Sends to an address saved in the address book; resolves to a reference for later updates. `key` is the
   * notifier's idempotency key, for platforms that can carry it with the message.
   */
  send(address: Record<string, unknown>, message: Message, options?: { key?: string }): Promise<MessageRef>;
  /** Replaces an earlier message in place. */
  update(ref: MessageRef, message: Message): Promise<void>;
  /**
   * True when a channel can be reached by its id alone (Slack). Otherwise (Teams) only a conversation whose
   * address was saved — when the bot was added to it — can be reached.
   */
  readonly reachesConversationsById?: boolean;
  /**
   * The address of someone the organisation file lists with an id on this platform (their Slack user id), for a
   * person who has not used the bot here yet; undefined when the platform cannot start a conversation from an id
   * alone (Teams needs a conversation reference first).
   */
  addressOfListed?(listed: { slackUserId?: string; teamsAadId?: string; email: string }): Record<string, unknown> | undefined;
  /**
   * Creates a conversation for a piece of work (a channel per major incident) and invites people into it. An
   * optional capability: a platform that cannot create conversations leaves it out, and callers fall back.
   */
  createRoom?(spec: RoomSpec): Promise<CreatedRoom>;
}

/** What a room is created with: `members` are addresses of people to invite (see {@link Notifier.openRoom}). */
export interface RoomSpec {
  /** A readable name, e.g. `inc-000123-vpn-is-down`; the platform adapts it to its own naming rules. */
  name: string;
  /** One line saying what the room is for. */
  topic: string;
  members: Record<string, unknown>[];
}

/** A room the platform created: its conversation id and the address to send into it. */
export interface CreatedRoom {
  conversationId: string;
  address: Record<string, unknown>;
}

/** A room opened through the notifier: where it is, and the first message posted into it (when one was given). */
export interface OpenedRoom extends CreatedRoom {
  channel: ChannelKind;
  ref?: MessageRef;
}

/**
 * Who a proactive message is for: a person (wherever they are reachable), a team (its channel, else members), or
 * one conversation named by its platform and id (an announcement channel, a room) — sent only when that platform
 * runs and the conversation is reachable, and otherwise skipped.
 */
export type Recipient = { person: string } | { team: string } | { conversation: { channel: ChannelKind; id: string } };

export interface Delivery {
  /** The person or team conversation it went to. */
  to: string;
  ref: MessageRef;
}

export interface NotifyResult {
  deliveries: Delivery[];
  /** True when this key was sent before: nothing was sent again. */
  duplicate: boolean;
  /** People who could not be reached on any channel. */
  unreachable: string[];
}

/** The notifier port flows and jobs use. Every send carries an idempotency key: the same key never sends twice. */
export interface Notifier {
  notify(recipient: Recipient, message: Message, options: { key: string }): Promise<NotifyResult>;
  update(ref: MessageRef, message: Message): Promise<void>;
  /**
   * The keys among `keys` whose message was sent before, in one look-up: a sweep skips those without rendering
   * or claiming them. A key not returned is still guarded by `notify` (one sent meanwhile is not sent twice).
   */
  sentBefore(keys: readonly string[]): Promise<Set<string>>;
  /**
   * Opens a room on the first running platform that can create one, inviting `people` (person ids) and posting
   * `message` into it. Once per key: a repeat returns the first room. Null when no running platform can.
   */
  openRoom(spec: { name: string; topic: string; people: string[]; message?: Message }, options: { key: string }): Promise<OpenedRoom | null>;
  /** Adapters register their transport when they start. */
  register(transport: Transport): void;
}

interface NotifierOptions {
  org: Organisation;
  addresses: ReturnType<typeof createAddressBook>;
  idempotency: ReturnType<typeof createIdempotency>;
  clock: Clock;
  logger: Logger;
}

/** A send that crashed half-way may be claimed again after this long: never lost, never doubled. */
const SEND_LEASE_MS = 5 * 60_000;

/** The idempotency record of a `notify` key (rooms have their own: `room:<key>`). */
const notifyKey = (key: string) => `notify:${key}`;

/** Creates the notifier over the address book, with idempotency records shared by every replica. */
export function createNotifier(options: NotifierOptions): Notifier {
  const { org, addresses, idempotency, clock, logger } = options;
  const transports = new Map<ChannelKind, Transport>();

  /**
   * The person's most recently used channel that has a transport; else a platform that can reach them by the id the
   * organisation file lists for them (an approver who never used the bot still gets their card on Slack); the web
   * chat inbox as the last resort.
   */
  async function sendToPerson(personId: string, message: Message, key: string): Promise<Delivery | null> {
    const known = await addresses.forPerson(personId);
    for (const entry of known) {
      const transport = transports.get(entry.channel);
      if (transport) return { to: personId, ref: await transport.send(entry.address, message, { key }) };
    }
    const person = org.people.find((candidate) => candidate.id === personId);
    if (person) {
      for (const transport of transports.values()) {
        const address = transport.addressOfListed?.(person);
        if (address) return { to: personId, ref: await transport.send(address, message, { key }) };
      }
    }
    const inbox = transports.get('webchat');
    if (inbox) return { to: personId, ref: await inbox.send({ personId }, message, { key }) };
    return null;
  }

  /**
   * Where a conversation can be reached: its saved address (Teams, once the bot was added to it), else its id on a
   * platform that reaches conversations by id (Slack). Undefined when its platform is not running or it is not
   * reachable yet.
   */
  async function conversationAddress(channel: ChannelKind, conversationId: string): Promise<{ transport: Transport; address: Record<string, unknown> } | undefined> {
    const transport = transports.get(channel);
    if (!transport) return undefined;
    const saved = await addresses.getConversation(channel, conversationId);
    const address = saved?.address ?? (transport.reachesConversationsById ? { conversationId } : undefined);
    return address ? { transport, address } : undefined;
  }

  async function sendToTeam(teamId: string, message: Message, key: string): Promise<{ deliveries: Delivery[]; unreachable: string[] }> {
    const team = org.teams.find((candidate) => candidate.id === teamId);
    if (!team) throw new Error(`no team ${teamId} in the organisation file`);
    const channels: Array<[ChannelKind, string | undefined]> = [
      ['slack', team.slackChannel],
      ['teams', team.teamsChannel],
    ];
    for (const [channel, conversationId] of channels) {
      const reachable = conversationId ? await conversationAddress(channel, conversationId) : undefined;
      if (!reachable) continue;
      try {
        return { deliveries: [{ to: `${channel}:${conversationId}`, ref: await reachable.transport.send(reachable.address, message, { key }) }], unreachable: [] };
      } catch (error) {
        // The channel is gone or the bot was removed from it: the members still hear about it.
        logger.warn({ err: error, team: teamId, channel, conversationId }, "cannot post to the team's channel; telling its members");
      }
    }
    const deliveries: Delivery[] = [];
    const unreachable: string[] = [];
    for (const member of team.members) {
      const delivery = await sendToPerson(member, message, key);
      if (delivery) deliveries.push(delivery);
      else unreachable.push(member);
    }
    return { deliveries, unreachable };
  }

  /** A conversation gets the message when it is reachable; otherwise it is skipped (it holds no person to warn about). */
  async function sendToConversation(channel: ChannelKind, conversationId: string, message: Message, key: string): Promise<{ deliveries: Delivery[]; unreachable: string[] }> {
    const reachable = await conversationAddress(channel, conversationId);
    if (!reachable) {
      logger.debug({ channel, conversationId, key }, 'conversation not reachable (its platform is off, or the bot was not added to it); skipped');
      return { deliveries: [], unreachable: [] };
    }
    return { deliveries: [{ to: `${channel}:${conversationId}`, ref: await reachable.transport.send(reachable.address, message, { key }) }], unreachable: [] };
  }

  /**
   * Addresses of people to invite on one platform: the address saved when they last used it, else what the
   * organisation file says about them (their platform ids and e-mail), for the transport to pick what it knows.
   */
  async function memberAddresses(channel: ChannelKind, people: readonly string[]): Promise<Record<string, unknown>[]> {
    const members: Record<string, unknown>[] = [];
    for (const personId of new Set(people)) {
      const saved = await addresses.get(personId, channel);
      const person = org.people.find((candidate) => candidate.id === personId);
      const listed = person
        ? { email: person.email, ...(person.slackUserId ? { slackUserId: person.slackUserId } : {}), ...(person.teamsAadId ? { teamsAadId: person.teamsAadId } : {}) }
        : {};
      if (saved || person) members.push({ personId, ...listed, ...(saved?.address ?? {}) });
    }
    return members;
  }

  return {
    register(transport) {
      transports.set(transport.channel, transport);
    },

    async openRoom({ name, topic, people, message }, { key }) {
      const transport = [...transports.values()].find((candidate) => typeof candidate.createRoom === 'function');
      if (!transport?.createRoom) return null;
      const once = await idempotency.once(
        `room:${key}`,
        async (): Promise<OpenedRoom> => {
          const room = await transport.createRoom!({ name, topic, members: await memberAddresses(transport.channel, people) });
          const opened: OpenedRoom = { channel: transport.channel, ...room };
          if (!message) return opened;
          try {
            return { ...opened, ref: await transport.send(room.address, message, { key }) };
          } catch (error) {
            // The room exists and people are in it: a failed first post must not create a second room on retry.
            logger.warn({ err: error, key, conversationId: room.conversationId }, 'room created but its first message could not be posted');
            return opened;
          }
        },
        { now: clock.now(), leaseMs: SEND_LEASE_MS },
      );
      return once.result ?? null;
    },

    async notify(recipient, message, { key }) {
      const once = await idempotency.once(
        notifyKey(key),
        async () => {
          if ('conversation' in recipient) return sendToConversation(recipient.conversation.channel, recipient.conversation.id, message, key);
          if ('team' in recipient) return sendToTeam(recipient.team, message, key);
          const delivery = await sendToPerson(recipient.person, message, key);
          return delivery ? { deliveries: [delivery], unreachable: [] } : { deliveries: [], unreachable: [recipient.person] };
        },
        { now: clock.now(), leaseMs: SEND_LEASE_MS },
      );
      const result = (once.result ?? { deliveries: [], unreachable: [] }) as Omit<NotifyResult, 'duplicate'>;
      if (result.unreachable.length > 0) logger.warn({ key, unreachable: result.unreachable }, 'recipients unreachable');
      return { ...result, duplicate: !once.fresh };
    },

    async sentBefore(keys) {
      const done = await idempotency.doneAmong(keys.map(notifyKey));
      return new Set(keys.filter((key) => done.has(notifyKey(key))));
    },

    async update(ref, message) {
      const transport = transports.get(ref.channel);
      if (!transport) {
        logger.warn({ channel: ref.channel }, 'cannot update a message: its channel is not running');
        return;
      }
      await transport.update(ref, message);
    },
  };
}
