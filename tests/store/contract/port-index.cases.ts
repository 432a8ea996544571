/**
 * Contract cases: unique indexes → DuplicateKeyError (insert, update, insertMany, upsert), the port's sparse
 * unique index, TTL expiry, ensureIndexes with the product's INDEXES, ping — and a re-probe through the port that
 * checks the capabilities the runner declared are the ones this store really has.
 */
import { INDEXES } from '../../../src/store/indexes';
import { DuplicateKeyError, type DocumentStore, type IndexSpec } from '../../../src/store/ports';
import { testIf } from '../capabilities';
import type { ContractContext } from '../contract';

const byEmail: IndexSpec[] = [
  { collection: 'members', keys: { id: 1 }, unique: true },
  { collection: 'members', keys: { email: 1 }, unique: true },
];

async function rejectsWithDuplicate(promise: Promise<unknown>, collection: string): Promise<void> {
  const error = await promise.then(
    () => new Error('expected a DuplicateKeyError, but the write succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DuplicateKeyError);
  expect((error as DuplicateKeyError).code).toBe('duplicate_key');
  expect((error as DuplicateKeyError).collection).toBe(collection);
}

/** What the store under test honours, observed through the port itself. */
async function observe(store: DocumentStore): Promise<Record<'uniqueIndexes' | 'bsonSortOrder' | 'arrayPathProjection' | 'pullWithCondition', boolean>> {
  await store.ensureIndexes([{ collection: 'probe', keys: { k: 1 }, unique: true }]);
  const probe = store.collection('probe');
  await probe.insertOne({ id: 'a', k: 1 });
  const uniqueIndexes = await probe.insertOne({ id: 'b', k: 1 }).then(
    () => false,
    (error: unknown) => error instanceof DuplicateKeyError,
  );
  const words = store.collection('probe_order');
  await words.insertMany([{ id: '1', s: 'b' }, { id: '2', s: 'B' }, { id: '3' }, { id: '4', s: '_' }, { id: '5', s: null }, { id: '6', s: 'a' }]);
  const sorted = (await words.find({}, { sort: { s: 1 } })).map((d) => (typeof d.s === 'string' ? d.s : '-'));
  const shaped = store.collection('probe_projection');
  await shaped.insertOne({ id: 'x', a: [{ b: 1, c: 2 }, { b: 3, c: 4 }] });
  const projected = await shaped.findOne({ id: 'x' }, { projection: ['a.b'] });
  const arrayPathProjection = JSON.stringify(projected) === JSON.stringify({ id: 'x', a: [{ b: 1 }, { b: 3 }] });
  const pulled = store.collection('probe_pull');
  await pulled.insertOne({ id: 'x', t: ['x', 'y'] });
  const pullWithCondition = await pulled.findOneAndUpdate({ id: 'x' }, { $pull: { t: { $in: ['x'] } } }).then(
    (doc) => JSON.stringify(doc?.t) === '["y"]',
    () => false,
  );
  return { uniqueIndexes, bsonSortOrder: sorted.join('') === '--B_ab', arrayPathProjection, pullWithCondition };
}

export function portIndexCases(ctx: ContractContext): void {
  const { capabilities } = ctx;

  test('the declared capabilities match what the store does (re-probed through the port)', async () => {
    expect(await observe(ctx.store())).toEqual({
      uniqueIndexes: capabilities.uniqueIndexes.ok,
      bsonSortOrder: capabilities.bsonSortOrder.ok,
      arrayPathProjection: capabilities.arrayPathProjection.ok,
      pullWithCondition: capabilities.pullWithCondition.ok,
    });
  });

  test('ensureIndexes creates every product index and is idempotent', async () => {
    const store = ctx.store();
    await store.ensureIndexes(INDEXES);
    await store.ensureIndexes(INDEXES);
    await store.collection('incidents').insertOne({ id: 'INC-000001', status: 'new', service: 'vpn' });
    expect(await store.collection('incidents').countDocuments({ status: 'new', service: 'vpn' })).toBe(1);
  });

  test('ping answers', async () => {
    await expect(ctx.store().ping()).resolves.toBeUndefined();
  });

  testIf(capabilities.uniqueIndexes, 'a unique index refuses a duplicate insertOne with DuplicateKeyError', async () => {
    const store = ctx.store();
    await store.ensureIndexes(byEmail);
    const members = store.collection('members');
    await members.insertOne({ id: 'm1', email: 'a@example.org' });
    await rejectsWithDuplicate(members.insertOne({ id: 'm1', email: 'other@example.org' }), 'members');
    await rejectsWithDuplicate(members.insertOne({ id: 'm2', email: 'a@example.org' }), 'members');
    expect(await members.countDocuments({})).toBe(1);
  });

  testIf(capabilities.uniqueIndexes, 'a unique index refuses an update that would duplicate a key', async () => {
    const store = ctx.store();
    await store.ensureIndexes(byEmail);
    const members = store.collection('members');
    await members.insertMany([{ id: 'm1', email: 'a@example.org' }, { id: 'm2', email: 'b@example.org' }]);
    await rejectsWithDuplicate(members.updateOne({ id: 'm2' }, { $set: { email: 'a@example.org' } }), 'members');
    await rejectsWithDuplicate(members.findOneAndUpdate({ id: 'm2' }, { $set: { email: 'a@example.org' } }), 'members');
    await rejectsWithDuplicate(members.updateMany({ id: 'm2' }, { $set: { email: 'a@example.org' } }), 'members');
    await rejectsWithDuplicate(members.updateOne({ id: 'm3' }, { $set: { email: 'a@example.org' } }, { upsert: true }), 'members');
    expect((await members.findOne({ id: 'm2' }))?.email).toBe('b@example.org');
    expect(await members.countDocuments({})).toBe(2);
  });

  testIf(capabilities.uniqueIndexes, 'insertMany stops at the first duplicate, keeping the documents before it', async () => {
    const store = ctx.store();
    await store.ensureIndexes(byEmail);
    const members = store.collection('members');
    await members.insertOne({ id: 'm1', email: 'a@example.org' });
    await rejectsWithDuplicate(
      members.insertMany([
        { id: 'm2', email: 'b@example.org' },
        { id: 'm3', email: 'a@example.org' },
        { id: 'm4', email: 'd@example.org' },
      ]),
      'members',
    );
    expect((await members.find({}, { sort: { id: 1 } })).map((m) => m.id)).toEqual(['m1', 'm2']);
    await rejectsWithDuplicate(members.insertMany([{ id: 'm5', email: 'e@example.org' }, { id: 'm5', email: 'f@example.org' }]), 'members');
    expect(await members.countDocuments({ id: 'm5' })).toBe(1);
  });

  testIf(capabilities.uniqueIndexes, 'a sparse unique index is unique only among documents that have its first key', async () => {
    const store = ctx.store();
    await store.ensureIndexes([{ collection: 'links', keys: { personId: 1, channel: 1 }, unique: true, sparse: true }]);
    const links = store.collection('links');
    await links.insertMany([
      { id: 'c1', channel: 'slack' },
      { id: 'c2', channel: 'slack' },
      { id: 'p1', personId: 'ada', channel: 'slack' },
      { id: 'p2', personId: 'ada', channel: 'teams' },
    ]);
    await rejectsWithDuplicate(links.insertOne({ id: 'p3', personId: 'ada', channel: 'slack' }), 'links');
    await rejectsWithDuplicate(links.updateOne({ id: 'p2' }, { $set: { channel: 'slack' } }), 'links');
    await links.updateOne({ id: 'c2' }, { $set: { channel: 'teams', note: 'moved' } });
    expect(await links.countDocuments({})).toBe(4);
  });

  testIf(
    capabilities.ttlExpiry,
    'a TTL index removes documents once their date has passed',
    async () => {
      const store = ctx.store();
      await store.ensureIndexes([{ collection: 'expiring', keys: { expiresAt: 1 }, expireAfterSeconds: 0 }]);
      const expiring = store.collection('expiring');
      const now = Date.now();
      await expiring.insertMany([
        { id: 'old', expiresAt: new Date(now - 60_000) },
        { id: 'live', expiresAt: new Date(now + 3_600_000) },
      ]);
      const limit = capabilities.ttlExpiry.ok ? capabilities.ttlExpiry.withinMs : 0;
      const deadline = Date.now() + limit;
      while ((await expiring.countDocuments({ id: 'old' })) > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, limit / 10)));
      }
      expect((await expiring.find({}, { sort: { id: 1 } })).map((d) => d.id)).toEqual(['live']);
    },
    (capabilities.ttlExpiry.ok ? capabilities.ttlExpiry.withinMs : 0) + 10_000,
  );
}
