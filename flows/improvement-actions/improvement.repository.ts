/**
 * Store access for the improvement register: a versioned, audited record collection
 * (src/store/record-repository.ts) plus the queries the flow and its sweep need, each on an index listed in
 * src/store/indexes.ts. Entries raised elsewhere (the incident flow's post-incident reviews) share the collection
 * and the domain schema; they are written without the repository's `version`, so the first save adopts them.
 */
import { z } from 'zod';
import type { AuditActor } from '../../src/domain/audit';
import { addDays, daysBetween, isIsoDate } from '../../src/domain/dates';
import { conflict } from '../../src/domain/errors';
import { improvementSchema, type Improvement, type ImprovementStatus } from '../../src/domain/improvement';
import { messageRefSchema, type MessageRef } from '../../src/domain/records';
import type { Services } from '../../src/engine/services';
import { COLLECTIONS } from '../../src/store/collections';
import { createRecordRepository, type AuditNote, type Stored } from '../../src/store/record-repository';
import { SYSTEM_AUDIT_ACTOR } from '../shared/actors';

/** An entry as loaded, with the version a conditional write must expect. */
export type StoredImprovement = Stored<Improvement>;

/** The widest window of target dates {@link createImprovementRepository}'s `listTargetBetween` lists date by date. */
const MAX_LISTED_DAYS = 400;

/**
 * A nudge about the entry that reached nobody (the person is reachable on no channel). Kept beside the entry in
 * its document (`unreachable[]`, store-only like `version`: the domain schema does not carry it, and saves never
 * touch it) and audited as `improvement.unreachable`, for the manager's weekly digest to report.
 */
export const unreachableNoteSchema = z.object({ person: z.string(), stage: z.string(), targetDate: z.string(), at: z.date() });
/** One {@link unreachableNoteSchema} note. */
export type UnreachableNote = z.output<typeof unreachableNoteSchema>;

/** An entry with the notes of nudges about it that reached nobody. */
export type StoredImprovementWithNotes = StoredImprovement & { unreachable: UnreachableNote[] };

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

/** What someone is told when another write got to the entry first. */
const conflictText = (id: string) => `${id} was changed by someone else a moment ago. Look at it again and retry.`;

const messageRefsSchema = z.array(messageRefSchema);

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
      conflictText,
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

    /**
     * Adds card refs to the entry (the copies every answer refreshes) on the version `stored` was loaded at, and
     * audits it as `save` would (`note.actor`, `note.action`, the snapshot before and after, `note.extra`); a
     * `conflict` DomainError when someone else wrote first. Writes only the new version and the refs, where `save`
     * rewrites the whole record: the nudge sweep does this once per due entry (bench/nudges.bench.ts).
     */
    async addMessages(stored: StoredImprovement, refs: readonly MessageRef[], note: Omit<AuditNote<Improvement>, 'before'>): Promise<StoredImprovement> {
      const added = messageRefsSchema.parse(refs);
      const { id } = stored.record;
      if (stored.version === 0) await adopt(id);
      const written = await docs().updateOne(
        { id, version: stored.version },
        { $set: { version: stored.version + 1 }, ...(added.length > 0 ? { $push: { messages: { $each: added } } } : {}) },
      );
      if (written.matched === 0) throw conflict(conflictText(id), { recordId: id });
      const record: Improvement = { ...stored.record, messages: [...stored.record.messages, ...added] };
      await services.audit.append({
        at: services.clock.now(),
        actor: note.actor,
        action: note.action,
        record: { kind: 'improvement', id },
        before: improvementSnapshot(stored.record),
        after: { ...improvementSnapshot(record), ...note.extra },
        clause: '10',
      });
      return { record, version: stored.version + 1 };
    },

    /** The record repository's reload-and-decide-again update, for entries from elsewhere too. */
    async update(...args: Parameters<typeof repo.update>): ReturnType<typeof repo.update> {
      await adopt(args[0]);
      return repo.update(...args);
    },

    /**
     * Entries in `statuses` whose target date lies in [from, to] (ISO dates compare as strings), earliest first.
     * Indexed on (status, targetDate) and (targetDate, status): the sweep's cost follows what is due in that window.
     * A window of up to {@link MAX_LISTED_DAYS} days is asked for as the list of its dates (`$in`; target dates are
     * always `YYYY-MM-DD`, so that is the same set): the embedded store hands only numeric and Date ranges to its
     * indexes, and for the range it would pick the `status` index — every open entry as a candidate (measured in
     * bench/nudges.bench.ts). Given a `$in` on both, it takes the last one, `targetDate`; MongoDB plans either form
     * on (status, targetDate).
     */
    async listTargetBetween(statuses: readonly ImprovementStatus[], from: string, to: string): Promise<StoredImprovement[]> {
      const span = isIsoDate(from) && isIsoDate(to) ? daysBetween(from, to) : Number.POSITIVE_INFINITY;
      const targetDate =
        span >= 0 && span < MAX_LISTED_DAYS ? { $in: Array.from({ length: span + 1 }, (_, i) => addDays(from, i)) } : { $gte: from, $lte: to };
      return repo.find({ status: { $in: [...statuses] }, targetDate }, { sort: { targetDate: 1 } });
    },

    /** Notes a nudge that reached nobody on the entry's document, and audits it (the sweep calls it once per key). */
    async noteUnreachable(id: string, note: UnreachableNote): Promise<void> {
      await docs().updateOne({ id }, { $push: { unreachable: note } });
      await services.audit.append({
        at: note.at,
        actor: SYSTEM_AUDIT_ACTOR,
        action: 'improvement.unreachable',
        record: { kind: 'improvement', id },
        after: { person: note.person, stage: note.stage, targetDate: note.targetDate },
        clause: '10',
      });
    },

    /**
     * Open entries (`statuses`) due on or before `to`, earliest first, with their unreachable notes: the digest's
     * one query, on the same (status, targetDate) index as the sweep's — overdue has no lower bound.
     */
    async listDueByWithNotes(statuses: readonly ImprovementStatus[], to: string): Promise<StoredImprovementWithNotes[]> {
      const found = await docs().find({ status: { $in: [...statuses] }, targetDate: { $lte: to } }, { sort: { targetDate: 1 } });
      return found.map((doc) => ({
        record: improvementSchema.parse(doc),
        version: typeof doc.version === 'number' ? doc.version : 0,
        unreachable: (Array.isArray(doc.unreachable) ? doc.unreachable : []).flatMap((n: unknown) => {
          const parsed = unreachableNoteSchema.safeParse(n);
          return parsed.success ? [parsed.data] : [];
        }),
      }));
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
