/**
 * The audit trail (`audit`): append-only, hash-chained evidence of every state change (src/domain/audit.ts has
 * the event shape and hashing rules). There is no update or delete here, on purpose.
 *
 * Appends within one process go through one mutex per store, so the chain stays linear; across processes the
 * unique index on `seq` refuses a second event in the same place and the loser re-reads the head and retries.
 * After each append a head marker (`counters` document `audit:head`) records the last seq and hash, so removing
 * events from the tail — which leaves a perfectly linked, shorter chain — is still detected by `verify`. Appends
 * made side by side (a sweep nudging several entries at once) are written together: each event in order, then
 * the marker once, past the last; no caller hears back before the marker is past its event.
 */
import type { ZodError } from 'zod';
import { GENESIS_HASH, auditEventSchema, computeAuditHash, sealAuditEvent, type AuditEvent, type AuditEventInput } from '../domain/audit';
import { COLLECTIONS } from './collections';
import { createMutex, type Mutex } from './mutex';
import { DuplicateKeyError, type DocumentStore } from './ports';

/** One thing wrong with the chain, at the event (`seq`) where it shows. */
export interface AuditProblem {
  seq: number;
  problem: string;
}

/** The outcome of {@link AuditLog.verify}: `checked` events read; `ok` when there are no problems. */
export interface AuditVerification {
  ok: boolean;
  checked: number;
  problems: AuditProblem[];
}

export interface AuditLog {
  /** Validates, seals and appends one event; returns it with its `seq` and hashes. Throws a ZodError on bad input. */
  append(input: AuditEventInput): Promise<AuditEvent>;
  /** A record's events in chain order. */
  listForRecord(kind: string, id: string): Promise<AuditEvent[]>;
  /** Walks the whole chain in pages, in seq order, and reports every edited, missing, re-ordered or cut-off event. */
  verify(options?: { pageSize?: number }): Promise<AuditVerification>;
}

interface AuditDoc extends AuditEvent {
  id: string;
  [field: string]: unknown;
}

interface HeadMarker {
  id: string;
  seq: number;
  hash: string;
  [field: string]: unknown;
}

/** The id of the head marker in `counters`. */
export const AUDIT_HEAD_ID = 'audit:head';
const DEFAULT_PAGE_SIZE = 500;
const MAX_APPEND_ATTEMPTS = 20;

/** An append waiting for the mutex, and how to answer its caller. */
interface PendingAppend {
  input: AuditEventInput;
  resolve(event: AuditEvent): void;
  reject(error: unknown): void;
}

/** Per store: the append mutex, the appends waiting for it, and the last head this process wrote (saves a sort per append). */
interface AppendState {
  mutex: Mutex;
  waiting: PendingAppend[];
  head: { seq: number; hash: string } | null;
  markerExists: boolean;
}
const appendStates = new WeakMap<DocumentStore, AppendState>();

function appendStateFor(store: DocumentStore): AppendState {
  let state = appendStates.get(store);
  if (!state) {
    state = { mutex: createMutex(), waiting: [], head: null, markerExists: false };
    appendStates.set(store, state);
  }
  return state;
}

/** The document id of event `seq`: zero-padded so ids sort like seqs when someone browses the collection. */
function eventId(seq: number): string {
  return String(seq).padStart(12, '0');
}

function withoutId(doc: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, ...rest } = doc;
  return rest;
}

function describeZodError(error: ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ');
}

