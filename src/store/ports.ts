/**
 * The document-collection port: the small subset of MongoDB's query and update language that the repositories
 * need. Every store implements it (embedded: NeDB files; production: the MongoDB driver), and one contract suite
 * (tests/store/contract) proves each implementation against it.
 *
 * Documents are keyed by their own string `id` (a uuid or a human record number). The implementation's `_id` is
 * never exposed: the MongoDB stand-in used in tests rejects string `_id` values, and NeDB has no ObjectId.
 */

/** A stored document: any JSON-like object with a string `id`. */
export interface Doc {
  id: string;
  [field: string]: unknown;
}

/** A MongoDB-style filter: equality, dotted paths, and the operators listed in {@link FILTER_OPERATORS}. */
export type Filter = Record<string, unknown>;

/** A MongoDB-style update document using the operators listed in {@link UPDATE_OPERATORS}. */
export type Update = Partial<Record<UpdateOperator, Record<string, unknown>>>;

/** Query operators every store must honour. Anything else is refused by {@link assertSafeFilter}. */
export const FILTER_OPERATORS = [
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$regex', '$options',
  '$or', '$and', '$not', '$elemMatch', '$size',
] as const;

/** Update operators every store must honour. */
export const UPDATE_OPERATORS = ['$set', '$unset', '$inc', '$push', '$addToSet', '$pull', '$setOnInsert'] as const;
export type UpdateOperator = (typeof UPDATE_OPERATORS)[number];

/** 1 ascending, -1 descending, by dotted path. */
export type Sort = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: Sort;
  limit?: number;
  skip?: number;
  /** Fields to return (inclusion only); `id` is always returned. */
  projection?: string[];
}

export interface FindOneAndUpdateOptions {
  /** Insert when nothing matches: the new document is the filter's equality fields plus the update. */
  upsert?: boolean;
}

export interface UpdateResult {
  matched: number;
  modified: number;
  upserted: boolean;
}

/** One index: unique ones are how the stores refuse a second record with the same key. */
export interface IndexSpec {
  collection: string;
  /** Dotted paths, ascending (1) or descending (-1); the order of keys is the index order. */
  keys: Record<string, 1 | -1>;
  unique?: boolean;
  /** Only with a single date-valued key: documents expire this many seconds after that date. */
  expireAfterSeconds?: number;
  /** Unique only among documents that have the first key (a sparse unique index). */
  sparse?: boolean;
}

/** A typed collection of documents. Dates round-trip as `Date`; `undefined` fields are not stored. */
export interface DocumentCollection<T extends Doc = Doc> {
  readonly name: string;
  /** Inserts one document. Throws {@link DuplicateKeyError} when a unique index refuses it. */
  insertOne(doc: T): Promise<void>;
  /** Inserts several documents in order; stops at the first duplicate and throws {@link DuplicateKeyError}. */
  insertMany(docs: T[]): Promise<void>;
  findOne(filter: Filter, options?: Pick<FindOptions, 'sort' | 'projection'>): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  countDocuments(filter: Filter): Promise<number>;
  /**
   * Atomically updates the first matching document and returns it as it is after the update (or null when
   * nothing matched and `upsert` is off). With `upsert`, concurrent callers with the same equality filter on a
   * uniquely indexed key end up with one document.
   */
  findOneAndUpdate(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<T | null>;
  updateOne(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<UpdateResult>;
  updateMany(filter: Filter, update: Update): Promise<UpdateResult>;
  deleteOne(filter: Filter): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
}

/** A store: named collections plus the lifecycle the process needs. */
export interface DocumentStore {
  /** 'embedded' or 'mongodb': shown in /healthz and logs. */
  readonly kind: 'embedded' | 'mongodb';
  collection<T extends Doc = Doc>(name: string): DocumentCollection<T>;
  /** Creates the given indexes if missing (idempotent); called once at start-up with {@link INDEXES}. */
  ensureIndexes(specs: readonly IndexSpec[]): Promise<void>;
  /** Resolves when the store answers; rejects with the reason otherwise. Used by /healthz. */
  ping(): Promise<void>;
  /** Flushes and releases the store (the embedded store's lock file, the driver's connections). */
  close(): Promise<void>;
}

/** Thrown by every store when a unique index refuses a write, whatever the underlying error looks like. */
export class DuplicateKeyError extends Error {
  readonly code = 'duplicate_key';
  constructor(readonly collection: string, detail?: string) {
    super(`duplicate key in ${collection}${detail ? `: ${detail}` : ''}`);
    this.name = 'DuplicateKeyError';
  }
}

/** Thrown when a store cannot be opened or reached; the message says what to fix. */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

const ALLOWED_FILTER_OPS = new Set<string>(FILTER_OPERATORS);

/**
 * Refuses filters containing operators outside the supported subset (e.g. `$where`, `$function`, `$expr`).
 * Repositories build filters from validated values, but this keeps a user-typed `{"$gt": ""}` or `$where` from
 * ever reaching a store, whatever a future caller does.
 */
export function assertSafeFilter(filter: unknown, path = ''): void {
  if (filter === null || typeof filter !== 'object' || filter instanceof Date || filter instanceof RegExp) return;
  if (Array.isArray(filter)) {
    filter.forEach((item, i) => assertSafeFilter(item, `${path}[${i}]`));
    return;
  }
  const fields = filter as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key.startsWith('$') && !ALLOWED_FILTER_OPS.has(key)) {
      throw new Error(`unsupported query operator ${key}${path ? ` at ${path}` : ''}`);
    }
    const value = fields[key];
    if (value !== null && typeof value === 'object') assertSafeFilter(value, path ? `${path}.${key}` : key);
  }
}
