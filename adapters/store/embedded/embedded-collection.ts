/**
 * One NeDB datafile as a {@link DocumentCollection}. NeDB keeps the documents, their unique and TTL indexes and
 * the file; queries and updates get MongoDB's semantics from embedded-query.ts and apply-update.ts.
 *
 * Every write is a read-modify-write under the collection's mutex: find the target, compute the new document in
 * memory, check it, then store it. That gives `findOneAndUpdate`, upserts and `$setOnInsert` MongoDB's atomicity
 * within this process — the only process, thanks to the DATA_DIR lock. Reads do not wait for the mutex.
 *
 * Reads and single-document writes go around NeDB's operation queue, straight to its indexes and datafile: every
 * change to NeDB's documents and indexes, ours and NeDB's own, is made in one synchronous step, so a read never
 * sees half of one, and everything that writes or rewrites the datafile holds the mutex (compaction included), so
 * no other write is under way. The queue's promises, NeDB's copies of each document and its second look-up of it
 * were most of a small operation's CPU (the improvement-nudges sweep makes some 70 000 writes and 20 000 reads:
 * bench/nudges.bench.ts).
 */
import type Datastore from '@seald-io/nedb';
import { checkObject, deepCopy as nedbDeepCopy, getDotValue } from '@seald-io/nedb/lib/model.js';
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
import { applyUpdate, bsonEqual, documentsDiffer } from './apply-update';
import { compileFilter, indexConditions, projectDocument, sortDocuments, toNedbQuery } from './embedded-query';

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
 * NeDB's internal `_id` for a new document: this process's random prefix (a v4 UUID: 122 random bits, so no other
 * process's ids share it) and a counter, written to sort in the order they are made. NeDB would make a random one
 * itself from `crypto.randomBytes` (a synchronous call into OpenSSL per insert) and look it up in its `_id` index;
 * these cost neither, and each lands at the end of the `_id` index (and of every index where documents share a
 * value, which orders them by `_id`), along a path of the tree just walked, rather than at a random place in it.
 * Never exposed: every read strips it.
 */
const ID_PREFIX = randomUUID();
let idCounter = 0;
function withInternalId(doc: Record<string, unknown>): Record<string, unknown> {
  doc._id = `${ID_PREFIX}-${(idCounter++).toString(36).padStart(11, '0')}`; // always a fresh copy of the caller's document
  return doc;
}

/** A stored document (or part of one) as a read returns it: NeDB's copy of it (as NeDB's find makes), without `_id`. */
function copyOut<T>(stored: Record<string, unknown>): T {
  const doc: Record<string, unknown> = {};
  for (const key of Object.keys(stored)) if (key !== '_id') doc[key] = nedbDeepCopy(stored[key]);
  return doc as T;
}

/**
 * The NeDB internals reads and writes use: its indexes (by name, with the fields each indexes; `getMatching` gives
 * the stored documents under a key), its choice of candidates for a query by them, adding a document to every
 * index (rolled back, and thrown, on a unique violation), the datafile append.
 */
interface NedbWriteInternals {
  indexes: Record<string, { unique: boolean; _fields: string[]; getMatching(key: unknown): Stored[] }>;
  _getRawCandidates(query: Record<string, unknown>): Stored[];
  _insertInCache(doc: Stored): void;
  persistence: { persistNewStateAsync(docs: unknown[]): Promise<void> };
}

const internalsOf = (db: Datastore<Record<string, unknown>>) => db as unknown as NedbWriteInternals;

/**
 * The stored documents matching `filter` — NeDB's own objects, not copies — in NeDB's order, at most `limit`: the
 * candidates from the unique `id` index when the filter names one `id` (nearly every write), else from the index
 * NeDB itself picks, checked with MongoDB's semantics (`compileFilter`).
 */
function storedMatching(db: Datastore<Record<string, unknown>>, filter: Filter, limit = Number.POSITIVE_INFINITY): Stored[] {
  const nedb = internalsOf(db);
  const byId = typeof filter.id === 'string' && nedb.indexes.id?.unique;
  const candidates = byId ? nedb.indexes.id!.getMatching(filter.id) : nedb._getRawCandidates(indexConditions(filter));
  if (byId && Object.keys(filter).length === 1) return candidates.slice(0, limit); // the index matched it exactly
  const matches = compileFilter(filter);
  const found: Stored[] = [];
  for (const doc of candidates) {
    if (found.length >= limit) break;
    if (matches(doc)) found.push(doc);
  }
  return found;
}

/** True when some index of `db` would file `next` under another key than `current` (compound ones field by field). */
function indexedValuesDiffer(db: Datastore<Record<string, unknown>>, current: Stored, next: Stored): boolean {
  for (const index of Object.values(internalsOf(db).indexes)) {
    for (const field of index._fields) if (!bsonEqual(getDotValue(current, field), getDotValue(next, field))) return true;
  }
  return false;
}

/** The embedded implementation of one collection. */
export class EmbeddedCollection<T extends Doc> implements DocumentCollection<T> {
  constructor(private readonly handle: CollectionHandle) {}

  get name(): string {
    return this.handle.name;
  }

  private db(): Promise<Datastore<Record<string, unknown>>> {
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

  /** Throws {@link DuplicateKeyError} when `doc` would break one of {@link CollectionHandle.partialUniques}. */
  private checkPartialUniques(db: Datastore<Record<string, unknown>>, doc: Record<string, unknown>, self: string | null): Promise<void> | void {
    if (this.handle.partialUniques.length > 0) return this.findPartialClashes(db, doc, self);
  }

  private async findPartialClashes(db: Datastore<Record<string, unknown>>, doc: Record<string, unknown>, self: string | null): Promise<void> {
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

  /**
   * The stored documents matching `filter`, sorted, skipped and limited: NeDB's own objects (not copies), so only
   * what is returned is copied, once (a sweep reads thousands of entries; NeDB's own find copies every match).
   */
  private findStored(db: Datastore<Record<string, unknown>>, filter: Filter, options: FindOptions = {}): Stored[] {
    const { sort, skip = 0, limit } = options;
    const end = limit !== undefined && limit > 0 ? skip + limit : undefined;
    if (!sort || Object.keys(sort).length === 0) return storedMatching(db, filter, end).slice(skip);
    return sortDocuments(storedMatching(db, filter), sort).slice(skip, end);
  }

  /** Stores a new document (a fresh one, with its `_id`): NeDB's insert, without its two copies of it. */
  private insertStored(db: Datastore<Record<string, unknown>>, doc: Stored): Promise<void> {
    checkObject(doc);
    internalsOf(db)._insertInCache(doc);
    return internalsOf(db).persistence.persistNewStateAsync([doc]);
  }

  /**
   * Stores `next` — `applyUpdate(current, …)`: new where the update wrote, shared with `current` elsewhere — over
   * the stored `current`. When no index files it under another key (most writes: a version, a state, a note),
   * `current` takes the new fields in place and only its datafile line is appended. NeDB's own update would copy
   * the whole document and re-file it in every index: a tree walk per index, as deep as the collection is large
   * (the nudge sweep writes thousands of entries of a register of a million). Otherwise NeDB's update re-files it,
   * checking uniqueness. Either way NeDB's check of field names runs first (in place, on the new fields: the others
   * were checked when they were stored).
   */
  private replace(db: Datastore<Record<string, unknown>>, current: Stored, next: Stored): Promise<unknown> {
    if (indexedValuesDiffer(db, current, next)) return db.updateAsync({ _id: current._id }, next, {});
    const changed = Object.keys(next).filter((key) => next[key] !== current[key]);
    for (const key of changed) checkObject({ [key]: next[key] });
    for (const key of Object.keys(current)) if (!(key in next)) delete current[key];
    for (const key of changed) current[key] = next[key];
    return internalsOf(db).persistence.persistNewStateAsync([current]);
  }

  async insertOne(doc: T): Promise<void> {
    assertInsertable(doc);
    const clean = withInternalId(withoutUndefined(doc) as Record<string, unknown>) as Stored;
    await this.write(async (db) => {
      await this.checkPartialUniques(db, clean, null);
      await this.insertStored(db, clean);
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
    const stored = this.findStored(db, filter, options);
    if (!options.projection) return stored.map((doc) => copyOut<T>(doc));
    const paths = projectionPaths(options.projection);
    return stored.map((doc) => copyOut<T>(projectDocument(doc, paths)));
  }

  async countDocuments(filter: Filter): Promise<number> {
    assertStoreFilter(filter);
    const db = await this.db();
    return db.countAsync(toNedbQuery(filter));
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<T | null> {
    const { doc } = await this.updateFirst(filter, update, options.upsert === true, true);
    return doc as T | null;
  }

  async updateOne(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<UpdateResult> {
    const { doc, upserted, modified } = await this.updateFirst(filter, update, options.upsert === true, false);
    return { matched: doc && !upserted ? 1 : 0, modified: modified ? 1 : 0, upserted };
  }

  /**
   * Updates (or upserts) the first match. `doc` is the document after the write, null when nothing matched and
   * nothing was inserted; with `copy`, a copy for the caller (made under the mutex: the next write may change the
   * stored document in place), otherwise what was stored or shares parts with it.
   */
  private updateFirst(filter: Filter, update: Update, upsert: boolean, copy: boolean): Promise<{ doc: Record<string, unknown> | null; upserted: boolean; modified: boolean }> {
    assertStoreFilter(filter);
    assertStoreUpdate(update);
    if (upsert) assertUpsertGivesId(filter, update);
    const clean = updateWithoutUndefined(update); // this call's own copy: its values go into one document as they are
    return this.write(async (db) => {
      const [current] = storedMatching(db, filter, 1);
      if (current) {
        const next = applyUpdate(current, clean, { valuesOwned: true }); // shares the rest with the stored document
        const modified = documentsDiffer(current, next);
        if (modified) {
          await this.checkPartialUniques(db, next, current._id);
          await this.replace(db, current, next);
        }
        return { doc: copy ? copyOut(next) : next, upserted: false, modified };
      }
      if (!upsert) return { doc: null, upserted: false, modified: false };
      const created = withInternalId(applyUpdate(seedFromFilter(filter), clean, { inserting: true, valuesOwned: true })) as Stored;
      await this.checkPartialUniques(db, created, null);
      await this.insertStored(db, created);
      return { doc: copy ? copyOut(created) : created, upserted: true, modified: false };
    });
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    assertStoreFilter(filter);
    assertStoreUpdate(update);
    const clean = updateWithoutUndefined(update);
    return this.write(async (db) => {
      const targets = storedMatching(db, filter);
      let modified = 0;
      for (const current of targets) {
        const next = applyUpdate(current, clean);
        if (!documentsDiffer(current, next)) continue;
        await this.checkPartialUniques(db, next, current._id);
        await this.replace(db, current, next);
        modified += 1;
      }
      return { matched: targets.length, modified, upserted: false };
    });
  }

  async deleteOne(filter: Filter): Promise<number> {
    assertStoreFilter(filter);
    return this.write(async (db) => {
      const [target] = this.findStored(db, filter, { limit: 1 });
      return target ? db.removeAsync({ _id: target._id }, {}) : 0;
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    assertStoreFilter(filter);
    return this.write((db) => db.removeAsync(toNedbQuery(filter), { multi: true }));
  }
}
