/**
 * Every index the product uses, in this one file (DESIGN: "indexes are created at start-up and listed in one
 * file"). `openStore` passes {@link INDEXES} to `ensureIndexes`, which is idempotent.
 *
 * Unique indexes are what makes writes safe across processes: one document per `id`, one audit event per `seq`.
 * TTL indexes let MongoDB and the embedded store drop expired documents on their own; readers still filter by
 * `expiresAt`, because MongoDB's TTL monitor runs only once a minute (and the test stand-in never expires).
 *
 * Field names of the record collections (`status`, `service`, `sla.respondBy`, `owner`, `targetDate`,
 * `plannedStart`) follow the record schemas in `src/domain`; a renamed field must be renamed here too.
 */
import { COLLECTIONS } from './collections';
import type { IndexSpec } from './ports';

/** One document per `id` in every collection: record numbers, keys and names are the documents' identity. */
const uniqueIds: IndexSpec[] = Object.values(COLLECTIONS).map((collection) => ({
  collection,
  keys: { id: 1 },
  unique: true,
}));

const secondary: IndexSpec[] = [
  // Incidents: "open incidents of service X" (resolver views, duplicate detection at intake, major-incident
  // broadcasts), and the SLA watch sweep, which asks for open incidents whose response / resolution deadline has
  // passed — `status` first, because the sweep always filters on the open statuses.
  { collection: COLLECTIONS.incidents, keys: { status: 1, service: 1 } },
  { collection: COLLECTIONS.incidents, keys: { status: 1, 'sla.respondBy': 1 } },
  { collection: COLLECTIONS.incidents, keys: { status: 1, 'sla.resolveBy': 1 } },
  // Incidents: the SLA watch asks only for open incidents whose next warning or breach instant has come
  // (`slaNextAlertAt`, kept by flows/report-incident/incident.repository.ts on every write), so a sweep's cost grows
  // with what is due, not with how many incidents are open.
  { collection: COLLECTIONS.incidents, keys: { status: 1, slaNextAlertAt: 1 } },
  // Incidents: the auto-close sweep asks for resolved incidents resolved before a cut-off.
  { collection: COLLECTIONS.incidents, keys: { status: 1, 'resolution.at': 1 } },
  // Incidents: "mine" and the App Home list a person's open incidents, reported or assigned.
  { collection: COLLECTIONS.incidents, keys: { 'reporter.id': 1, status: 1 } },
  { collection: COLLECTIONS.incidents, keys: { 'assignee.id': 1, status: 1 } },
  // Incidents: one record per submitted draft, whatever retries or replicas do (sparse: older records have none).
  { collection: COLLECTIONS.incidents, keys: { intakeKey: 1 }, unique: true, sparse: true },

  // Changes: the CAB agenda and approval reminders ("pending changes by planned start"), and the change calendar.
  { collection: COLLECTIONS.changes, keys: { status: 1, plannedStart: 1 } },

  // Improvements (clause 10): the nudge sweep asks for open actions past their target date; "my actions" lists
  // one owner's actions by status.
  { collection: COLLECTIONS.improvements, keys: { status: 1, targetDate: 1 } },
  { collection: COLLECTIONS.improvements, keys: { owner: 1, status: 1 } },

  // Audit: `seq` is the hash chain's order. Unique, so two processes appending at once cannot both take the same
  // place in the chain (the loser retries on DuplicateKeyError); also the verify sweep's page order.
  { collection: COLLECTIONS.audit, keys: { seq: 1 }, unique: true },
  // Audit: a record's history ("who did what to INC-000123"), already in chain order.
  { collection: COLLECTIONS.audit, keys: { 'record.kind': 1, 'record.id': 1, seq: 1 } },

  // Conversations: flow state is dropped once it expires (readers also filter on expiresAt; see above).
  { collection: COLLECTIONS.conversations, keys: { expiresAt: 1 }, expireAfterSeconds: 0 },

  // Idempotency keys are kept until their retention ends, then dropped.
  { collection: COLLECTIONS.idempotency, keys: { expiresAt: 1 }, expireAfterSeconds: 0 },

  // Address book: one address per person and channel; conversation (channel/team) addresses have no personId
  // and are left out (sparse: unique only among documents that have personId).
  { collection: COLLECTIONS.addresses, keys: { personId: 1, channel: 1 }, unique: true, sparse: true },

  // Web chat inbox: a browser polls for its recipient's entries changed since its last poll (new messages and
  // cards updated in place), so `updatedAt` rather than `createdAt` (adapters/webchat/inbox.ts).
  { collection: COLLECTIONS.webchatInbox, keys: { recipient: 1, updatedAt: 1 } },

  // Teams form cards are kept while the form can still be submitted, then dropped.
  { collection: COLLECTIONS.teamsCards, keys: { expiresAt: 1 }, expireAfterSeconds: 0 },
];

/** All indexes, unique `id` indexes first (so they exist before anything else is built). */
export const INDEXES: readonly IndexSpec[] = [...uniqueIds, ...secondary];
