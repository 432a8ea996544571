import type { Organisation } from '../domain/organisation';
import type { createAddressBook } from '../store/address-book';
import type { createAuditLog } from '../store/audit-log';
import type { createConversations } from '../store/conversations';
import type { createCounters } from '../store/counters';
import type { createIdempotency } from '../store/idempotency';
import type { createLocks } from '../store/locks';
import type { DocumentStore } from '../store/ports';
import type { Clock } from './clock';
import type { Logger } from './logger';
import type { Notifier } from './notifier';
import type { People } from './people';

/**
 * What flows and jobs may use: built once by the composition root (adapters/main.ts) and by tests' harness.
 * Everything here is platform-neutral; the store behind it is embedded or MongoDB.
 */
export interface Services {
  org: Organisation;
  people: People;
  clock: Clock;
  logger: Logger;
  store: DocumentStore;
  counters: ReturnType<typeof createCounters>;
  audit: ReturnType<typeof createAuditLog>;
  conversations: ReturnType<typeof createConversations>;
  idempotency: ReturnType<typeof createIdempotency>;
  addresses: ReturnType<typeof createAddressBook>;
  locks: ReturnType<typeof createLocks>;
  notifier: Notifier;
}
