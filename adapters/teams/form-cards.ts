import { randomUUID } from 'node:crypto';
import type { Clock } from '../../src/engine/clock';
import type { Form, Message } from '../../src/engine/message';
import { COLLECTIONS } from '../../src/store/collections';
import type { DocumentStore } from '../../src/store/ports';

/**
 * Forms sent to Teams, kept so a submission can be answered with the same form and its field errors, and so a
 * form submitted once cannot be submitted again — from a second click, a stale copy on another device or a
 * replayed request. A card moves open → submitting → submitted (or back to open when the flow found errors);
 * `submitting` is a lease, so a crash half-way does not lock the form forever.
 */
export const FORM_CARDS_COLLECTION = COLLECTIONS.teamsCards;

/** How long a sent form can still be submitted. */
const RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** A submission that has not finished after this long is taken to have failed. */
const SUBMIT_LEASE_MS = 60_000;

/** A stored form card: the whole message it was sent in, so it can be shown again with field errors. */
export interface FormCard {
  id: string;
  status: 'open' | 'submitting' | 'submitted' | 'cancelled';
  message: Message & { form: Form };
  /** What the card shows once submitted (the flow's update, or a summary of the answers). */
  confirmation?: Message;
}

interface FormCardDoc {
  id: string;
  conversationId: string;
  status: FormCard['status'];
  // Stored as JSON text: a form's values and errors are keyed by input names, which the store must not interpret.
  messageJson: string;
  confirmationJson?: string;
  leaseUntil?: Date;
  createdAt: Date;
  expiresAt: Date;
  [field: string]: unknown;
}

/** The form-card repository over the shared store (every replica sees the same cards). */
export interface FormCards {
  /** Stores a message with a form about to be sent; returns the card id its actions carry. */
  create(conversationId: string, message: Message & { form: Form }): Promise<string>;
  get(id: string): Promise<FormCard | null>;
  /** Takes the card for one submission; false when it is submitted, cancelled or being submitted right now. */
  claim(id: string): Promise<boolean>;
  /** Gives the card back after the flow refused the values (field errors), so it can be submitted again. */
  release(id: string): Promise<void>;
  /** Marks the card submitted and remembers what it shows from now on. */
  complete(id: string, confirmation: Message): Promise<void>;
  /** Closes an open card without submitting it; false when it was not open. */
  cancel(id: string): Promise<boolean>;
}

/** Creates the repository. */
export function createFormCards(store: DocumentStore, clock: Clock): FormCards {
  const cards = store.collection<FormCardDoc>(FORM_CARDS_COLLECTION);

  function toCard(doc: FormCardDoc): FormCard {
    return {
      id: doc.id,
      status: doc.status,
      message: JSON.parse(doc.messageJson) as FormCard['message'],
      ...(doc.confirmationJson ? { confirmation: JSON.parse(doc.confirmationJson) as Message } : {}),
    };
  }

  return {
    async create(conversationId, message) {
      const now = clock.now();
      const id = randomUUID();
      await cards.insertOne({
        id,
        conversationId,
        status: 'open',
        messageJson: JSON.stringify(message),
        createdAt: now,
        expiresAt: new Date(now.getTime() + RETENTION_MS),
      });
      return id;
    },

    async get(id) {
      const doc = await cards.findOne({ id, expiresAt: { $gt: clock.now() } });
      return doc ? toCard(doc) : null;
    },

    async claim(id) {
      const now = clock.now();
      const claimed = await cards.findOneAndUpdate(
        { id, expiresAt: { $gt: now }, $or: [{ status: 'open' }, { status: 'submitting', leaseUntil: { $lt: now } }] },
        { $set: { status: 'submitting', leaseUntil: new Date(now.getTime() + SUBMIT_LEASE_MS) } },
      );
      return claimed !== null;
    },

    async release(id) {
      await cards.updateOne({ id, status: 'submitting' }, { $set: { status: 'open' }, $unset: { leaseUntil: '' } });
    },

    async complete(id, confirmation) {
      await cards.updateOne({ id }, { $set: { status: 'submitted', confirmationJson: JSON.stringify(confirmation) }, $unset: { leaseUntil: '' } });
    },

    async cancel(id) {
      const done = await cards.findOneAndUpdate({ id, status: 'open' }, { $set: { status: 'cancelled' } });
      return done !== null;
    },
  };
}
