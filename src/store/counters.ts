/**
 * Atomic counters in the `counters` collection: the human record numbers (`INC-000123`) and any other sequence
 * that must never hand out the same value twice — across concurrent callers, replicas and restarts.
 *
 * Each counter is one document keyed by its `id` and bumped with an upserting `findOneAndUpdate` + `$inc`, which
 * MongoDB applies atomically to one document (concurrent first upserts on the unique `id` index are retried by
 * the server and by the MongoDB store); the embedded store serialises it within its single process.
 */
import { formatRecordNumber, type RecordPrefix } from '../domain/records';
import { COLLECTIONS } from './collections';
import type { DocumentStore } from './ports';

/** A counter document: `value` is the last number handed out. */
export interface CounterDoc {
  id: string;
  value: number;
  [field: string]: unknown;
}

export interface Counters {
  /** The next value of the named counter: 1, 2, 3, … Unique under any concurrency. */
  next(name: string): Promise<number>;
  /** The next record number for a prefix: `INC` → `INC-000123` (six digits, wider past 999999). */
  nextRecordNumber(prefix: RecordPrefix): Promise<string>;
}

/** The counter behind a record number prefix (kept apart from other counters such as the audit head marker). */
export function recordCounterName(prefix: RecordPrefix): string {
  return `record:${prefix}`;
}

/** Creates the counters repository over a store. */
export function createCounters(store: DocumentStore): Counters {
  const counters = store.collection<CounterDoc>(COLLECTIONS.counters);

  async function next(name: string): Promise<number> {
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw new Error('a counter needs a name');
    const doc = await counters.findOneAndUpdate({ id: name }, { $inc: { value: 1 } }, { upsert: true });
    if (!doc || typeof doc.value !== 'number' || !Number.isSafeInteger(doc.value)) {
      throw new Error(`counter ${name} holds no usable number`);
    }
    return doc.value;
  }

  return {
    next,
    async nextRecordNumber(prefix) {
      return formatRecordNumber(prefix, await next(recordCounterName(prefix)));
    },
  };
}
