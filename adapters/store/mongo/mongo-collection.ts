/**
 * One MongoDB collection as a {@link DocumentCollection}, through the official driver. Documents keep their own
 * `id`; the driver's ObjectId `_id` stays internal — every read projects it away, every filter and update is
 * checked not to name it (the stand-in used in tests rejects string `_id` values anyway).
 * Duplicate-key errors (code 11000, also inside bulk write errors) become {@link DuplicateKeyError}.
 */
import type { Collection, Document, Filter as MongoFilter, UpdateFilter } from 'mongodb';
import { assertInsertable, assertStoreFilter, assertStoreUpdate, assertUpsertGivesId, projectionPaths } from '../../../src/store/document-rules';
import {
  DuplicateKeyError,
  type Doc,
  type DocumentCollection,
  type Filter,
  type FindOneAndUpdateOptions,
  type FindOptions,
  type Update,
  type UpdateResult,
} from '../../../src/store/ports';

interface MongoLikeError {
  code?: unknown;
  errmsg?: unknown;
  message?: unknown;
  writeErrors?: Array<{ code?: unknown; errmsg?: unknown }> | { code?: unknown };
  writeErrorsDetail?: unknown;
}

/** True for MongoDB's duplicate key error, as a server error or inside a bulk write error. */
export function isDuplicateKeyError(error: unknown): boolean {
  const e = error as MongoLikeError | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code === 11000 || e.code === 11001) return true;
  const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  return writeErrors.some((w) => w?.code === 11000);
}

/** The index named in "E11000 duplicate key error collection: db.c index: id_1 dup key: …" — never the values. */
function duplicateDetail(error: unknown): string | undefined {
  const message = String((error as MongoLikeError | null)?.message ?? '');
  const index = /index: (\S+)/.exec(message)?.[1];
  return index ? `unique index ${index}` : undefined;
}

function projectionFor(paths?: readonly string[]): Document {
  if (!paths) return { _id: 0 };
  const projection: Document = { _id: 0 };
  for (const path of projectionPaths(paths)) projection[path] = 1;
  return projection;
}

/** The MongoDB implementation of one collection. */
export class MongoCollection<T extends Doc> implements DocumentCollection<T> {
  constructor(private readonly collection: Collection<Document>) {}

  get name(): string {
    return this.collection.collectionName;
  }

  private async guard<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new DuplicateKeyError(this.name, duplicateDetail(error));
      throw error;
    }
  }

  async insertOne(doc: T): Promise<void> {
    assertInsertable(doc);
    // A copy: the driver adds `_id` to the object it is given.
    await this.guard(() => this.collection.insertOne({ ...doc }));
  }

  async insertMany(docs: T[]): Promise<void> {
    docs.forEach(assertInsertable);
    if (docs.length === 0) return;
    await this.guard(() => this.collection.insertMany(docs.map((doc) => ({ ...doc })), { ordered: true }));
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'sort' | 'projection'> = {}): Promise<T | null> {
    assertStoreFilter(filter);
    const doc = await this.collection.findOne(filter as MongoFilter<Document>, {
      projection: projectionFor(options.projection),
      ...(options.sort ? { sort: options.sort } : {}),
    });
    return (doc as T | null) ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    assertStoreFilter(filter);
    const docs = await this.collection
      .find(filter as MongoFilter<Document>, {
        projection: projectionFor(options.projection),
        ...(options.sort ? { sort: options.sort } : {}),
        ...(options.skip ? { skip: options.skip } : {}),
        ...(options.limit ? { limit: options.limit } : {}),
      })
      .toArray();
    return docs as unknown as T[];
  }

  async countDocuments(filter: Filter): Promise<number> {
    assertStoreFilter(filter);
    return this.collection.countDocuments(filter as MongoFilter<Document>);
  }

  /**
   * Upserts racing on a unique key: MongoDB retries most of them itself; when one still fails with 11000 the
   * other writer has just inserted the document, so running the update once more finds and updates it.
   */
  private async retryUpsert<R>(upsert: boolean, fn: () => Promise<R>): Promise<R> {
    try {
      return await this.guard(fn);
    } catch (error) {
      if (!upsert || !(error instanceof DuplicateKeyError)) throw error;
      return this.guard(fn);
    }
  }

  async findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<T | null> {
    assertStoreFilter(filter);
    assertStoreUpdate(update);
    const upsert = options.upsert === true;
    if (upsert) assertUpsertGivesId(filter, update);
    const doc = await this.retryUpsert(upsert, () =>
      this.collection.findOneAndUpdate(filter as MongoFilter<Document>, update as UpdateFilter<Document>, {
        upsert,
        returnDocument: 'after',
        projection: { _id: 0 },
      }),
    );
    return (doc as T | null) ?? null;
  }

  async updateOne(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<UpdateResult> {
    assertStoreFilter(filter);
    assertStoreUpdate(update);
    const upsert = options.upsert === true;
    if (upsert) assertUpsertGivesId(filter, update);
    const result = await this.retryUpsert(upsert, () =>
      this.collection.updateOne(filter as MongoFilter<Document>, update as UpdateFilter<Document>, { upsert }),
    );
    return { matched: result.matchedCount, modified: result.modifiedCount, upserted: result.upsertedCount > 0 };
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    assertStoreFilter(filter);
    assertStoreUpdate(update);
    const result = await this.guard(() => this.collection.updateMany(filter as MongoFilter<Document>, update as UpdateFilter<Document>));
    return { matched: result.matchedCount, modified: result.modifiedCount, upserted: false };
  }

  async deleteOne(filter: Filter): Promise<number> {
    assertStoreFilter(filter);
    return (await this.collection.deleteOne(filter as MongoFilter<Document>)).deletedCount;
  }

  async deleteMany(filter: Filter): Promise<number> {
    assertStoreFilter(filter);
    return (await this.collection.deleteMany(filter as MongoFilter<Document>)).deletedCount;
  }
}
