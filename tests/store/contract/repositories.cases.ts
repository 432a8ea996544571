/**
 * Contract cases for the repositories written once against the port: counters, idempotency, locks, conversation
 * state and the address book — including the concurrency each promises (200 parallel counters, 50 parallel
 * `once` calls, racing leases).
 */
import { createAddressBook } from '../../../src/store/address-book';
import { createConversations } from '../../../src/store/conversations';
import { createCounters, recordCounterName } from '../../../src/store/counters';
import { createIdempotency } from '../../../src/store/idempotency';
import { INDEXES } from '../../../src/store/indexes';
import { createLocks } from '../../../src/store/locks';
import type { ContractContext } from '../contract';

// Injected time must not lie in the real past: TTL indexes (embedded, MongoDB) expire by the real clock, and
// would drop documents whose expiry the test means to be in the future.
const T0 = new Date('2099-03-02T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function repositoryCases(ctx: ContractContext): void {
  beforeEach(async () => {
    await ctx.store().ensureIndexes(INDEXES);
  });

  describe('counters', () => {
    test('next counts from 1, per name', async () => {
      const counters = createCounters(ctx.store());
      expect([await counters.next('a'), await counters.next('a'), await counters.next('b'), await counters.next('a')]).toEqual([1, 2, 1, 3]);
    });

    test('record numbers are six digits, wider past 999999', async () => {
      const counters = createCounters(ctx.store());
      expect(await counters.nextRecordNumber('INC')).toBe('INC-000001');
      expect(await counters.nextRecordNumber('CHG')).toBe('CHG-000001');
      await ctx.store().collection('counters').updateOne({ id: recordCounterName('INC') }, { $set: { value: 999_999 } });
      expect(await counters.nextRecordNumber('INC')).toBe('INC-1000000');
    });

    test('200 parallel next() calls get 200 distinct numbers, 1 to 200', async () => {
      const counters = createCounters(ctx.store());
      const values = await Promise.all(Array.from({ length: 200 }, () => counters.next('parallel')));
      expect(new Set(values).size).toBe(200);
      expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    }, 30_000);
  });

  describe('idempotency', () => {
    test('claim, complete, and a later claim sees it done', async () => {
      const idem = createIdempotency(ctx.store());
      expect(await idem.claim('k', { owner: 'a', now: T0, leaseMs: 1000 })).toBe('claimed');
      expect(await idem.claim('k', { owner: 'b', now: T0, leaseMs: 1000 })).toBe('in_progress');
      expect(await idem.complete('k', 'b', 'not mine')).toBe(false);
      expect(await idem.complete('k', 'a', { sent: 1 })).toBe(true);
      expect(await idem.claim('k', { owner: 'b', now: at(5000), leaseMs: 1000 })).toBe('done');
      expect((await idem.get('k'))?.result).toEqual({ sent: 1 });
    });

    test('release lets a retry claim the key again', async () => {
      const idem = createIdempotency(ctx.store());
      await idem.claim('k', { owner: 'a', now: T0, leaseMs: 1000 });
      expect(await idem.release('k', 'b')).toBe(false);
      expect(await idem.release('k', 'a')).toBe(true);
      expect(await idem.claim('k', { owner: 'b', now: T0, leaseMs: 1000 })).toBe('claimed');
    });

    test('a claim whose lease ran out (a crash mid-way) is claimed again, and the old owner cannot complete it', async () => {
      const idem = createIdempotency(ctx.store());
      expect(await idem.claim('k', { owner: 'a', now: T0, leaseMs: 1000 })).toBe('claimed');
      expect(await idem.claim('k', { owner: 'b', now: at(999), leaseMs: 1000 })).toBe('in_progress');
      expect(await idem.claim('k', { owner: 'b', now: at(1000), leaseMs: 1000 })).toBe('claimed');
      expect(await idem.complete('k', 'a', 'late')).toBe(false);
      expect(await idem.complete('k', 'b', 'ok')).toBe(true);
      expect((await idem.get('k'))?.result).toBe('ok');
    });

    test('50 parallel claims of one key: exactly one is claimed', async () => {
      const idem = createIdempotency(ctx.store());
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => idem.claim('k', { owner: `o${i}`, now: T0, leaseMs: 60_000 })));
      expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
      expect(await ctx.store().collection('idempotency').countDocuments({ id: 'k' })).toBe(1);
    });

    test('50 parallel once() calls: the function runs once, every caller gets its result', async () => {
      const idem = createIdempotency(ctx.store());
      let runs = 0;
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () =>
          idem.once(
            'notify:k',
            async () => {
              runs += 1;
              await new Promise((resolve) => setTimeout(resolve, 20));
              return { ref: 'm1' };
            },
            { now: T0, leaseMs: 60_000, waitMs: 10_000, pollMs: 10 },
          ),
        ),
      );
      expect(runs).toBe(1);
      expect(outcomes.filter((o) => o.fresh)).toHaveLength(1);
      expect(outcomes.every((o) => 'result' in o && o.result !== undefined && (o.result as { ref: string }).ref === 'm1')).toBe(true);
      expect(await ctx.store().collection('idempotency').countDocuments({})).toBe(1);
    }, 30_000);

    test('once() returns the stored result to a later duplicate, and reports a run still in progress', async () => {
      const idem = createIdempotency(ctx.store());
      expect(await idem.once('k', async () => 42, { now: T0 })).toEqual({ fresh: true, result: 42 });
      expect(await idem.once('k', async () => 43, { now: at(1000) })).toEqual({ fresh: false, result: 42 });

      const gate = deferred<string>();
      const first = idem.once('slow', () => gate.promise, { now: T0, leaseMs: 60_000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await idem.once('slow', async () => 'second', { now: T0, waitMs: 0 })).toEqual({ fresh: false, inProgress: true });
      gate.resolve('first');
      expect(await first).toEqual({ fresh: true, result: 'first' });
    });

    test('once() releases the key when the function throws, so a retry runs it', async () => {
      const idem = createIdempotency(ctx.store());
      await expect(idem.once('k', async () => Promise.reject(new Error('transport down')), { now: T0 })).rejects.toThrow('transport down');
      expect(await idem.get('k')).toBeNull();
      expect(await idem.once('k', async () => 'sent', { now: T0 })).toEqual({ fresh: true, result: 'sent' });
    });
  });

  describe('locks', () => {
    test('two owners: one wins; expiry lets the other in', async () => {
      const locks = createLocks(ctx.store());
      expect(await locks.acquire('job:sweep', 'a', { now: T0, ttlMs: 60_000 })).toBe(true);
      expect(await locks.acquire('job:sweep', 'b', { now: at(1000), ttlMs: 60_000 })).toBe(false);
      expect(await locks.holder('job:sweep', at(1000))).toEqual({ owner: 'a', expiresAt: at(60_000) });
      expect(await locks.acquire('job:sweep', 'a', { now: at(2000), ttlMs: 60_000 })).toBe(true);
      expect(await locks.holder('job:sweep', at(62_000))).toBeNull();
      expect(await locks.acquire('job:sweep', 'b', { now: at(62_000), ttlMs: 60_000 })).toBe(true);
      expect((await locks.holder('job:sweep', at(62_000)))?.owner).toBe('b');
    });

    test('renew extends only the holder’s lease; release frees it at once', async () => {
      const locks = createLocks(ctx.store());
      await locks.acquire('l', 'a', { now: T0, ttlMs: 1000 });
      expect(await locks.renew('l', 'b', { now: at(500), ttlMs: 1000 })).toBe(false);
      expect(await locks.renew('l', 'a', { now: at(500), ttlMs: 1000 })).toBe(true);
      expect(await locks.acquire('l', 'b', { now: at(1200), ttlMs: 1000 })).toBe(false);
      expect(await locks.release('l', 'b')).toBe(false);
      expect(await locks.release('l', 'a')).toBe(true);
      expect(await locks.holder('l', at(1200))).toBeNull();
      expect(await locks.acquire('l', 'b', { now: at(1200), ttlMs: 1000 })).toBe(true);
    });

    test('20 owners racing for a fresh lease: exactly one gets it', async () => {
      const locks = createLocks(ctx.store());
      const won = await Promise.all(Array.from({ length: 20 }, (_, i) => locks.acquire('race', `o${i}`, { now: T0, ttlMs: 60_000 })));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await ctx.store().collection('locks').countDocuments({ id: 'race' })).toBe(1);
    });
  });

  describe('conversations', () => {
    test('saved state loads until it expires; clear forgets it', async () => {
      const conversations = createConversations(ctx.store());
      const expiresAt = at(60_000);
      await conversations.save('slack:C1:U1:incident', { flowId: 'incident', state: { step: 2, picked: ['vpn'], at: T0 }, expiresAt });
      expect(await conversations.load('slack:C1:U1:incident', at(59_999))).toEqual({ flowId: 'incident', state: { step: 2, picked: ['vpn'], at: T0 }, expiresAt });
      expect(await conversations.load('slack:C1:U1:incident', at(60_000))).toBeNull();
      await conversations.clear('slack:C1:U1:incident');
      expect(await conversations.load('slack:C1:U1:incident', T0)).toBeNull();
    });

    test('save replaces the whole state', async () => {
      const conversations = createConversations(ctx.store());
      await conversations.save('k', { flowId: 'f', state: { a: 1, b: 2 }, expiresAt: at(1000) });
      await conversations.save('k', { flowId: 'f', state: { a: 3 }, expiresAt: at(2000) });
      expect(await conversations.load('k', T0)).toEqual({ flowId: 'f', state: { a: 3 }, expiresAt: at(2000) });
    });

    test('purgeExpired removes only what expired', async () => {
      const conversations = createConversations(ctx.store());
      await conversations.save('old', { flowId: 'f', state: {}, expiresAt: at(1000) });
      await conversations.save('new', { flowId: 'f', state: {}, expiresAt: at(3_600_000) });
      expect(await conversations.purgeExpired(at(5000))).toBe(1);
      expect(await conversations.load('new', at(5000))).not.toBeNull();
    });
  });

  describe('address book', () => {
    test('save upserts one address per person and channel, keeping first-seen', async () => {
      const book = createAddressBook(ctx.store());
      await book.save({ personId: 'ada', channel: 'slack', address: { user: 'U1', team: 'T1' }, now: T0 });
      const again = await book.save({ personId: 'ada', channel: 'slack', address: { user: 'U1', team: 'T2' }, now: at(1000) });
      expect(again).toEqual({ personId: 'ada', channel: 'slack', address: { user: 'U1', team: 'T2' }, firstSeenAt: T0, lastSeenAt: at(1000) });
      expect(await book.get('ada', 'slack')).toEqual(again);
      expect(await book.get('ada', 'teams')).toBeNull();
      expect(await ctx.store().collection('addresses').countDocuments({ personId: 'ada' })).toBe(1);
    });

    test('forPerson lists the most recently seen channel first', async () => {
      const book = createAddressBook(ctx.store());
      await book.save({ personId: 'ada', channel: 'slack', address: { user: 'U1' }, now: T0 });
      await book.save({ personId: 'ada', channel: 'teams', address: { ref: 'x' }, now: at(1000) });
      expect((await book.forPerson('ada')).map((a) => a.channel)).toEqual(['teams', 'slack']);
      await book.save({ personId: 'ada', channel: 'slack', address: { user: 'U1' }, now: at(2000) });
      expect((await book.forPerson('ada')).map((a) => a.channel)).toEqual(['slack', 'teams']);
      expect(await book.forPerson('nobody')).toEqual([]);
    });

    test('an address is opaque: any JSON, awkward keys included, round-trips exactly', async () => {
      const book = createAddressBook(ctx.store());
      const address = { 'service.url': 'https://smba.example/', $type: 'ref', conversation: { id: 'a:1', isGroup: false }, list: [1, null, 'x'] };
      await book.save({ personId: 'bob', channel: 'teams', address, now: T0 });
      expect((await book.get('bob', 'teams'))?.address).toEqual(address);
    });

    test('channel conversations have their own addresses, several per channel', async () => {
      const book = createAddressBook(ctx.store());
      await book.saveConversation({ channel: 'slack', conversationId: 'C1', address: { channel: 'C1' }, now: T0 });
      await book.saveConversation({ channel: 'slack', conversationId: 'C2', address: { channel: 'C2' }, now: T0 });
      const updated = await book.saveConversation({ channel: 'slack', conversationId: 'C1', address: { channel: 'C1', thread: 't' }, now: at(5) });
      expect(updated).toEqual({ channel: 'slack', conversationId: 'C1', address: { channel: 'C1', thread: 't' }, firstSeenAt: T0, lastSeenAt: at(5) });
      expect(await book.getConversation('slack', 'C1')).toEqual(updated);
      expect((await book.getConversation('slack', 'C2'))?.address).toEqual({ channel: 'C2' });
      expect(await book.getConversation('teams', 'C1')).toBeNull();
      expect(await book.forPerson('C1')).toEqual([]);
    });
  });
}
