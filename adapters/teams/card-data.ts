import { z } from 'zod';
import type { ActionId } from '../../src/engine/message';
import type { StateSigner } from '../shared/signed-state';

/**
 * What a card's action carries back to the bot, signed with the installation's key. The client merges input
 * values into the same `data` object, so our part lives under one reserved key that no input name uses.
 * Signing covers the verb, the button value, the form's card id and the flow's opaque state: a card edited on
 * the way back is refused, never trusted.
 */
export const CARD_DATA_KEY = '__itsm';

const actionIdSchema = z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9_.-]+$/) as unknown as z.ZodType<ActionId>;

const payloadSchema = z.discriminatedUnion('k', [
  /** A button: the flow's action id and the value it hands back. */
  z.object({ k: z.literal('a'), verb: actionIdSchema, value: z.string().optional() }),
  /** A form submitted: which form, which stored card, and the flow's state. */
  z.object({ k: z.literal('s'), verb: actionIdSchema, card: z.string().min(1).max(100), state: z.string().optional() }),
  /** A form cancelled. */
  z.object({ k: z.literal('c'), verb: actionIdSchema, card: z.string().min(1).max(100) }),
]);

/** A verified card payload. */
export type CardPayload = z.infer<typeof payloadSchema>;

/** The `data` object of an action: the signed payload under {@link CARD_DATA_KEY}. */
export function signCardData(signer: StateSigner, payload: CardPayload): Record<string, string> {
  return { [CARD_DATA_KEY]: signer.signJson(payload) };
}

/** How a card's data came back: ours and intact, ours but altered, or not from one of our cards at all. */
export type CardDataResult = { kind: 'ok'; payload: CardPayload } | { kind: 'tampered' } | { kind: 'foreign' };

/**
 * Reads the bot's part of submitted card data. `verb` is the Action.Execute verb when the invoke carried one: it
 * must match the signed verb, since Teams lets anyone holding the card replay it with another verb.
 */
export function readCardData(signer: StateSigner, data: unknown, verb?: string): CardDataResult {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { kind: 'foreign' };
  const token = (data as Record<string, unknown>)[CARD_DATA_KEY];
  if (token === undefined) return { kind: 'foreign' };
  if (typeof token !== 'string' || token.length > 50_000) return { kind: 'tampered' };
  const payload = payloadSchema.safeParse(signer.verifyJson(token));
  if (!payload.success) return { kind: 'tampered' };
  if (verb !== undefined && verb !== payload.data.verb) return { kind: 'tampered' };
  return { kind: 'ok', payload: payload.data };
}

/** True when submitted data carries the bot's key (an Action.Submit from one of our cards, valid or not). */
export function isCardData(value: unknown): boolean {
  return !!value && typeof value === 'object' && CARD_DATA_KEY in (value as object);
}
