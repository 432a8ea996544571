/** The person behind a chat actor, as records and the audit trail name them. */
import type { AuditActor } from '../../src/domain/audit';
import type { PersonRef } from '../../src/domain/records';
import type { Actor } from '../../src/engine/events';

/** A record's reference to the actor. */
export function personRef(actor: Actor): PersonRef {
  return { id: actor.id, name: actor.name, ...(actor.email ? { email: actor.email } : {}) };
}

/** The actor as the audit trail names them, with the channel they used. */
export function auditActor(actor: Actor): AuditActor {
  return { id: actor.id, name: actor.name, channel: actor.identity.channel };
}
