/**
 * What every flow says about people the same way: a chat actor as records and the audit trail name them, and a
 * proactive word to one person that never fails the change that caused it.
 */
import type { AuditActor } from '../../src/domain/audit';
import { SYSTEM_ACTOR, type PersonRef } from '../../src/domain/records';
import type { Actor } from '../../src/engine/events';
import type { Message } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';

/** The person behind a chat actor, as records name them. */
export function personRef(actor: Actor): PersonRef {
  return { id: actor.id, name: actor.name, ...(actor.email ? { email: actor.email } : {}) };
}

/** The actor as the audit trail names them, with the channel they used. */
export function auditActor(actor: Actor): AuditActor {
  return { id: actor.id, name: actor.name, channel: actor.identity.channel };
}

/** The bot itself in the audit trail (sweeps, bookkeeping). */
export const SYSTEM_AUDIT_ACTOR: AuditActor = { id: SYSTEM_ACTOR.id, name: SYSTEM_ACTOR.name };

/**
 * Tells one person, once per key; a delivery failure is logged (the change itself is already saved). True when
 * this call sent it (not sent under this key before, and delivered somewhere).
 */
export async function tell(services: Services, personId: string, message: Message, key: string): Promise<boolean> {
  try {
    const result = await services.notifier.notify({ person: personId }, message, { key });
    return !result.duplicate && result.deliveries.length > 0;
  } catch (error) {
    services.logger.warn({ err: error, person: personId, key }, 'notification failed');
    return false;
  }
}
