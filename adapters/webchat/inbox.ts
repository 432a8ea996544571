import { randomUUID } from 'node:crypto';
import type { Message, MessageRef } from '../../src/engine/message';
import type { Transport } from '../../src/engine/notifier';
import type { Clock } from '../../src/engine/clock';
import type { DocumentStore } from '../../src/store/ports';

/** A proactive message waiting for a web chat user (a nudge, an escalation, a card updated in place). */
export interface InboxEntry {
  id: string;
  recipient: string;
  message: Message;
  createdAt: Date;
  updatedAt: Date;
  [field: string]: unknown;
}

/**
 * The web chat's inbox: where proactive messages for a person go when the web chat is their channel (or the
 * last resort). Kept in the store, so every replica sees it and a restart loses nothing.
 */
export function createWebchatInbox(store: DocumentStore, clock: Clock) {
  const entries = store.collection<InboxEntry>('webchat_inbox');
  const inbox = {
    /**
     * Entries for a person changed at or after `since` (all recent ones when absent), oldest first. At or after:
     * a change in the same millisecond as the last one seen is not lost; the page replaces what it already shows.
     */
    async since(recipient: string, since: Date | undefined, limit = 50): Promise<InboxEntry[]> {
      const filter = since ? { recipient, updatedAt: { $gte: since } } : { recipient };
      const recent = await entries.find(filter, { sort: { updatedAt: -1 }, limit });
      return recent.reverse();
    },

    /** Adds a message to a person's transcript; replies and proactive messages alike, so both can be updated. */
    async append(recipient: string, message: Message): Promise<InboxEntry> {
      const now = clock.now();
      const entry: InboxEntry = { id: randomUUID(), recipient, message, createdAt: now, updatedAt: now };
      await entries.insertOne(entry);
      return entry;
    },

    async get(id: string): Promise<InboxEntry | null> {
      return entries.findOne({ id });
    },

    /** The transport the notifier uses for the web chat. */
    transport(): Transport {
      return {
        channel: 'webchat',
        send: async (address, message) => {
          const recipient = String(address.personId ?? '');
          if (!recipient) throw new Error('a web chat address needs a personId');
          const entry = await inbox.append(recipient, message);
          return { channel: 'webchat', ref: entry.id };
        },
        async update(ref: MessageRef, message: Message) {
          await entries.updateOne({ id: ref.ref }, { $set: { message, updatedAt: clock.now() } });
        },
      };
    },
  };
  return inbox;
}

export type WebchatInbox = ReturnType<typeof createWebchatInbox>;
