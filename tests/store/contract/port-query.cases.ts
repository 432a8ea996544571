/**
 * Contract cases: CRUD, every filter operator the port lists, dotted paths, sort/skip/limit/projection, Dates,
 * `undefined` fields, `_id` never exposed, and unsafe filters refused.
 */
import { FILTER_OPERATORS, type Doc, type Filter } from '../../../src/store/ports';
import { testIf } from '../capabilities';
import type { ContractContext } from '../contract';

interface Person extends Doc {
  name: string;
  age: number;
  tags: string[];
  team: { name: string; size: number };
  joined: Date;
  items: Array<{ sku: string; qty: number }>;
  nickname?: string | null;
}

/** Three people — a small object mother for query cases. */
export function people(): Person[] {
  return [
    {
      id: 'p1',
      name: 'Ada',
      age: 36,
      tags: ['admin', 'ops'],
      team: { name: 'ops', size: 4 },
      joined: new Date('2020-01-01T00:00:00Z'),
      items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 5 }],
    },
    {
      id: 'p2',
      name: 'bob',
      age: 25,
      tags: ['dev'],
      team: { name: 'dev', size: 9 },
      joined: new Date('2022-06-01T00:00:00Z'),
      items: [{ sku: 'a', qty: 7 }],
      nickname: null,
    },
    {
      id: 'p3',
      name: 'Cy',
      age: 51,
      tags: [],
      team: { name: 'ops', size: 4 },
      joined: new Date('2019-03-15T00:00:00Z'),
      items: [],
    },
  ];
}

/** One case per operator (some operators appear in several); the coverage test keeps this list complete. */
const FILTER_CASES: Array<{ title: string; filter: Filter; ids: string[] }> = [
  { title: '$eq', filter: { age: { $eq: 25 } }, ids: ['p2'] },
  { title: '$ne on a nested field', filter: { 'team.name': { $ne: 'ops' } }, ids: ['p2'] },
  { title: '$ne on an array (no element equals)', filter: { tags: { $ne: 'admin' } }, ids: ['p2', 'p3'] },
  { title: '$gt', filter: { age: { $gt: 36 } }, ids: ['p3'] },
  { title: '$gte', filter: { age: { $gte: 36 } }, ids: ['p1', 'p3'] },
  { title: '$lt on a Date', filter: { joined: { $lt: new Date('2020-06-01T00:00:00Z') } }, ids: ['p1', 'p3'] },
  { title: '$lte', filter: { age: { $lte: 25 } }, ids: ['p2'] },
  { title: '$in on an array field', filter: { tags: { $in: ['ops', 'dev'] } }, ids: ['p1', 'p2'] },
  { title: '$nin (missing or no element in the list)', filter: { tags: { $nin: ['admin'] } }, ids: ['p2', 'p3'] },
  { title: '$exists: true (null counts as present)', filter: { nickname: { $exists: true } }, ids: ['p2'] },
  { title: '$exists: false', filter: { nickname: { $exists: false } }, ids: ['p1', 'p3'] },
  { title: '$regex with $options', filter: { name: { $regex: '^B', $options: 'i' } }, ids: ['p2'] },
  { title: '$regex is case-sensitive without $options', filter: { name: { $regex: '^B' } }, ids: [] },
  { title: '$or', filter: { $or: [{ age: 25 }, { 'team.size': 4, age: { $gt: 50 } }] }, ids: ['p2', 'p3'] },
  { title: '$and', filter: { $and: [{ 'team.name': 'ops' }, { age: { $lt: 40 } }] }, ids: ['p1'] },
  { title: '$not (field-level)', filter: { age: { $not: { $gt: 30 } } }, ids: ['p2'] },
  { title: '$elemMatch', filter: { items: { $elemMatch: { sku: 'a', qty: { $gt: 3 } } } }, ids: ['p2'] },
  { title: '$size', filter: { tags: { $size: 0 } }, ids: ['p3'] },
  { title: 'equality matches an array element', filter: { tags: 'ops' }, ids: ['p1'] },
  { title: 'null matches null and missing', filter: { nickname: null }, ids: ['p1', 'p2', 'p3'] },
  { title: 'dotted path into an array of documents', filter: { 'items.sku': 'b' }, ids: ['p1'] },
  { title: 'dotted path into a subdocument', filter: { 'team.size': 9 }, ids: ['p2'] },
  { title: 'range on a dotted path', filter: { 'items.qty': { $gte: 5, $lt: 7 } }, ids: ['p1'] },
  { title: 'range bounds on an array may be met by different elements', filter: { 'items.qty': { $gt: 4, $lt: 2 } }, ids: ['p1'] },
  { title: 'equality on a Date', filter: { joined: new Date('2019-03-15T00:00:00Z') }, ids: ['p3'] },
];

