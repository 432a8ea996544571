/**
 * One NeDB datafile as a {@link DocumentCollection}. NeDB keeps the documents, their unique and TTL indexes and
 * the file; queries and updates get MongoDB's semantics from embedded-query.ts and apply-update.ts.
 *
 * Every write is a read-modify-write under the collection's mutex: find the target, compute the new document in
 * memory, check it, then store it whole. That gives `findOneAndUpdate`, upserts and `$setOnInsert` MongoDB's
 * atomicity within this process — the only process, thanks to the DATA_DIR lock. Reads do not wait for the mutex
 * (NeDB serialises its own operations, so a read never sees half a write).
 */
import type Datastore from '@seald-io/nedb';
import { randomUUID } from 'node:crypto';
import {
  assertInsertable,
  assertStoreFilter,
  assertStoreUpdate,
  assertUpsertGivesId,
  deepCopy,
  indexName,
  isPlainObject,
  projectionPaths,
  updateWithoutUndefined,
  withoutUndefined,
} from '../../../src/store/document-rules';
import type { Mutex } from '../../../src/store/mutex';
import {
  DuplicateKeyError,
  type Doc,
  type DocumentCollection,
  type Filter,
  type FindOneAndUpdateOptions,
  type FindOptions,
  type IndexSpec,
  type Update,
  type UpdateResult,
} from '../../../src/store/ports';
import { applyUpdate, documentsDiffer } from './apply-update';
import { projectDocument, sortDocuments, toNedbQuery } from './embedded-query';

/** A stored NeDB document: the caller's fields plus NeDB's own `_id`. */
type Stored = Record<string, unknown> & { _id: string };

/** What the store shares with each collection object of one datafile. */
export interface CollectionHandle {
  readonly name: string;
  /** Resolves once the datafile is loaded (and its torn tail repaired). */
  readonly ready: Promise<Datastore<Record<string, unknown>>>;
  readonly mutex: Mutex;
  /**
   * Unique indexes over several keys that are sparse in the port's sense — unique only among documents that have
   * the first key. NeDB's sparse compound indexes skip only documents lacking every key, so these are checked
   * here, under the mutex, before each write.
   */
  readonly partialUniques: IndexSpec[];
  /** Throws when the store is closed. */
  assertOpen(): void;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { errorType?: string } | null)?.errorType === 'uniqueViolated';
}

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

/**
 * The document an upsert starts from, as MongoDB builds it: the filter's equality conditions (plain values and
 * `$eq`, also inside `$and`), with dotted paths made nested.
 */
export function seedFromFilter(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  const visit = (part: Filter) => {
    for (const [path, condition] of Object.entries(part)) {
      if (path === '$and' && Array.isArray(condition)) condition.forEach((inner) => isPlainObject(inner) && visit(inner));
      if (path.startsWith('$')) continue;
      if (isPlainObject(condition) && Object.keys(condition).some((key) => key.startsWith('$'))) {
        if ('$eq' in condition) setPath(seed, path, deepCopy(condition.$eq));
      } else setPath(seed, path, deepCopy(condition));
    }
  };
  visit(filter);
  return seed;
}

/**
 * NeDB's internal `_id` for a new document. NeDB would make one itself from 12 bytes of `crypto.randomBytes` (a
 * synchronous call into OpenSSL per insert) and look it up in its `_id` index; a v4 UUID comes from Node's
 * pre-filled entropy buffer, and at 122 random bits never repeats in practice (NeDB's `_id` index is unique
 * anyway). Never exposed: every read strips it.
 */
function withInternalId(doc: Record<string, unknown>): Record<string, unknown> {
  doc._id = randomUUID(); // always a fresh copy of the caller's document (withoutUndefined, applyUpdate)
  return doc;
}

function strip<T extends Doc>(stored: Stored): T {
  const { _id: _internal, ...doc } = stored;
  return doc as unknown as T;
}

/** The embedded implementation of one collection. */
export class EmbeddedCollection<T extends Doc> implements DocumentCollection<T> {
  constructor(private readonly handle: CollectionHandle) {}

  get name(): string {
    return this.handle.name;
  }

  private async db(): Promise<Datastore<Record<string, unknown>>> {
    this.handle.assertOpen();
    return this.handle.ready;
  }

  /** Runs a write under the collection mutex and maps NeDB's unique violation to {@link DuplicateKeyError}. */
  private async write<R>(fn: (db: Datastore<Record<string, unknown>>) => Promise<R>): Promise<R> {
    const db = await this.db();
    return this.handle.mutex.run(async () => {
      try {
        return await fn(db);
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateKeyError(this.name, 'a unique index refused the write');
        throw error;
      }
    });
  }

  private async checkPartialUniques(db: Datastore<Record<string, unknown>>, doc: Record<string, unknown>, self: string | null): Promise<void> {
    for (const spec of this.handle.partialUniques) {
      const [first, ...rest] = Object.keys(spec.keys) as [string, ...string[]];
      const firstValue = valueAt(doc, first);
      if (firstValue === undefined) continue;
      const filter: Filter = { [first]: firstValue, $and: [{ [first]: { $exists: true } }] };
      for (const path of rest) filter[path] = valueAt(doc, path) ?? null;
      const clashes = (await db.findAsync(toNedbQuery(filter))) as Stored[];
      if (clashes.some((other) => other._id !== self)) throw new DuplicateKeyError(this.name, `unique index ${indexName(spec)}`);
    }
  }

