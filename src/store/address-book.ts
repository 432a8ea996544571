/**
 * The address book (`addresses`): where the bot can reach a person proactively on each channel (a Slack user or
 * DM channel, a Teams conversation reference, a web chat inbox), and where a team's channel lives. Adapters save
 * an address whenever someone talks to the bot; the notifier reads them to send nudges and escalations.
 *
 * An address is opaque to the bot: only the channel's adapter reads it. It is stored as a JSON string, so
 * whatever the platform put in it (keys with dots, `$`-prefixed keys, deep nesting) round-trips exactly in both
 * stores. One document per person and channel (unique `personId`+`channel` index, and an `id` derived from
 * both); saving again keeps `firstSeenAt` and moves `lastSeenAt`.
 */
import { COLLECTIONS } from './collections';
import type { DocumentStore } from './ports';

/** The channels an address can belong to (same list as the domain's CHANNELS). */
export type AddressChannel = 'slack' | 'teams' | 'webchat';
const ADDRESS_CHANNELS: readonly AddressChannel[] = ['slack', 'teams', 'webchat'];

/** An opaque, JSON-serialisable address as the channel's adapter understands it. */
export type Address = Record<string, unknown>;

/** Where a person can be reached on one channel. */
export interface PersonAddress {
  personId: string;
  channel: AddressChannel;
  address: Address;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** Where a team's (or any shared) conversation lives on one channel, e.g. a Slack channel `C123`. */
export interface ConversationAddress {
  channel: AddressChannel;
  conversationId: string;
  address: Address;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

interface AddressDoc {
  id: string;
  kind: 'person' | 'conversation';
  personId?: string;
  conversationId?: string;
  channel: AddressChannel;
  addressJson: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  [field: string]: unknown;
}

export interface AddressBook {
  /** Records (or refreshes) how to reach a person on a channel. */
  save(entry: { personId: string; channel: AddressChannel; address: Address; now: Date }): Promise<PersonAddress>;
  /** The person's address on one channel, or null. */
  get(personId: string, channel: AddressChannel): Promise<PersonAddress | null>;
  /** Every address of the person, most recently seen first. */
  forPerson(personId: string): Promise<PersonAddress[]>;
  /** Records (or refreshes) a shared conversation's address, kept under `channel:<channel>:<conversationId>`. */
  saveConversation(entry: { channel: AddressChannel; conversationId: string; address: Address; now: Date }): Promise<ConversationAddress>;
  /** A shared conversation's address, or null. */
  getConversation(channel: AddressChannel, conversationId: string): Promise<ConversationAddress | null>;
}

function checkChannel(channel: AddressChannel): void {
  if (!ADDRESS_CHANNELS.includes(channel)) throw new Error(`unknown channel ${String(channel)}`);
}

function checkId(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 500) throw new Error(`${what} must be a non-empty string`);
}

function encode(address: Address): string {
  if (address === null || typeof address !== 'object' || Array.isArray(address)) throw new Error('an address must be a JSON object');
  return JSON.stringify(address);
}

function decode(json: string): Address {
  return JSON.parse(json) as Address;
}

/** The document id of a person's address on a channel. */
export function personAddressId(personId: string, channel: AddressChannel): string {
  return `person:${channel}:${personId}`;
}

/** The document id of a shared conversation's address, e.g. `channel:slack:C123`. */
export function conversationAddressId(channel: AddressChannel, conversationId: string): string {
  return `channel:${channel}:${conversationId}`;
}

function toPerson(doc: AddressDoc): PersonAddress {
  return {
    personId: doc.personId ?? '',
    channel: doc.channel,
    address: decode(doc.addressJson),
    firstSeenAt: doc.firstSeenAt,
    lastSeenAt: doc.lastSeenAt,
  };
}

function toConversation(doc: AddressDoc): ConversationAddress {
  return {
    channel: doc.channel,
    conversationId: doc.conversationId ?? '',
    address: decode(doc.addressJson),
    firstSeenAt: doc.firstSeenAt,
    lastSeenAt: doc.lastSeenAt,
  };
}

/** Creates the address book over a store. */
export function createAddressBook(store: DocumentStore): AddressBook {
  const addresses = store.collection<AddressDoc>(COLLECTIONS.addresses);

  async function upsert(id: string, fields: Partial<AddressDoc>, now: Date): Promise<AddressDoc> {
    const doc = await addresses.findOneAndUpdate(
      { id },
      { $set: { ...fields, lastSeenAt: now }, $setOnInsert: { firstSeenAt: now } },
      { upsert: true },
    );
    if (!doc) throw new Error(`the address ${id} was not saved`);
    return doc;
  }

  return {
    async save({ personId, channel, address, now }) {
      checkId(personId, 'personId');
      checkChannel(channel);
      const fields = { kind: 'person' as const, personId, channel, addressJson: encode(address) };
      return toPerson(await upsert(personAddressId(personId, channel), fields, now));
    },

    async get(personId, channel) {
      checkId(personId, 'personId');
      checkChannel(channel);
      const doc = await addresses.findOne({ id: personAddressId(personId, channel) });
      return doc ? toPerson(doc) : null;
    },

    async forPerson(personId) {
      checkId(personId, 'personId');
      const docs = await addresses.find({ personId, kind: 'person' }, { sort: { lastSeenAt: -1, channel: 1 } });
      return docs.map(toPerson);
    },

    async saveConversation({ channel, conversationId, address, now }) {
      checkChannel(channel);
      checkId(conversationId, 'conversationId');
      const fields = { kind: 'conversation' as const, conversationId, channel, addressJson: encode(address) };
      return toConversation(await upsert(conversationAddressId(channel, conversationId), fields, now));
    },

    async getConversation(channel, conversationId) {
      checkChannel(channel);
      checkId(conversationId, 'conversationId');
      const doc = await addresses.findOne({ id: conversationAddressId(channel, conversationId) });
      return doc ? toConversation(doc) : null;
    },
  };
}