function ids(docs: Doc[]): string[] {
  return docs.map((doc) => doc.id).sort();
}

export function portQueryCases(ctx: ContractContext): void {
  const seed = async () => {
    const coll = ctx.store().collection<Person>('people');
    await coll.insertMany(people());
    return coll;
  };

  test('insertOne, findOne and find return the documents as stored, without _id', async () => {
    const coll = ctx.store().collection<Person>('people');
    const [ada] = people();
    await coll.insertOne(ada as Person);
    const found = await coll.findOne({ id: 'p1' });
    expect(found).toEqual(ada);
    expect(found && '_id' in found).toBe(false);
    const all = await coll.find({});
    expect(all).toEqual([ada]);
    expect(all.every((doc) => !('_id' in doc))).toBe(true);
    expect(await coll.findOne({ id: 'nobody' })).toBeNull();
  });

  test('insertOne does not change the object it was given', async () => {
    const doc = { id: 'x1', n: 1 };
    await ctx.store().collection('things').insertOne(doc);
    expect(doc).toEqual({ id: 'x1', n: 1 });
  });

  test('insertMany and countDocuments', async () => {
    const coll = await seed();
    expect(await coll.countDocuments({})).toBe(3);
    expect(await coll.countDocuments({ 'team.name': 'ops' })).toBe(2);
    await coll.insertMany([]);
    expect(await coll.countDocuments({})).toBe(3);
  });

  test('every filter operator of the port has a case here', () => {
    const covered = new Set(FILTER_CASES.flatMap((c) => JSON.stringify(c.filter).match(/\$[a-zA-Z]+/g) ?? []));
    expect(FILTER_OPERATORS.filter((op) => !covered.has(op))).toEqual([]);
  });

  test.each(FILTER_CASES)('filter: $title', async ({ filter, ids: expected }) => {
    const coll = await seed();
    expect(ids(await coll.find(filter))).toEqual(expected);
    expect(await coll.countDocuments(filter)).toBe(expected.length);
  });

  test('sort ascending and descending, on several keys', async () => {
    const coll = await seed();
    expect((await coll.find({}, { sort: { age: -1 } })).map((d) => d.id)).toEqual(['p3', 'p1', 'p2']);
    expect((await coll.find({}, { sort: { 'team.name': 1, age: -1 } })).map((d) => d.id)).toEqual(['p2', 'p3', 'p1']);
    expect((await coll.find({}, { sort: { joined: 1 } })).map((d) => d.id)).toEqual(['p3', 'p1', 'p2']);
  });

  test('skip and limit apply after the sort', async () => {
    const coll = await seed();
    expect((await coll.find({}, { sort: { age: 1 }, skip: 1, limit: 1 })).map((d) => d.id)).toEqual(['p1']);
    expect((await coll.find({}, { sort: { age: 1 }, limit: 2 })).map((d) => d.id)).toEqual(['p2', 'p1']);
    expect((await coll.find({}, { sort: { age: 1 }, skip: 5 })).map((d) => d.id)).toEqual([]);
    expect((await coll.findOne({ 'team.name': 'ops' }, { sort: { age: -1 } }))?.id).toBe('p3');
  });

  test('projection returns only the listed paths, always id, never _id', async () => {
    const coll = await seed();
    const [doc] = await coll.find({ id: 'p1' }, { projection: ['name', 'team.size'] });
    expect(doc).toEqual({ id: 'p1', name: 'Ada', team: { size: 4 } });
    const one = await coll.findOne({ id: 'p2' }, { projection: ['items.qty', 'items'] });
    expect(one).toEqual({ id: 'p2', items: [{ sku: 'a', qty: 7 }] });
  });

  testIf(ctx.capabilities.arrayPathProjection, 'projecting a dotted path through an array keeps the array of documents', async () => {
    const coll = await seed();
    const nested = await coll.findOne({ id: 'p1' }, { projection: ['items.sku'] });
    expect(nested).toEqual({ id: 'p1', items: [{ sku: 'a' }, { sku: 'b' }] });
  });

  testIf(ctx.capabilities.bsonSortOrder, 'sort follows BSON order: null and missing first, strings in binary order', async () => {
    const coll = ctx.store().collection('words');
    await coll.insertMany([
      { id: 'w1', s: 'b' },
      { id: 'w2', s: 'B' },
      { id: 'w3' },
      { id: 'w4', s: '_' },
      { id: 'w5', s: 'a' },
      { id: 'w6', s: null },
      { id: 'w7', s: 'ä' },
    ]);
    const sorted = await coll.find({}, { sort: { s: 1 } });
    expect(sorted.slice(0, 2).map((d) => d.id).sort()).toEqual(['w3', 'w6']);
    expect(sorted.slice(2).map((d) => d.s)).toEqual(['B', '_', 'a', 'b', 'ä']);
  });

  test('Dates round-trip as Date, top-level, nested and in arrays', async () => {
    const coll = ctx.store().collection('dated');
    const at = new Date('2024-02-29T12:34:56.789Z');
    await coll.insertOne({ id: 'd1', at, nested: { at }, list: [at, { at }] });
    const doc = await coll.findOne({ id: 'd1' });
    expect(doc?.at).toBeInstanceOf(Date);
    expect(doc).toEqual({ id: 'd1', at, nested: { at }, list: [at, { at }] });
    expect((await coll.find({ 'nested.at': { $gte: at } })).length).toBe(1);
    expect((await coll.find({ at: { $gt: at } })).length).toBe(0);
  });

  test('undefined fields are not stored', async () => {
    const coll = ctx.store().collection('sparse');
    await coll.insertOne({ id: 'u1', a: undefined, nested: { b: undefined, c: 1 } });
    const doc = await coll.findOne({ id: 'u1' });
    expect(doc).toEqual({ id: 'u1', nested: { c: 1 } });
    expect(doc && 'a' in doc).toBe(false);
    expect(await coll.countDocuments({ a: { $exists: true } })).toBe(0);
  });

  test('deleteOne and deleteMany report how many went', async () => {
    const coll = await seed();
    expect(await coll.deleteOne({ 'team.name': 'ops' })).toBe(1);
    expect(await coll.deleteOne({ id: 'nobody' })).toBe(0);
    expect(await coll.deleteMany({})).toBe(2);
    expect(await coll.countDocuments({})).toBe(0);
  });

  test('unsafe or unsupported query operators are refused before reaching the store', async () => {
    const coll = await seed();
    await expect(coll.find({ $where: 'true' })).rejects.toThrow(/unsupported query operator \$where/);
    await expect(coll.find({ name: { $expr: {} } })).rejects.toThrow(/\$expr/);
    await expect(coll.findOne({ $or: [{ a: { $function: {} } }] })).rejects.toThrow(/\$function/);
    await expect(coll.countDocuments({ $where: 'sleep(1000)' })).rejects.toThrow(/\$where/);
    await expect(coll.deleteMany({ $where: 'true' })).rejects.toThrow(/\$where/);
    await expect(coll.updateMany({ $where: 'true' }, { $set: { x: 1 } })).rejects.toThrow(/\$where/);
    expect(await coll.countDocuments({})).toBe(3);
  });

  test('the internal _id can be neither queried, written nor inserted', async () => {
    const coll = await seed();
    await expect(coll.find({ _id: 'x' })).rejects.toThrow(/_id/);
    await expect(coll.find({ $or: [{ '_id.x': 1 }] })).rejects.toThrow(/_id/);
    await expect(coll.updateOne({ id: 'p1' }, { $set: { _id: 'x' } })).rejects.toThrow(/_id/);
    await expect(coll.insertOne({ id: 'p9', _id: 'x' } as unknown as Person)).rejects.toThrow(/_id/);
    await expect(coll.insertOne({ name: 'no id' } as unknown as Person)).rejects.toThrow(/id/);
  });
}
