/**
 * Contract cases: every update operator of the port, updateOne/updateMany results, findOneAndUpdate, upserts with
 * `$setOnInsert`, and malformed updates refused.
 */
import { UPDATE_OPERATORS, type Doc, type Update } from '../../../src/store/ports';
import { testIf } from '../capabilities';
import type { ContractContext } from '../contract';

const BASE = {
  id: 'u1',
  n: 1,
  name: 'x',
  tags: ['a', 'b'],
  nested: { v: 1 },
  items: [
    { k: 1, status: 'open' },
    { k: 2, status: 'done' },
  ],
};

/** Start from BASE, apply the update, expect this document. */
const UPDATE_CASES: Array<{ title: string; update: Update; expected: Record<string, unknown> }> = [
  { title: '$set a new and an existing field', update: { $set: { name: 'y', extra: true } }, expected: { ...BASE, name: 'y', extra: true } },
  { title: '$set a dotted path', update: { $set: { 'nested.w': 2, 'deep.er.est': 'z' } }, expected: { ...BASE, nested: { v: 1, w: 2 }, deep: { er: { est: 'z' } } } },
  { title: '$set replaces a whole subdocument', update: { $set: { nested: { only: true } } }, expected: { ...BASE, nested: { only: true } } },
  { title: '$unset', update: { $unset: { name: '', 'nested.v': '' } }, expected: { id: 'u1', n: 1, tags: ['a', 'b'], nested: {}, items: BASE.items } },
  { title: '$inc an existing and a missing field', update: { $inc: { n: 4, fresh: 2, 'nested.v': -1 } }, expected: { ...BASE, n: 5, fresh: 2, nested: { v: 0 } } },
  { title: '$push one value', update: { $push: { tags: 'c' } }, expected: { ...BASE, tags: ['a', 'b', 'c'] } },
  { title: '$push onto a missing array', update: { $push: { log: { at: 1 } } }, expected: { ...BASE, log: [{ at: 1 }] } },
  { title: '$push with $each and $slice', update: { $push: { tags: { $each: ['c', 'd', 'e'], $slice: -3 } } }, expected: { ...BASE, tags: ['c', 'd', 'e'] } },
  { title: '$addToSet skips a present value', update: { $addToSet: { tags: 'a' } }, expected: BASE },
  { title: '$addToSet with $each adds each new value once', update: { $addToSet: { tags: { $each: ['b', 'c', 'c'] }, fresh: { $each: ['p', 'p'] } } }, expected: { ...BASE, tags: ['a', 'b', 'c'], fresh: ['p'] } },
  { title: '$pull a value', update: { $pull: { tags: 'a' } }, expected: { ...BASE, tags: ['b'] } },
  { title: '$pull subdocuments matching a query', update: { $pull: { items: { status: 'open' } } }, expected: { ...BASE, items: [{ k: 2, status: 'done' }] } },
  { title: '$setOnInsert is ignored when the document exists', update: { $set: { n: 2 }, $setOnInsert: { created: true } }, expected: { ...BASE, n: 2 } },
  { title: 'several operators at once', update: { $set: { name: 'z' }, $inc: { n: 1 }, $push: { tags: 'c' } }, expected: { ...BASE, name: 'z', n: 2, tags: ['a', 'b', 'c'] } },
];

