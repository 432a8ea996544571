/** The rules every store applies at its edge, and the mutex both the embedded store and the audit log use. */
import { assertStoreFilter, assertStoreUpdate, assertUpsertGivesId, indexName, projectionPaths, withoutUndefined } from '../../src/store/document-rules';
import { createMutex } from '../../src/store/mutex';

test('filters may not use unsupported operators or the internal _id', () => {
  expect(() => assertStoreFilter({ status: { $in: ['new'] }, 'sla.respondBy': { $lte: new Date() } })).not.toThrow();
  expect(() => assertStoreFilter({ $where: 'true' })).toThrow(/\$where/);
  expect(() => assertStoreFilter({ a: [{ $expr: 1 }] })).toThrow(/\$expr/);
  expect(() => assertStoreFilter({ _id: 'x' })).toThrow(/_id/);
  expect(() => assertStoreFilter({ $and: [{ '_id.x': 1 }] })).toThrow(/_id/);
});

test('updates must use the port operators on sane paths', () => {
  expect(() => assertStoreUpdate({ $set: { a: 1 }, $inc: { b: 1 } })).not.toThrow();
  expect(() => assertStoreUpdate({})).toThrow(/at least one/);
  expect(() => assertStoreUpdate({ a: 1 } as never)).toThrow(/replacement/);
  expect(() => assertStoreUpdate({ $rename: { a: 'b' } } as never)).toThrow(/\$rename/);
  expect(() => assertStoreUpdate({ $set: { 'a.$.b': 1 } })).toThrow(/invalid field path/);
  expect(() => assertStoreUpdate({ $set: { 'a..b': 1 } })).toThrow(/invalid field path/);
  for (const path of ['', '.a', 'a.', '$x', 'a.$', 'a.b.$c']) expect(() => assertStoreUpdate({ $set: { [path]: 1 } })).toThrow(/invalid field path/);
  for (const path of ['a', 'a.b.c', 'a$', 'a.b$c', 'x-y.z_1']) expect(() => assertStoreUpdate({ $set: { [path]: 1 } })).not.toThrow();
  expect(() => assertStoreUpdate({ $set: { a: 1, 'a.b': 2 } })).toThrow(/conflict at 'a'/);
  expect(() => assertStoreUpdate({ $unset: { id: '' } })).toThrow(/id/);
  expect(() => assertStoreUpdate({ $set: { a: 1 }, $setOnInsert: { 'a.b': 1 } })).toThrow(/conflict at 'a'/);
});

test('an upsert needs an id in the filter or the update', () => {
  expect(() => assertUpsertGivesId({ id: 'x' }, { $set: { a: 1 } })).not.toThrow();
  expect(() => assertUpsertGivesId({ id: { $eq: 'x' } }, { $set: { a: 1 } })).not.toThrow();
  expect(() => assertUpsertGivesId({ k: 1 }, { $setOnInsert: { id: 'x' } })).not.toThrow();
  expect(() => assertUpsertGivesId({ k: 1 }, { $set: { a: 1 } })).toThrow(/id/);
});

test('undefined fields are dropped, projections always keep id, index names follow MongoDB', () => {
  expect(withoutUndefined({ a: 1, b: undefined, c: [undefined, { d: undefined }] })).toEqual({ a: 1, c: [null, {}] });
  expect(projectionPaths(['a.b', 'a', '_id', 'c'])).toEqual(['id', 'a', 'c']);
  expect(indexName({ collection: 'incidents', keys: { status: 1, 'sla.resolveBy': -1 } })).toBe('status_1_sla.resolveBy_-1');
});

test('the mutex runs callers one at a time, in order, past failures', async () => {
  const mutex = createMutex();
  const log: string[] = [];
  const task = (name: string, ms: number, fail = false) =>
    mutex.run(async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    });
  const results = await Promise.allSettled([task('a', 20), task('b', 1, true), task('c', 5)]);
  expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
});
