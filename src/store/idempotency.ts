/**
 * Idempotency records: at most one run of a side effect per key (a proactive message, a record created from a
 * replayed submission), and the stored result for every duplicate caller. The DESIGN calls this collection
 * `notifications`; it is named `idempotency` (see collections.ts) because it guards more than notifications.
 *
 * A key is claimed with an upsert on `{ id: key }` whose `$setOnInsert` writes the claim with a fresh token: the
 * caller whose upsert inserted the record (the store says so) owns the claim. That is atomic on real MongoDB (one
 * document; the unique `id` index plus the store's retry on 11000 settle racing first inserts), under the embedded
 * store's per-collection mutex, and on the single-threaded test stand-in — which does not enforce unique indexes,
 * so the design must not depend on them. A claim holds a lease: when a holder crashes mid-way, the lease runs out and
 * the next caller takes the claim over (compare-and-swap on the old token), so a side effect is never lost.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { COLLECTIONS } from './collections';
import type { DocumentStore } from './ports';

/** `claimed`: the caller owns the key now; `done`: it ran before; `in_progress`: someone else holds a live claim. */
export type ClaimStatus = 'claimed' | 'done' | 'in_progress';

/** What `once` tells its caller: it ran the function now, or here is the stored result, or another run is still going. */
export type OnceOutcome<T> =
  | { fresh: true; result: T }
  | { fresh: false; result: T }
  | { fresh: false; inProgress: true; result?: undefined };

/** An idempotency record as stored. */
export interface IdempotencyRecord {
  id: string;
  owner: string;
  /** Unique per claim: tells the upsert's winner apart, and guards a takeover (compare-and-swap). */
  token: string;
  state: 'in_progress' | 'done';
  leaseUntil: Date;
  createdAt: Date;
  /** Retention end; a TTL index drops the record after it. */
  expiresAt: Date;
  result?: unknown;
  [field: string]: unknown;
}

export interface IdempotencyOptions {
  /** How long a record is kept after its first claim (default 30 days): duplicates within it are recognised. */
  retentionMs?: number;
  /** How `once` waits between polls (default a real timer); tests may pass a fake. */
  sleep?: (ms: number) => Promise<void>;
}

export interface Idempotency {
  /** Claims `key` for `owner` for `leaseMs`, unless it is done or someone else holds a live claim. */
  claim(key: string, options: { owner: string; now: Date; leaseMs: number }): Promise<ClaimStatus>;
  /** Marks the owner's claim done with its result; false when the claim was lost (its lease was taken over). */
  complete(key: string, owner: string, result: unknown): Promise<boolean>;
  /** Drops the owner's unfinished claim (after a failure) so a retry can run; false when it held none. */
  release(key: string, owner: string): Promise<boolean>;
  /** The record for a key, or null. */
  get(key: string): Promise<IdempotencyRecord | null>;
  /**
   * The keys among `keys` whose side effect ran (`done`), in one query: a batch caller skips those before it
   * claims. A key not returned may still be done by the time it is claimed: `claim` and `once` decide.
   */
  doneAmong(keys: readonly string[]): Promise<Set<string>>;
  /**
   * Runs `fn` at most once per key. A duplicate caller gets the stored result; one arriving while another run is
   * in progress polls for up to `waitMs` (default 2 s, wall-clock) and then gets `{ fresh: false, inProgress: true }`.
   * When `fn` throws, the claim is released and the error rethrown, so a retry runs it again.
   */
  once<T>(
    key: string,
    fn: () => Promise<T>,
    options: { now: Date; leaseMs?: number; waitMs?: number; pollMs?: number },
  ): Promise<OnceOutcome<T>>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_RETENTION_MS = 30 * DAY_MS;
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_WAIT_MS = 2_000;
const DEFAULT_POLL_MS = 25;

/**
 * Claim tokens and owners: unique to this process (a v4 UUID made once: 122 random bits) and to the call (a
 * counter), without a UUID per claim — a sweep claims thousands of keys.
 */
const PROCESS_NONCE = randomUUID();
let sequence = 0;
const uniqueId = () => `${PROCESS_NONCE}-${(sequence++).toString(36)}`;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1000) throw new Error('an idempotency key must be a non-empty string');
}