export function portUpdateCases(ctx: ContractContext): void {
  const seeded = async () => {
    const coll = ctx.store().collection('updates');
    await coll.insertOne(JSON.parse(JSON.stringify(BASE)) as typeof BASE);
    return coll;
  };

  test('every update operator of the port has a case here', () => {
    const covered = new Set(UPDATE_CASES.flatMap((c) => Object.keys(c.update)));
    expect(UPDATE_OPERATORS.filter((op) => !covered.has(op))).toEqual([]);
  });

  test.each(UPDATE_CASES)('update: $title', async ({ update, expected }) => {
    const coll = await seeded();
    const after = await coll.findOneAndUpdate({ id: 'u1' }, update);
    expect(after).toEqual(expected);
    expect(await coll.findOne({ id: 'u1' })).toEqual(expected);
  });

  testIf(ctx.capabilities.pullWithCondition, 'update: $pull with a condition on the elements', async () => {
    const coll = await seeded();
    expect(await coll.findOneAndUpdate({ id: 'u1' }, { $pull: { tags: { $in: ['a', 'z'] } } })).toEqual({ ...BASE, tags: ['b'] });
  });

  test('findOneAndUpdate returns null when nothing matches and upsert is off', async () => {
    const coll = await seeded();
    expect(await coll.findOneAndUpdate({ id: 'nobody' }, { $set: { a: 1 } })).toBeNull();
    expect(await coll.countDocuments({})).toBe(1);
  });

  test('upsert builds the new document from the filter equality fields, the update and $setOnInsert', async () => {
    const coll = ctx.store().collection('updates');
    const created = await coll.findOneAndUpdate(
      { id: 'n1', kind: 'x', 'meta.source': 'test', level: { $gt: 1 }, tier: { $eq: 2 } },
      { $set: { name: 'new' }, $inc: { count: 1 }, $setOnInsert: { createdBy: 'me' } },
      { upsert: true },
    );
    const expected = { id: 'n1', kind: 'x', meta: { source: 'test' }, tier: 2, name: 'new', count: 1, createdBy: 'me' };
    expect(created).toEqual(expected);
    expect(created && '_id' in created).toBe(false);
    expect(await coll.findOne({ id: 'n1' })).toEqual(expected);

    const again = await coll.findOneAndUpdate({ id: 'n1' }, { $inc: { count: 1 }, $setOnInsert: { createdBy: 'other' } }, { upsert: true });
    expect(again).toEqual({ ...expected, count: 2 });
    expect(await coll.countDocuments({ id: 'n1' })).toBe(1);
  });

  test('an upsert must give the document an id', async () => {
    const coll = ctx.store().collection('updates');
    await expect(coll.updateOne({ status: 'x' }, { $set: { a: 1 } }, { upsert: true })).rejects.toThrow(/id/);
    await expect(coll.findOneAndUpdate({ status: 'x' }, { $set: { a: 1 } }, { upsert: true })).rejects.toThrow(/id/);
    expect(await coll.countDocuments({})).toBe(0);
    const made = await coll.findOneAndUpdate({ status: 'x' }, { $setOnInsert: { id: 'given' } }, { upsert: true });
    expect(made).toEqual({ id: 'given', status: 'x' });
  });

  test('updateOne reports matched, modified and upserted', async () => {
    const coll = await seeded();
    expect(await coll.updateOne({ id: 'u1' }, { $set: { n: 2 } })).toEqual({ matched: 1, modified: 1, upserted: false });
    expect(await coll.updateOne({ id: 'u1' }, { $set: { n: 2 } })).toEqual({ matched: 1, modified: 0, upserted: false });
    expect(await coll.updateOne({ id: 'nobody' }, { $set: { n: 2 } })).toEqual({ matched: 0, modified: 0, upserted: false });
    expect(await coll.updateOne({ id: 'u2' }, { $set: { n: 3 } }, { upsert: true })).toEqual({ matched: 0, modified: 0, upserted: true });
    expect(await coll.findOne({ id: 'u2' })).toEqual({ id: 'u2', n: 3 });
  });

  test('updateMany updates every match and counts only real changes as modified', async () => {
    const coll = ctx.store().collection<Doc>('many');
    await coll.insertMany([
      { id: 'a', group: 1, flag: false },
      { id: 'b', group: 1, flag: true },
      { id: 'c', group: 2, flag: false },
    ]);
    expect(await coll.updateMany({ group: 1 }, { $set: { flag: true } })).toEqual({ matched: 2, modified: 1, upserted: false });
    expect(await coll.countDocuments({ flag: true })).toBe(2);
    expect(await coll.updateMany({ group: 9 }, { $set: { flag: true } })).toEqual({ matched: 0, modified: 0, upserted: false });
  });

  test('$set with undefined stores nothing for that field', async () => {
    const coll = await seeded();
    const after = await coll.findOneAndUpdate({ id: 'u1' }, { $set: { name: 'kept', gone: undefined } });
    expect(after && 'gone' in after).toBe(false);
    expect(after?.name).toBe('kept');
  });

  test('malformed updates are refused and change nothing', async () => {
    const coll = await seeded();
    await expect(coll.updateOne({ id: 'u1' }, {} as Update)).rejects.toThrow(/operator/);
    await expect(coll.updateOne({ id: 'u1' }, { name: 'replacement' } as unknown as Update)).rejects.toThrow(/replacement|operator/);
    await expect(coll.updateOne({ id: 'u1' }, { $rename: { name: 'other' } } as unknown as Update)).rejects.toThrow(/\$rename/);
    await expect(coll.updateOne({ id: 'u1' }, { $set: { id: 42 } })).rejects.toThrow(/id/);
    await expect(coll.updateOne({ id: 'u1' }, { $inc: { name: 1 } })).rejects.toThrow();
    await expect(coll.updateOne({ id: 'u1' }, { $set: { n: 1 }, $inc: { n: 1 } })).rejects.toThrow(/conflict/i);
    expect(await coll.findOne({ id: 'u1' })).toEqual(BASE);
  });

  test('concurrent upserts of one id make one document', async () => {
    const coll = ctx.store().collection('racing');
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => coll.findOneAndUpdate({ id: 'same' }, { $inc: { hits: 1 }, $setOnInsert: { first: true } }, { upsert: true }).then(() => i)),
    );
    expect(results).toHaveLength(25);
    expect(await coll.countDocuments({ id: 'same' })).toBe(1);
    expect((await coll.findOne({ id: 'same' }))?.hits).toBe(25);
  });
}