  private async findStored(db: Datastore<Record<string, unknown>>, filter: Filter, options: FindOptions = {}): Promise<Stored[]> {
    const query = toNedbQuery(filter);
    const { sort, skip = 0, limit } = options;
    if (!sort || Object.keys(sort).length === 0) {
      let cursor = db.findAsync(query);
      if (skip > 0) cursor = cursor.skip(skip);
      if (limit !== undefined && limit > 0) cursor = cursor.limit(limit);
      return (await cursor) as unknown as Stored[];
    }
    const sorted = sortDocuments((await db.findAsync(query)) as Stored[], sort);
    return sorted.slice(skip, limit !== undefined && limit > 0 ? skip + limit : undefined);
  }

  async insertOne(doc: T): Promise<void> {
    assertInsertable(doc);
    const clean = withInternalId(withoutUndefined(doc) as Record<string, unknown>);
    await this.write(async (db) => {
      await this.checkPartialUniques(db, clean, null);
      await db.insertAsync(clean);
    });
  }

  async insertMany(docs: T[]): Promise<void> {
    docs.forEach(assertInsertable);
    const clean = docs.map((doc) => withInternalId(withoutUndefined(doc) as Record<string, unknown>));
    if (clean.length === 0) return;
    await this.write(async (db) => {
      if (this.handle.partialUniques.length === 0) {
        try {
          await db.insertAsync(clean); // all or nothing in NeDB; fast
          return;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
      }
      // MongoDB's ordered insertMany keeps the documents before the first duplicate: insert one by one.
      for (const doc of clean) {
        await this.checkPartialUniques(db, doc, null);
        await db.insertAsync(doc);
      }
    });
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'sort' | 'projection'> = {}): Promise<T | null> {
    const [doc] = await this.find(filter, { ...options, limit: 1 });
    return doc ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    assertStoreFilter(filter);
    const db = await this.db();
    const docs = (await this.findStored(db, filter, options)).map((stored) => strip<T>(stored));
    if (!options.projection) return docs;
    const paths = projectionPaths(options.projection);
    return docs.map((doc) => projectDocument(doc, paths));
  }

  async countDocuments(filter: Filter): Promise<number> {
    assertStoreFilter(filter);
    const db = await this.db();
    return db.countAsync(toNedbQuery(filter));
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<T | null> {
    const { doc } = await this.updateFirst(filter, update, options.upsert === true);
    return doc;
  }

  async updateOne(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<UpdateResult> {
    const { doc, upserted, modified } = await this.updateFirst(filter, update, options.upsert === true);
    return { matched: doc && !upserted ? 1 : 0, modified: modified ? 1 : 0, upserted };
  }

  private async updateFirst(filter: Filter, update: Update, upsert: boolean): Promise<{ doc: T | null; upserted: boolean; modified: boolean }> {
    assertStoreFilter(filter);
    assertStoreUpdate(update);
    if (upsert) assertUpsertGivesId(filter, update);
    const clean = updateWithoutUndefined(update);
    return this.write(async (db) => {
      const [current] = await this.findStored(db, filter, { limit: 1 });
      if (current) {
        const next = applyUpdate(current, clean);
        const modified = documentsDiffer(current, next);
        if (modified) {
          await this.checkPartialUniques(db, next, current._id);
          await db.updateAsync({ _id: current._id }, next, {});
        }
        return { doc: strip<T>(next), upserted: false, modified };
      }
      if (!upsert) return { doc: null, upserted: false, modified: false };
      const created = applyUpdate(seedFromFilter(filter), clean, true);
      await this.checkPartialUniques(db, created, null);
      const stored = (await db.insertAsync(withInternalId(created))) as Stored;
      return { doc: strip<T>(stored), upserted: true, modified: false };
    });
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    assertStoreFilter(filter);
    assertStoreUpdate(update);
    const clean = updateWithoutUndefined(update);
    return this.write(async (db) => {
      const targets = await this.findStored(db, filter);
      let modified = 0;
      for (const current of targets) {
        const next = applyUpdate(current, clean);
        if (!documentsDiffer(current, next)) continue;
        await this.checkPartialUniques(db, next, current._id);
        await db.updateAsync({ _id: current._id }, next, {});
        modified += 1;
      }
      return { matched: targets.length, modified, upserted: false };
    });
  }

  async deleteOne(filter: Filter): Promise<number> {
    assertStoreFilter(filter);
    return this.write(async (db) => {
      const [target] = await this.findStored(db, filter, { limit: 1 });
      return target ? db.removeAsync({ _id: target._id }, {}) : 0;
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    assertStoreFilter(filter);
    return this.write((db) => db.removeAsync(toNedbQuery(filter), { multi: true }));
  }
}
