/**
 * Every index the product uses, in this one file (DESIGN: "indexes are created at start-up and listed in one
 * file"). `openStore` passes {@link INDEXES} to `ensureIndexes`, which is idempotent.
 *
 * Unique indexes are what makes writes safe across processes: one document per `id`, one audit event per `seq`.
 * TTL indexes let MongoDB and the embedded store drop expired documents on their own; readers still filter by
 * `expiresAt`, because MongoDB's TTL monitor runs only once a minute (and the test stand-in never expires).
 *
 * Field names of the record collections (`status`, `service`, `resolution.at`, `owner`, `targetDate`,
 * `plannedStart`) follow the record schemas in `src/domain`; a renamed field must be renamed here too.
 *
 * The embedded store indexes the first key of each compound index only, and leaves documents without a value at
 * that key out of non-unique indexes; MongoDB creates the compound indexes as listed. So: the most selective key
 * first wherever the query allows it (see the incident indexes).
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
  // Incidents. Key order: the embedded store indexes only the FIRST key of a compound index (NeDB uses one field
  // per query), so each index leads with the key that narrows the query most, and never with `status`: a handful
  // of values shared by every open incident, so a status-led index hands the embedded store every open incident as
  // candidates (the SLA sweep then cost O(open incidents) per run). MongoDB uses the whole compound key either way.
  // Nothing queries `sla.respondBy` / `sla.resolveBy` any more (the SLA watch asks for `slaNextAlertAt`), so they
  // have no index.
  //
  // "Open incidents of service X": duplicate suggestions at intake (repository `listOpenByService`).
  { collection: COLLECTIONS.incidents, keys: { service: 1, status: 1 } },
  // The SLA watch sweep asks for open incidents whose next warning or breach instant has come (`slaNextAlertAt`,
  // kept by flows/report-incident/incident.repository.ts on every write and absent once nothing more can fall due),
  // so a sweep's cost grows with what is due, not with how many incidents there are or how many are open.
  { collection: COLLECTIONS.incidents, keys: { slaNextAlertAt: 1, status: 1 } },
  // The auto-close sweep asks for resolved incidents resolved before a cut-off (`listResolvedBefore`); open
  // incidents have no `resolution` and stay out of the embedded store's index.
  { collection: COLLECTIONS.incidents, keys: { 'resolution.at': 1, status: 1 } },
  // "Mine" and the App Home list a person's open incidents: reported, reported for them, or assigned to them
  // (`listOpenForPerson`, an `$or` of the three — MongoDB plans an `$or` with indexes only when every branch has one).
  { collection: COLLECTIONS.incidents, keys: { 'reporter.id': 1, status: 1 } },
  { collection: COLLECTIONS.incidents, keys: { 'onBehalfOf.id': 1, status: 1 } },
  { collection: COLLECTIONS.incidents, keys: { 'assignee.id': 1, status: 1 } },
  // Incidents: one record per submitted draft, whatever retries or replicas do (sparse: older records have none).
  { collection: COLLECTIONS.incidents, keys: { intakeKey: 1 }, unique: true, sparse: true },

  // Changes: the CAB agenda and approval reminders ("pending changes by planned start"), and the change calendar.
  { collection: COLLECTIONS.changes, keys: { status: 1, plannedStart: 1 } },
  // Clash checks: the service-days each change's window covers (`slots`, e.g. `payroll@2026-03-07`), so "who else
  // changes these services then?" is an exact multikey lookup (`listOverlapping`), not a range over the schedule.
  { collection: COLLECTIONS.changes, keys: { slots: 1 } },
  // A person's own changes (requested, or theirs to implement) for the App Home.
  { collection: COLLECTIONS.changes, keys: { 'requester.id': 1, status: 1 } },
  { collection: COLLECTIONS.changes, keys: { 'implementer.id': 1, status: 1 } },
  // One change per submitted draft, whatever retries or replicas do.
  { collection: COLLECTIONS.changes, keys: { intakeKey: 1 }, unique: true, sparse: true },

  // Improvements (clause 10). The nudge sweep (flows/improvement-actions/improvement-nudges.job.ts) asks for open
  // actions whose target date falls in a bounded window around today (heads-ups ahead, the ladder behind): a
  // status + targetDate range, so its cost follows what is due. MongoDB plans it on (status, targetDate); the
  // embedded store indexes a compound index's first key only, and a status-led index would hand it every open
  // action, so (targetDate, status) gives it the date range instead.
  { collection: COLLECTIONS.improvements, keys: { status: 1, targetDate: 1 } },
  { collection: COLLECTIONS.improvements, keys: { targetDate: 1, status: 1 } },
  // `actions` and the App Home list one owner's (or a manager's team's: `$in` of owners) actions by status. The
  // owner is a person reference, so the key is `owner.id` (an index on `owner` would match whole objects only).
  { collection: COLLECTIONS.improvements, keys: { 'owner.id': 1, status: 1 } },
  // One entry per submitted draft, whatever retries or replicas do (sparse: post-incident reviews have none).
  { collection: COLLECTIONS.improvements, keys: { intakeKey: 1 }, unique: true, sparse: true },

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
