/**
 * Store access for changes: a versioned, audited record collection (src/store/record-repository.ts) plus the
 * queries the flow needs, each on an index listed in src/store/indexes.ts.
 */
import type { AuditActor } from '../../src/domain/audit';
import { changeSchema, type Change } from '../../src/domain/change';
import { CLASH_STATUSES } from '../../src/domain/change-schedule';
import type { Services } from '../../src/engine/services';
import { COLLECTIONS } from '../../src/store/collections';
import { createRecordRepository, type Stored } from '../../src/store/record-repository';
import { MAX_WINDOW_DAYS } from './request-change.ids';

/** A change as loaded, with the version a conditional write must expect. */
export type StoredChange = Stored<Change>;


/** The fields an auditor compares, small enough to keep on every event. */
export function changeSnapshot(change: Change): Record<string, unknown> {
  return {
    status: change.status,
    type: change.type,
    risk: change.risk.level,
    score: change.risk.score,
    services: change.services,
    plannedStart: change.plannedStart,
    plannedEnd: change.plannedEnd,
    approvals: change.approvals.map((a) => `${a.by.id}:${a.decision}`),
    implementer: change.implementer?.id,
    outcome: change.outcome?.result,
  };
}

/** Creates the repository over the flow's services. */
export function createChangeRepository(services: Services) {
  const repo = createRecordRepository<Change>(
    { store: services.store, counters: services.counters, audit: services.audit, now: () => services.clock.now() },
    {
      collection: COLLECTIONS.changes,
      schema: changeSchema,
      kind: 'change',
      prefix: 'CHG',
      clause: '8.5.1',
      snapshot: changeSnapshot,
      conflictText: (id) => `${id} was changed by someone else a moment ago. Look at it again and retry.`,
    },
  );

  return {
    ...repo,
    /** Creates a change raised from a draft (at most once per draft: see the flow's idempotency key). */
    create: (change: Change, options: { intakeKey: string; actor: AuditActor }) =>
      repo.create(change, { ...options, extra: { title: change.title, requester: change.requester.id } }),

    /**
     * Changes holding a window that overlaps [start, end) on any of `services`. Indexed on (services, plannedStart):
     * a window lasts at most MAX_WINDOW_DAYS, so only changes starting after `start` minus that can overlap, and
     * the cost follows the changes near that time on those services, not the size of the schedule.
     */
    async listOverlapping(servicesTouched: readonly string[], start: Date, end: Date, exceptId?: string): Promise<Change[]> {
      const earliest = new Date(start.getTime() - MAX_WINDOW_DAYS * 86_400_000);
      const found = await repo.find({
        services: { $in: [...servicesTouched] },
        plannedStart: { $gt: earliest, $lt: end },
        plannedEnd: { $gt: start },
        status: { $in: [...CLASH_STATUSES] },
      });
      return found.map((s) => s.record).filter((c) => c.id !== exceptId);
    },

    /** The schedule: changes holding a window that starts in [from, to), by planned start. */
    async listSchedule(from: Date, to: Date, limit = 200): Promise<Change[]> {
      const found = await repo.find({ status: { $in: [...CLASH_STATUSES] }, plannedStart: { $gte: from, $lt: to } }, { sort: { plannedStart: 1 }, limit });
      return found.map((s) => s.record);
    },

    /** A person's changes still in progress (requested by them, or theirs to implement). */
    async listOpenForPerson(personId: string, limit = 50): Promise<Change[]> {
      const status = { $in: [...CLASH_STATUSES, 'implemented', 'failed', 'backed_out'] };
      const found = await repo.find({ status, $or: [{ 'requester.id': personId }, { 'implementer.id': personId }] }, { sort: { plannedStart: 1 }, limit });
      return found.map((s) => s.record);
    },

    /** Changes awaiting authorisation, by planned start (the approver's list and the reminder sweep). */
    async listAwaitingDecision(limit = 200): Promise<StoredChange[]> {
      return repo.find({ status: { $in: ['submitted', 'assessed'] } }, { sort: { plannedStart: 1 }, limit });
    },
  };
}

/** The change repository. */
export type ChangeRepository = ReturnType<typeof createChangeRepository>;