/** Creates the audit log over a store. */
export function createAuditLog(store: DocumentStore): AuditLog {
  const events = store.collection<AuditDoc>(COLLECTIONS.audit);
  const markers = store.collection<HeadMarker>(COLLECTIONS.counters);
  const state = appendStateFor(store);

  /** The last event in the trail, and the head marker (null when missing or malformed). */
  async function readTrailEnd(): Promise<{ last: { seq: number; hash: string }; marker: { seq: number; hash: string } | null }> {
    const found = await markers.findOne({ id: AUDIT_HEAD_ID });
    const marker = typeof found?.seq === 'number' && typeof found.hash === 'string' ? { seq: found.seq, hash: found.hash } : null;
    // From the marker on, the query reads a few events rather than sorting the whole trail (the embedded store
    // sorts in memory); the whole trail only when nothing is at or past the marker (a cut tail).
    const from = marker && marker.seq > 0 ? { seq: { $gte: marker.seq } } : {};
    const lastEvent =
      (await events.findOne(from, { sort: { seq: -1 }, projection: ['seq', 'hash'] })) ??
      (Object.keys(from).length > 0 ? await events.findOne({}, { sort: { seq: -1 }, projection: ['seq', 'hash'] }) : null);
    return { last: lastEvent ? { seq: lastEvent.seq, hash: lastEvent.hash } : { seq: 0, hash: GENESIS_HASH }, marker };
  }

  /**
   * Where the next event chains on. When the marker is ahead of the last event, events were cut off the end: the
   * next event continues after the marker, so the cut stays visible to `verify` as missing events. Chaining on the
   * shorter trail instead would re-use the cut seqs, and the marker — moved forward by the next appends — would
   * stop showing that anything was ever removed.
   */
  async function readHead(): Promise<{ seq: number; hash: string }> {
    const { last, marker } = await readTrailEnd();
    return marker && marker.seq > last.seq ? marker : last;
  }

  async function moveMarker(event: AuditEvent): Promise<void> {
    if (!state.markerExists) {
      await markers.updateOne({ id: AUDIT_HEAD_ID }, { $setOnInsert: { seq: 0, hash: GENESIS_HASH } }, { upsert: true });
      state.markerExists = true;
    }
    // Only forward: another process may already have moved it past this event.
    await markers.updateOne({ id: AUDIT_HEAD_ID, seq: { $lt: event.seq } }, { $set: { seq: event.seq, hash: event.hash } });
  }

  /** Seals `input` after the head and inserts it; when another process took that place, chains after theirs. */
  async function insertNext(input: AuditEventInput): Promise<AuditEvent> {
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const head = state.head ?? (await readHead());
      const event = sealAuditEvent(input, head.seq + 1, head.hash);
      try {
        await events.insertOne({ ...event, id: eventId(event.seq) });
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
        state.head = null; // another process appended first: re-read the head and chain after it
        continue;
      }
      state.head = { seq: event.seq, hash: event.hash };
      return event;
    }
    throw new Error(`could not append to the audit trail after ${MAX_APPEND_ATTEMPTS} attempts: other writers keep taking the next place`);
  }

  /**
   * Under the mutex: inserts every waiting event in order (one failing fails only its caller), then moves the
   * marker once, past the last written, and only then answers their callers.
   */
  async function appendWaiting(): Promise<void> {
    const written: Array<{ pending: PendingAppend; event: AuditEvent }> = [];
    for (const pending of state.waiting.splice(0)) {
      try {
        written.push({ pending, event: await insertNext(pending.input) });
      } catch (error) {
        pending.reject(error);
      }
    }
    const last = written.at(-1);
    if (!last) return;
    try {
      await moveMarker(last.event);
      for (const { pending, event } of written) pending.resolve(event);
    } catch (error) {
      for (const { pending } of written) pending.reject(error);
    }
  }

  async function append(input: AuditEventInput): Promise<AuditEvent> {
    // Bad input is refused when its turn comes (sealing validates it, then hashes it), before anything of it is
    // written; the appends queued with it are not held up.
    return new Promise<AuditEvent>((resolve, reject) => {
      state.waiting.push({ input, resolve, reject });
      // The first to wait asks for the mutex; appends arriving before it is granted are written with it.
      if (state.waiting.length === 1) void state.mutex.run(appendWaiting);
    });
  }

  async function listForRecord(kind: string, id: string): Promise<AuditEvent[]> {
    if (typeof kind !== 'string' || typeof id !== 'string') throw new Error('a record reference needs a kind and an id');
    const docs = await events.find({ 'record.kind': kind, 'record.id': id }, { sort: { seq: 1 } });
    return docs.map((doc) => auditEventSchema.parse(withoutId(doc)));
  }

  async function verify({ pageSize = DEFAULT_PAGE_SIZE }: { pageSize?: number } = {}): Promise<AuditVerification> {
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error('pageSize must be a positive integer');
    const problems: AuditProblem[] = [];
    let checked = 0;
    let prev = { seq: 0, hash: GENESIS_HASH };

    const { last, marker } = await readTrailEnd();
    const end = Math.max(last.seq, marker?.seq ?? 0);

    // Pages are seq ranges (from, from + pageSize], so each read is small and served by the seq index.
    let from = 0;
    while (from < end) {
      const page = await events.find({ seq: { $gt: from, $lte: from + pageSize } }, { sort: { seq: 1 } });
      if (page.length === 0) {
        // A long run of missing events: jump to the next event rather than reading empty ranges one by one.
        const next = await events.findOne({ seq: { $gt: from + pageSize } }, { sort: { seq: 1 }, projection: ['seq'] });
        if (!next) break;
        from = next.seq - 1;
        continue;
      }
      for (const doc of page) {
        checked += 1;
        const raw = withoutId(doc);
        const seq = typeof raw.seq === 'number' ? raw.seq : NaN;
        const parsed = auditEventSchema.safeParse(raw);
        if (!parsed.success) {
          problems.push({ seq, problem: `malformed event: ${describeZodError(parsed.error)}` });
        }
        if (seq === prev.seq) {
          problems.push({ seq, problem: `a second event with seq ${seq}: the chain forked` });
          continue;
        }
        const gap = seq !== prev.seq + 1;
        if (gap) {
          const missing = seq - prev.seq - 1 === 1 ? `event ${prev.seq + 1} is` : `events ${prev.seq + 1}–${seq - 1} are`;
          problems.push({ seq, problem: `${missing} missing (removed)` });
        }
        let hashMatches = false;
        try {
          hashMatches = computeAuditHash(raw) === raw.hash;
        } catch {
          hashMatches = false;
        }
        if (!hashMatches) problems.push({ seq, problem: 'the hash does not match the content (the event was edited)' });
        if (!gap && raw.prevHash !== prev.hash) {
          problems.push({ seq, problem: `prevHash does not match the hash of event ${prev.seq} (an event was replaced or re-ordered)` });
        }
        prev = { seq, hash: typeof raw.hash === 'string' ? raw.hash : '' };
      }
      from += pageSize;
    }

    if (marker && typeof marker.seq === 'number') {
      if (marker.seq > prev.seq) {
        problems.push({ seq: prev.seq + 1, problem: `the trail ends at seq ${prev.seq} but its head marker says ${marker.seq}: events were cut off the end` });
      } else if (marker.seq === prev.seq && marker.seq > 0 && marker.hash !== prev.hash) {
        problems.push({ seq: prev.seq, problem: 'the last event does not match the head marker (it was replaced)' });
      }
    } else if (prev.seq > 0) {
      problems.push({ seq: prev.seq, problem: 'the head marker is missing, so a cut-off tail cannot be ruled out' });
    }

    return { ok: problems.length === 0, checked, problems };
  }

  return { append, listForRecord, verify };
}
