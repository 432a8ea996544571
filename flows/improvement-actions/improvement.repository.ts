/**
 * Store access for the improvement register: a versioned, audited record collection
 * (src/store/record-repository.ts) plus the queries the flow and its sweep need, each on an index listed in
 * src/store/indexes.ts. Entries raised elsewhere (the incident flow's post-incident reviews) share the collection
 * and the domain schema; they are written without the repository's `version`, so the first save adopts them.
 */
import type { AuditActor } from '../../src/domain/audit';
import { improvementSchema, type Improvement, type ImprovementStatus } from '../../src/domain/improvement';
import type { Services } from '../../src/engine/services';
import { COLLECTIONS } from '../../src/store/collections';
import { createRecordRepository, type AuditNote, type Stored } from '../../src/store/record-repository';

/** An entry as loaded, with the version a conditional write must expect. */
export type StoredImprovement = Stored<Improvement>;

/** The fields an auditor compares, small enough to keep on every event. */
export function improvementSnapshot(improvement: Improvement): Record<string, unknown> {
  return {
    status: improvement.status,
    type: improvement.type,
    owner: improvement.owner.id,
    priority: improvement.priority,
    targetDate: improvement.targetDate,
    deferrals: improvement.deferrals.length,
    progressNotes: improvement.progress.length,
    evidence: improvement.evidence.length,
    effective: improvement.effectivenessCheck?.effective,
    snoozedUntil: improvement.snoozedUntil,
  };
}

/** Creates the repository over the flow's services. */
export function createImprovementRepository(services: Services) {
  const repo = createRecordRepository<Improvement>(
    { store: services.store, counters: services.counters, audit: services.audit, now: () => services.clock.now() },
    {
      collection: COLLECTIONS.improvements,
      schema: improvementSchema,
      kind: 'improvement',
      prefix: 'IMP',
      clause: '10',
      snapshot: improvementSnapshot,
      conflictText: (id) => `${id} was changed by someone else a moment ago. Look at it again and retry.`,
    },
  );
  const docs = () => services.store.collection(COLLECTIONS.improvements);
  /** Gives an entry written without a version (elsewhere) version 0, so conditional writes can match it. */
  const adopt = async (id: string) => {
    await docs().findOneAndUpdate({ id, version: { $exists: false } }, { $set: { version: 0 } });
  };

  return {
    ...repo,
    /** Creates an entry raised from a draft (at most once per draft: see the flow's idempotency key). */
    create: (improvement: Improvement, options: { intakeKey: string; actor: AuditActor }) =>
      repo.create(improvement, { ...options, extra: { title: improvement.title, clause: improvement.clause, source: improvement.source.kind } }),

    /**
     * Saves under optimistic concurrency. An entry written without a version (a post-incident review raised by the
     * incident flow) is loaded as version 0; it is given that version first, so the conditional write can match it.
     */
    async save(next: Improvement, expectedVersion: number, note: AuditNote<Improvement>): Promise<StoredImprovement> {
      if (expectedVersion === 0) await adopt(next.id);
      return repo.save(next, expectedVersion, note);
    },

    /** The record repository's reload-and-decide-again update, for entries from elsewhere too. */
    async update(...args: Parameters<typeof repo.update>): ReturnType<typeof repo.update> {
      await adopt(args[0]);
      return repo.update(...args);
    },

    /**
     * Entries in `statuses` whose target date lies in [from, to] (ISO dates compare as strings), earliest first.
     * Indexed on (status, targetDate) and (targetDate, status): the sweep's cost follows what is due in that window.
     */
    async listTargetBetween(statuses: readonly ImprovementStatus[], from: string, to: string): Promise<StoredImprovement[]> {
      return repo.find({ status: { $in: [...statuses] }, targetDate: { $gte: from, $lte: to } }, { sort: { targetDate: 1 } });
    },

    /** Entries owned by any of `owners` in `statuses`, earliest target first (indexed on owner.id, status). */
    async listForOwners(owners: readonly string[], statuses: readonly ImprovementStatus[], limit = 100): Promise<Improvement[]> {
      if (owners.length === 0) return [];
      const found = await repo.find({ 'owner.id': { $in: [...owners] }, status: { $in: [...statuses] } }, { sort: { targetDate: 1 }, limit });
      return found.map((s) => s.record);
    },
  };
}

/** The improvement repository. */
export type ImprovementRepository = ReturnType<typeof createImprovementRepository>;
