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
}

/** Who a proactive message is for: a person (wherever they are reachable) or a team (its channel, else members). */
export type Recipient = { person: string } | { team: string };

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

/** Creates the notifier over the address book, with idempotency records shared by every replica. */
export function createNotifier(options: NotifierOptions): Notifier {
  const { org, addresses, idempotency, clock, logger } = options;
  const transports = new Map<ChannelKind, Transport>();

  /** The person's most recently used channel that has a transport; the web chat inbox as the last resort. */
  async function sendToPerson(personId: string, message: Message, key: string): Promise<Delivery | null> {
    const known = await addresses.forPerson(personId);
    for (const entry of known) {
      const transport = transports.get(entry.channel);
      if (transport) return { to: personId, ref: await transport.send(entry.address, message, { key }) };
    }
    const inbox = transports.get('webchat');
    if (inbox) return { to: personId, ref: await inbox.send({ personId }, message, { key }) };
    return null;
  }

  async function sendToTeam(teamId: string, message: Message, key: string): Promise<{ deliveries: Delivery[]; unreachable: string[] }> {
    const team = org.teams.find((candidate) => candidate.id === teamId);
    if (!team) throw new Error(`no team ${teamId} in the organisation file`);
    const channels: Array<[ChannelKind, string | undefined]> = [
      ['slack', team.slackChannel],
      ['teams', team.teamsChannel],
    ];
    for (const [channel, conversationId] of channels) {
      const transport = transports.get(channel);
      if (!transport || !conversationId) continue;
      const saved = await addresses.getConversation(channel, conversationId);
      const address = saved?.address ?? (transport.reachesConversationsById ? { conversationId } : undefined);
      if (!address) continue;
      try {
        return { deliveries: [{ to: `${channel}:${conversationId}`, ref: await transport.send(address, message, { key }) }], unreachable: [] };
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

  return {
    register(transport) {
      transports.set(transport.channel, transport);
    },

    async notify(recipient, message, { key }) {
      const once = await idempotency.once(
        `notify:${key}`,
        async () => {
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
