/**
 * Conversation (flow) state in `conversations`: where a person is in a multi-step flow, kept until `expiresAt`.
 * A TTL index removes expired state on MongoDB (within a minute) and the embedded store; reads also filter by
 * `expiresAt > now`, so expired state is never resumed — whatever the store's TTL does (the test stand-in never
 * expires anything) — and `purgeExpired` is the housekeeping job's sweep. Time is always passed in.
 */
import { COLLECTIONS } from './collections';
import { isDate } from './document-rules';
import type { DocumentStore } from './ports';

/** What a flow saves: its id, its own state (re-validated by the flow when loaded) and when it lapses. */
export interface ConversationState {
  flowId: string;
  state: unknown;
  expiresAt: Date;
}

interface ConversationDoc extends ConversationState {
  id: string;
  [field: string]: unknown;
}

export interface Conversations {
  /** The saved state for a key, or null when there is none or it expired at or before `now`. */
  load(key: string, now: Date): Promise<ConversationState | null>;
  /** Saves (replaces) the state for a key. */
  save(key: string, value: ConversationState): Promise<void>;
  /** Forgets the state for a key (the flow finished or was cancelled). */
  clear(key: string): Promise<void>;
  /** Removes every state that expired at or before `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new Error('a conversation key must be a non-empty string');
}

/** Creates the conversation-state repository over a store. */
export function createConversations(store: DocumentStore): Conversations {
  const conversations = store.collection<ConversationDoc>(COLLECTIONS.conversations);
  return {
    async load(key, now) {
      checkKey(key);
      const doc = await conversations.findOne({ id: key, expiresAt: { $gt: now } });
      return doc ? { flowId: doc.flowId, state: doc.state, expiresAt: doc.expiresAt } : null;
    },
    async save(key, { flowId, state, expiresAt }) {
      checkKey(key);
      if (!isDate(expiresAt) || Number.isNaN(expiresAt.getTime())) throw new Error('expiresAt must be a valid Date');
      await conversations.updateOne({ id: key }, { $set: { flowId, state, expiresAt } }, { upsert: true });
    },
    async clear(key) {
      checkKey(key);
      await conversations.deleteOne({ id: key });
    },
    async purgeExpired(now) {
      return conversations.deleteMany({ expiresAt: { $lte: now } });
    },
  };
}
