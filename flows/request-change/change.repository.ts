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
import { CHANGE_STATUSES } from '../../src/domain/change';
import { localIsoDate } from '../../src/domain/dates';
import { MAX_WINDOW_DAYS } from './request-change.ids';

/** A change as loaded, with the version a conditional write must expect. */
export type StoredChange = Stored<Change>;


/** States that do not hold a window: not asked for by the clash query. */
const FREE_STATUSES = CHANGE_STATUSES.filter((status) => !(CLASH_STATUSES as readonly string[]).includes(status));

/**
 * The service-days a window covers (`payroll@2026-03-07`, UTC days): kept beside each change so "who else changes
 * these services then?" is an exact multikey lookup on any store. A window lasts at most MAX_WINDOW_DAYS, so a
 * change has at most (MAX_WINDOW_DAYS + 1) slots per service, and the lookup reads only the changes on those
 * services on those days, however long the schedule is.
 */
export function scheduleSlots(services: readonly string[], start: Date, end: Date): string[] {
  const days: string[] = [];
  const last = localIsoDate(new Date(Math.max(start.getTime(), end.getTime() - 1)), 'UTC');
  for (let day = localIsoDate(start, 'UTC'), n = 0; day <= last && n <= MAX_WINDOW_DAYS + 1; n++) {
    days.push(day);
    day = localIsoDate(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000), 'UTC');
  }
  return services.flatMap((service) => days.map((day) => `${service}@${day}`));
}

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
      derived: (change) => ({ slots: scheduleSlots(change.services, change.plannedStart, change.plannedEnd) }),
      conflictText: (id) => `${id} was changed by someone else a moment ago. Look at it again and retry.`,
    },
  );

  return {
    ...repo,
    /** Creates a change raised from a draft (at most once per draft: see the flow's idempotency key). */
    create: (change: Change, options: { intakeKey: string; actor: AuditActor }) =>
      repo.create(change, { ...options, extra: { title: change.title, requester: change.requester.id } }),

    /**
     * Changes holding a window that overlaps [start, end) on any of `services`: an exact lookup of the service-days
     * the window covers (see {@link scheduleSlots}), then the precise overlap. The cost follows the changes on those
     * services on those days, not the size of the schedule (bench/change-clash.ts).
     */
    async listOverlapping(servicesTouched: readonly string[], start: Date, end: Date, exceptId?: string): Promise<Change[]> {
      const found = await repo.find({
        // Only the slots are an index lookup: the other conditions are checked on what it finds.
        slots: { $in: scheduleSlots(servicesTouched, start, end) },
        status: { $nin: FREE_STATUSES },
        plannedStart: { $lt: end },
        plannedEnd: { $gt: start },
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