/** Creates the idempotency repository over a store. */
export function createIdempotency(store: DocumentStore, options: IdempotencyOptions = {}): Idempotency {
  const records = store.collection<IdempotencyRecord>(COLLECTIONS.idempotency);
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const sleep = options.sleep ?? realSleep;
  const ownerPrefix = `${hostname()}:${process.pid}`;

  async function claim(key: string, { owner, now, leaseMs }: { owner: string; now: Date; leaseMs: number }): Promise<ClaimStatus> {
    checkKey(key);
    if (typeof owner !== 'string' || owner.length === 0) throw new Error('a claim needs an owner');
    if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new Error('leaseMs must be a positive number');
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const inserted = await records.updateOne(
      { id: key },
      {
        $setOnInsert: {
          owner,
          token: uniqueId(),
          state: 'in_progress',
          leaseUntil,
          createdAt: now,
          expiresAt: new Date(now.getTime() + retentionMs),
        },
      },
      { upsert: true },
    );
    // Whoever inserted the record holds the claim (a racing upsert on MongoDB matches it, or fails on the unique
    // index and is retried as a match); only a key seen before needs reading.
    if (inserted.upserted) return 'claimed';
    const record = await records.findOne({ id: key });
    if (!record) return claim(key, { owner, now, leaseMs }); // released meanwhile: claim it afresh
    if (record.state === 'done') return 'done';
    if (record.leaseUntil.getTime() > now.getTime()) return 'in_progress';

    // The holder's lease ran out (it crashed or hung): take the claim over, only if nobody else did first.
    const takeover = uniqueId();
    const taken = await records.findOneAndUpdate(
      { id: key, token: record.token, state: 'in_progress' },
      { $set: { owner, token: takeover, leaseUntil } },
    );
    if (taken?.token === takeover) return 'claimed';
    const now2 = await records.findOne({ id: key });
    if (!now2) return claim(key, { owner, now, leaseMs });
    return now2.state === 'done' ? 'done' : 'in_progress';
  }

  async function complete(key: string, owner: string, result: unknown): Promise<boolean> {
    checkKey(key);
    const done = await records.updateOne({ id: key, owner, state: 'in_progress' }, { $set: { state: 'done', result } });
    return done.matched > 0;
  }

  async function release(key: string, owner: string): Promise<boolean> {
    checkKey(key);
    return (await records.deleteOne({ id: key, owner, state: 'in_progress' })) > 0;
  }

  async function get(key: string): Promise<IdempotencyRecord | null> {
    checkKey(key);
    return records.findOne({ id: key });
  }

  async function doneAmong(keys: readonly string[]): Promise<Set<string>> {
    keys.forEach(checkKey);
    if (keys.length === 0) return new Set();
    const done = await records.find({ id: { $in: [...new Set(keys)] }, state: 'done' }, { projection: ['id'] });
    return new Set(done.map((record) => record.id));
  }

  async function once<T>(
    key: string,
    fn: () => Promise<T>,
    { now, leaseMs = DEFAULT_LEASE_MS, waitMs = DEFAULT_WAIT_MS, pollMs = DEFAULT_POLL_MS }: { now: Date; leaseMs?: number; waitMs?: number; pollMs?: number },
  ): Promise<OnceOutcome<T>> {
    const owner = `${ownerPrefix}:${uniqueId()}`;
    const started = Date.now();
    for (;;) {
      const status = await claim(key, { owner, now, leaseMs });
      if (status === 'claimed') {
        let result: T;
        try {
          result = await fn();
        } catch (error) {
          await release(key, owner).catch(() => undefined);
          throw error;
        }
        await complete(key, owner, result);
        return { fresh: true, result };
      }
      // Someone else has it: wait for their result, or for their claim to go away (released after a failure).
      for (;;) {
        const record = await get(key);
        if (!record) break;
        if (record.state === 'done') return { fresh: false, result: record.result as T };
        if (Date.now() - started >= waitMs) return { fresh: false, inProgress: true };
        await sleep(pollMs);
      }
    }
  }

  return { claim, complete, release, get, doneAmong, once };
}
