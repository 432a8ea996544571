/**
 * The entry's cards: sent once per (entry, purpose, person) under an idempotency key, with where each copy went
 * kept on the record (`messages`), so every answer refreshes all copies in place — the approver's, the owner's
 * nudges, the verifier's — and a closed entry shows no buttons anywhere.
 */
import { localIsoDate } from '../../src/domain/dates';
import { isDomainError } from '../../src/domain/errors';
import type { Improvement } from '../../src/domain/improvement';
import type { MessageRef } from '../../src/domain/records';
import type { Actor } from '../../src/engine/events';
import type { Message, RichText } from '../../src/engine/message';
import type { NotifyResult } from '../../src/engine/notifier';
import type { Services } from '../../src/engine/services';
import { SYSTEM_AUDIT_ACTOR } from '../shared/actors';
import { timeZoneOf } from '../shared/people';
import { PURPOSES } from './improvement-actions.ids';
import { actionCard, type Audience } from './improvement-actions.messages';
import { createImprovementRepository, type StoredImprovement } from './improvement.repository';
import { mayDecide } from './roles';

/** The person's date now, in their own zone (an entry is due on a day, judged where its reader is). */
export function todayFor(services: Services, personId: string, now: Date = services.clock.now()): string {
  return localIsoDate(now, timeZoneOf(services, personId));
}

/** The card as the person who pressed a button sees it, in the zone their chat profile gives. */
export function cardForActor(services: Services, improvement: Improvement, actor: Actor): Message {
  return actionCard(services.org, improvement, localIsoDate(services.clock.now(), actor.timeZone), audienceOf(services, improvement, actor.id));
}

/** Which buttons a person gets on the entry's card. */
export function audienceOf(services: Services, improvement: Improvement, personId: string): Audience {
  if (personId === improvement.owner.id) return 'owner';
  return mayDecide(services, improvement, personId) ? 'approver' : 'viewer';
}

/** The card as `personId` should see it now (`today`, their date, when the caller has it already: a sweep does). */
export function cardFor(services: Services, improvement: Improvement, personId: string, header?: RichText, today = todayFor(services, personId)): Message {
  return actionCard(services.org, improvement, today, audienceOf(services, improvement, personId), header);
}

/** The purpose a copy of the card is kept under, by who it went to. */
export function purposeFor(services: Services, improvement: Improvement, personId: string, verify = false): string {
  if (personId === improvement.owner.id) return PURPOSES.owner;
  return verify ? PURPOSES.verify : PURPOSES.approval;
}

/**
 * Sends a message to one person once per key. Returns the notifier's result (null when it threw: logged, and the
 * key released so the next attempt sends it) and the refs to keep for refreshing the card later.
 */
export async function sendOnce(services: Services, stored: StoredImprovement, personId: string, message: Message, key: string, purpose: string): Promise<{ result: NotifyResult | null; refs: MessageRef[] }> {
  try {
    const result = await services.notifier.notify({ person: personId }, message, { key });
    const refs = result.duplicate ? [] : result.deliveries.map((d) => ({ channel: d.ref.channel, conversationId: personId, messageId: d.ref.ref, purpose }));
    return { result, refs };
  } catch (error) {
    services.logger.warn({ err: error, improvement: stored.record.id, person: personId, key }, 'improvement message could not be sent');
    return { result: null, refs: [] };
  }
}

/**
 * Records something the bot did about the entry (cards sent, a nudge), with any new card refs, on whatever version
 * is current (an answer may land while cards go out): audited as the bot. A sweep passes the repository it uses.
 */
export async function recordOnEntry(
  services: Services,
  stored: StoredImprovement,
  refs: readonly MessageRef[],
  action: string,
  extra?: Record<string, unknown>,
  repo = createImprovementRepository(services),
): Promise<StoredImprovement> {
  let current = stored;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const known = new Set(current.record.messages.map((m) => `${m.channel}:${m.messageId}`));
      const added = refs.filter((r) => !known.has(`${r.channel}:${r.messageId}`));
      return await repo.addMessages(current, added, { actor: SYSTEM_AUDIT_ACTOR, action, ...(extra ? { extra } : {}) });
    } catch (error) {
      if (!isDomainError(error, 'conflict')) throw error;
      current = await repo.get(stored.record.id);
    }
  }
  return current;
}

/** Keeps new card refs on the entry (nothing is written when there are none). */
export async function keepRefs(services: Services, stored: StoredImprovement, refs: readonly MessageRef[], action: string, extra?: Record<string, unknown>): Promise<StoredImprovement> {
  return refs.length === 0 ? stored : recordOnEntry(services, stored, refs, action, extra);
}

/** Refreshes every kept copy of the card for its reader; a platform failing on one copy does not undo the answer. */
export async function refreshCards(services: Services, stored: StoredImprovement): Promise<void> {
  const purposes: string[] = Object.values(PURPOSES);
  for (const ref of stored.record.messages.filter((m) => purposes.includes(m.purpose))) {
    try {
      await services.notifier.update({ channel: ref.channel, ref: ref.messageId }, cardFor(services, stored.record, ref.conversationId));
    } catch (error) {
      services.logger.warn({ err: error, improvement: stored.record.id, channel: ref.channel }, 'improvement card could not be updated');
    }
  }
}
