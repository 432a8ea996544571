/**
 * A versioned, audited record collection: the shape every record kind (changes, improvements…) is stored in.
 * Records are validated with their domain schema on the way in and out; what only the store needs (the
 * optimistic-concurrency `version`, the intake key a record was raised from, derived query fields) is added here
 * and never leaks into the domain. Every write appends its audit event; a create whose audit append fails is
 * removed again, so nothing half-written remains.
 */
import type { z } from 'zod';
import type { AuditActor } from '../domain/audit';
import { conflict, isDomainError, notFound } from '../domain/errors';
import type { RecordPrefix } from '../domain/records';
import type { AuditLog } from './audit-log';
import type { Counters } from './counters';
import { recordCounterName } from './counters';
import type { Doc, DocumentStore, Filter, FindOptions } from './ports';

/** A record as loaded, with the version a conditional write must expect. */
export interface Stored<R> {
  record: R;
  version: number;
}

/** What is audited with a write: who, which action (`change.approved`), and the record as it was before. */
export interface AuditNote<R> {
  actor: AuditActor;
  action: string;
  before?: R;
  /** Extra facts for the `after` snapshot (a decision's comment, a reminder's recipient). */
  extra?: Record<string, unknown>;
}

/** How one record kind is stored. */
export interface RecordKind<R extends { id: string }> {
  collection: string;
  schema: z.ZodType<R>;
  /** The record kind in the audit trail (`change`). */
  kind: string;
  prefix: RecordPrefix;
  /** The ISO/IEC 20000-1 clause its events are evidence for. */
  clause: string;
  /** The fields an auditor compares, small enough to keep on every event. */
  snapshot(record: R): Record<string, unknown>;
  /** Fields kept beside the record for queries only (derived on every write). */
  derived?(record: R): Record<string, unknown>;
  /** What a person is told when someone else changed the record first. */
  conflictText(id: string): string;
}

interface RecordDoc extends Doc {
  id: string;
  version: number;
  intakeKey?: string;
}

/** Creates the repository of one record kind over the store. */
export function createRecordRepository<R extends { id: string }>(
  deps: { store: DocumentStore; counters: Counters; audit: AuditLog; now: () => Date },
  kind: RecordKind<R>,
) {
  const docs = () => deps.store.collection<RecordDoc>(kind.collection);
  const schemaKeys = (record: R) => Object.keys(record as Record<string, unknown>);

  function toDomain(doc: RecordDoc): Stored<R> {
    // The schema keeps the record's own fields: the store's (version, intake key, derived fields) fall away.
    return { record: kind.schema.parse(doc), version: doc.version ?? 0 };
  }

  async function appendAudit(record: R, note: AuditNote<R>): Promise<void> {
    await deps.audit.append({
      at: deps.now(),
      actor: note.actor,
      action: note.action,
      record: { kind: kind.kind, id: record.id },
      ...(note.before ? { before: kind.snapshot(note.before) } : {}),
      after: { ...kind.snapshot(record), ...note.extra },
      clause: kind.clause,
    });
  }

  const repository = {
    /** The next record number. A number taken by a write that then fails is skipped, never handed out again. */
    async nextNumber(): Promise<number> {
      return deps.counters.next(recordCounterName(kind.prefix));
    },

    /** The record raised from an intake (a draft's id), if any: a retry after a crash finds the first one. */
    async findByIntakeKey(intakeKey: string): Promise<Stored<R> | null> {
      const doc = await docs().findOne({ intakeKey });
      return doc ? toDomain(doc) : null;
    },

    /** Stores a new record and its creation event (`<kind>.created`); removed again if the audit append fails. */
    async create(record: R, options: { intakeKey?: string; actor: AuditActor; extra?: Record<string, unknown> }): Promise<Stored<R>> {
      const valid = kind.schema.parse(record);
      const doc: RecordDoc = { ...(valid as Record<string, unknown>), ...kind.derived?.(valid), id: valid.id, version: 1, ...(options.intakeKey ? { intakeKey: options.intakeKey } : {}) };
      await docs().insertOne(doc);
      try {
        await appendAudit(valid, { actor: options.actor, action: `${kind.kind}.created`, ...(options.extra ? { extra: options.extra } : {}) });
      } catch (error) {
        await docs().deleteOne({ id: valid.id, version: 1 });
        throw error;
      }
      return { record: valid, version: 1 };
    },

    async load(id: string): Promise<Stored<R> | null> {
      const doc = await docs().findOne({ id });
      return doc ? toDomain(doc) : null;
    },

    /** The record, or a `not_found` DomainError naming the number. */
    async get(id: string): Promise<Stored<R>> {
      const doc = await docs().findOne({ id });
      if (!doc) throw notFound(id);
      return toDomain(doc);
    },

    /**
     * Writes `next` only if the stored record is still at `expectedVersion`, then audits it: of two people acting
     * at once exactly one wins; the other gets a `conflict` DomainError and nothing changes.
     */
    async save(next: R, expectedVersion: number, note: AuditNote<R>): Promise<Stored<R>> {
      const valid = kind.schema.parse(next);
      const set: Record<string, unknown> = { version: expectedVersion + 1, ...kind.derived?.(valid) };
      const unset: Record<string, ''> = {};
      const previous = note.before ? schemaKeys(note.before) : [];
      for (const key of new Set([...schemaKeys(valid), ...previous])) {
        if (key === 'id') continue;
        const value = (valid as Record<string, unknown>)[key];
        if (value === undefined) unset[key] = '';
        else set[key] = value;
      }
      const written = await docs().findOneAndUpdate(
        { id: valid.id, version: expectedVersion },
        { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
      );
      if (!written) throw conflict(kind.conflictText(valid.id), { recordId: valid.id });
      await appendAudit(valid, note);
      return { record: valid, version: expectedVersion + 1 };
    },

    /**
     * Applies `decide` to the current record and saves what it returns; when someone else wrote first (a double
     * click's twin, a second approver), reloads and decides again, so the rules see every earlier write — up to
     * `attempts` times, then the `conflict` stands. `decide` returns null when there is nothing to write.
     */
    async update(
      id: string,
      decide: (current: R) => { next: R; note: Omit<AuditNote<R>, 'before'> } | null,
      attempts = 3,
    ): Promise<{ before: R; stored: Stored<R>; changed: boolean }> {
      for (let attempt = 1; ; attempt++) {
        const current = await repository.get(id);
        const decided = decide(current.record);
        if (!decided) return { before: current.record, stored: current, changed: false };
        try {
          const stored = await repository.save(decided.next, current.version, { ...decided.note, before: current.record });
          return { before: current.record, stored, changed: true };
        } catch (error) {
          if (attempt >= attempts || !isDomainError(error, 'conflict')) throw error;
        }
      }
    },

    /** Records matching a filter (callers keep to indexed filters: see indexes.ts). */
    async find(filter: Filter, options?: FindOptions): Promise<Stored<R>[]> {
      return (await docs().find(filter, options)).map(toDomain);
    },
  };
  return repository;
}

/** The repository of one record kind. */
export type RecordRepository<R extends { id: string }> = ReturnType<typeof createRecordRepository<R>>;
