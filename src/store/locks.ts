/**
 * Leases in `locks`: a scheduled job first takes its lease, so one replica runs each sweep (DESIGN, "Growing past
 * one machine"). A lease has an owner and an expiry; a crashed holder's lease simply runs out.
 *
 * Taking a lease is two steps that stay correct even where unique indexes are not enforced (the test stand-in):
 * an upsert with only `$setOnInsert` makes sure the lock document exists (it never changes an existing one), then
 * a single-document conditional update takes it only if it is free or expired, or already ours. MongoDB applies
 * that update atomically, so of two replicas racing for an expired lease exactly one matches.
 */
import { COLLECTIONS } from './collections';
import type { DocumentStore } from './ports';

/** Who holds a lease and until when. */
export interface LockHolder {
  owner: string;
  expiresAt: Date;
}

interface LockDoc {
  id: string;
  owner: string | null;
  expiresAt: Date;
  acquiredAt?: Date;
  [field: string]: unknown;
}

export interface Locks {
  /** Takes the lease for `ttlMs` if it is free, expired, or already held by `owner`; true when `owner` holds it. */
  acquire(name: string, owner: string, options: { now: Date; ttlMs: number }): Promise<boolean>;
  /** Extends a lease `owner` still holds (even one past its expiry that nobody took since); false otherwise. */
  renew(name: string, owner: string, options: { now: Date; ttlMs: number }): Promise<boolean>;
  /** Gives the lease up at once; false when `owner` did not hold it. */
  release(name: string, owner: string): Promise<boolean>;
  /** The current holder, or null when the lease is free or expired at `now`. */
  holder(name: string, now: Date): Promise<LockHolder | null>;
}

const FREE = new Date(0);

function check(name: string, owner?: string, ttlMs?: number): void {
  if (typeof name !== 'string' || name.length === 0) throw new Error('a lock needs a name');
  if (owner !== undefined && (typeof owner !== 'string' || owner.length === 0)) throw new Error('a lock owner must be a non-empty string');
  if (ttlMs !== undefined && (!Number.isFinite(ttlMs) || ttlMs <= 0)) throw new Error('ttlMs must be a positive number');
}

/** Creates the lease repository over a store. */
export function createLocks(store: DocumentStore): Locks {
  const locks = store.collection<LockDoc>(COLLECTIONS.locks);

  return {
    async acquire(name, owner, { now, ttlMs }) {
      check(name, owner, ttlMs);
      await locks.updateOne({ id: name }, { $setOnInsert: { owner: null, expiresAt: FREE } }, { upsert: true });
      const taken = await locks.findOneAndUpdate(
        { id: name, $or: [{ expiresAt: { $lte: now } }, { owner }] },
        { $set: { owner, expiresAt: new Date(now.getTime() + ttlMs), acquiredAt: now } },
      );
      return taken?.owner === owner;
    },

    async renew(name, owner, { now, ttlMs }) {
      check(name, owner, ttlMs);
      const renewed = await locks.findOneAndUpdate({ id: name, owner }, { $set: { expiresAt: new Date(now.getTime() + ttlMs) } });
      return renewed?.owner === owner;
    },

    async release(name, owner) {
      check(name, owner);
      const result = await locks.updateOne({ id: name, owner }, { $set: { owner: null, expiresAt: FREE } });
      return result.matched > 0;
    },

    async holder(name, now) {
      check(name);
      const doc = await locks.findOne({ id: name, expiresAt: { $gt: now } });
      return doc && typeof doc.owner === 'string' ? { owner: doc.owner, expiresAt: doc.expiresAt } : null;
    },
  };
}
