/**
 * The embedded store: the zero-setup default for one process. One NeDB datafile per collection under DATA_DIR
 * (`incidents.db`, `audit.db`, …), guarded by DATA_DIR/.lock so two processes never share the directory.
 * The only code that imports `@seald-io/nedb`.
 *
 * At open: take the lock, then load every existing datafile (a corrupt file stops start-up with its name, not the
 * first request that touches it). At close: wait for writes in flight, compact each datafile (NeDB appends every
 * change; compaction rewrites the file to one line per document), release the lock.
 *
 * TTL indexes are swept by the store, like MongoDB's TTL monitor (every 60 s by default), by the store's clock —
 * not by NeDB's own TTL, which deletes during reads by the wall clock: with an injected clock (tests, replays)
 * that would silently drop documents the rest of the program still considers live.
 */
import Datastore from '@seald-io/nedb';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { indexName } from '../../../src/store/document-rules';
import { createMutex } from '../../../src/store/mutex';
import { StoreUnavailableError, type Doc, type DocumentCollection, type DocumentStore, type IndexSpec } from '../../../src/store/ports';
import { stderrStoreLogger, type StoreLogger } from '../store-logger';
import { acquireDataDirLock } from './data-dir-lock';
import { repairTornTail } from './datafile-repair';
import { keepDatafileOpen, type DatafileAppender } from './datafile-appender';
import { EmbeddedCollection, type CollectionHandle } from './embedded-collection';
import { compareUniqueKeysSooner, ensureSecondaryIndex, nedbIndexNames } from './secondary-index';

export interface EmbeddedStoreOptions {
  /** DATA_DIR: created when missing. */
  dataDir: string;
  logger?: StoreLogger;
  /** How often the datafiles are rewritten while running (default hourly); 0 turns periodic compaction off. */
  autocompactionMs?: number;
  /** How often expired documents of TTL indexes are removed (default 60 s, as MongoDB's TTL monitor). */
  ttlSweepMs?: number;
  /** The time TTL expiry is judged by (default the wall clock); pass the program's clock when it is injected. */
  clock?: () => Date;
}

const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const DATAFILE = /^([a-z][a-z0-9_]{0,63})\.db$/;
const HOUR_MS = 60 * 60 * 1000;
const TTL_SWEEP_MS = 60 * 1000;

/** One TTL index to sweep: documents whose `field` is older than `seconds` before now are removed. */
interface TtlRule {
  collection: string;
  field: string;
  seconds: number;
}

type Nedb = Datastore<Record<string, unknown>>;

/** Opens the embedded store under `dataDir`; throws {@link StoreUnavailableError} with what to fix. */
export async function createEmbeddedStore(options: EmbeddedStoreOptions): Promise<DocumentStore> {
  const logger = options.logger ?? stderrStoreLogger;
  const autocompactionMs = options.autocompactionMs ?? HOUR_MS;
  const ttlSweepMs = options.ttlSweepMs ?? TTL_SWEEP_MS;
  const clock = options.clock ?? (() => new Date());
  const ttlRules: TtlRule[] = [];
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> = Promise.resolve();
  const lock = await acquireDataDirLock(options.dataDir, logger);
  const dataDir = lock.dataDir;
  const handles = new Map<string, CollectionHandle>();
  const appenders: DatafileAppender[] = [];
  /** Per collection, the NeDB index names asked for through ensureIndexes since the store was opened. */
  const wantedIndexes = new Map<string, Set<string>>();
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new Error('the embedded store is closed');
  };

  function handleFor(name: string): CollectionHandle {
    const existing = handles.get(name);
    if (existing) return existing;
    if (!COLLECTION_NAME.test(name)) throw new Error(`invalid collection name "${name}": use lower-case letters, digits and _`);
    const filename = join(dataDir, `${name}.db`);
    const datastore: Nedb = new Datastore<Record<string, unknown>>({ filename });
    appenders.push(keepDatafileOpen(datastore));
    const ready = repairTornTail(filename, logger)
      .then(() => datastore.loadDatabaseAsync())
      .then(() => {
        compareUniqueKeysSooner(datastore);
        return datastore;
      })
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        throw new StoreUnavailableError(`cannot load ${filename}: ${reason}`, { cause: error });
      });
    ready.catch(() => undefined); // surfaced by whoever uses the collection; never an unhandled rejection
    const handle: CollectionHandle = { name, ready, mutex: createMutex(), partialUniques: [], assertOpen };
    handles.set(name, handle);
    return handle;
  }

  try {
    const existing = (await readdir(dataDir)).flatMap((file) => DATAFILE.exec(file)?.[1] ?? []);
    await Promise.all(existing.map((name) => handleFor(name).ready));
  } catch (error) {
    await Promise.all([...handles.values()].map((h) => h.ready.catch(() => undefined)));
    await lock.release();
    throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(`cannot read DATA_DIR ${dataDir}: ${String(error)}`, { cause: error });
  }
  logger.info({ dataDir, collections: handles.size }, 'embedded store open');

  // NeDB's own autocompaction timer would keep the process alive; this one is unref'd and runs under each mutex.
  const compactTimer =
    autocompactionMs > 0
      ? setInterval(() => {
          for (const handle of handles.values()) {
            void handle.mutex
              .run(async () => (await handle.ready).compactDatafileAsync())
              .catch((error: unknown) => logger.warn({ file: `${handle.name}.db`, err: error }, 'periodic compaction failed'));
          }
        }, autocompactionMs)
      : undefined;
  compactTimer?.unref();

  /**
   * One spec as NeDB indexes. NeDB uses one index per query, and only for equality, `$in` or a range on one field,
   * so a compound spec is indexed on its first key (src/store/indexes.ts orders keys with that in mind). Non-unique
   * indexes are secondary-index.ts's: a tree key per document, so a write costs O(log n) however many documents
   * share its value, and documents without a value left out (that file says why, and why it is safe).
   */
  async function ensureIndex(spec: IndexSpec): Promise<void> {
    const handle = handleFor(spec.collection);
    const db = await handle.ready;
    const fields = Object.keys(spec.keys);
    const [first] = fields;
    if (!first) throw new Error(`index on ${spec.collection} has no keys`);
    const wanted = wantedIndexes.get(spec.collection) ?? new Set<string>();
    wantedIndexes.set(spec.collection, wanted);
    try {
      if (spec.expireAfterSeconds !== undefined) {
        if (fields.length !== 1) throw new Error(`TTL index ${indexName(spec)} on ${spec.collection} must have exactly one key`);
        await ensureSecondaryIndex(db, first); // the sweep's range query uses it
        wanted.add(first);
        if (!ttlRules.some((rule) => rule.collection === spec.collection && rule.field === first)) {
          ttlRules.push({ collection: spec.collection, field: first, seconds: spec.expireAfterSeconds });
        }
      } else if (spec.unique && spec.sparse && fields.length > 1) {
        if (!handle.partialUniques.some((known) => indexName(known) === indexName(spec))) handle.partialUniques.push(spec);
        await ensureSecondaryIndex(db, first); // the uniqueness check looks documents up by their first key
        wanted.add(first);
      } else if (spec.unique) {
        await db.ensureIndexAsync({ fieldName: fields.length === 1 ? first : fields, unique: true, sparse: spec.sparse === true });
        compareUniqueKeysSooner(db);
        wanted.add([...fields].sort().join(','));
      } else {
        await ensureSecondaryIndex(db, first);
        wanted.add(first);
      }
    } catch (error) {
      if ((error as { errorType?: string }).errorType === 'uniqueViolated') {
        throw new Error(`cannot create the unique index ${indexName(spec)} on ${spec.collection}: existing documents share a key`);
      }
      throw error;
    }
  }

  /**
   * Drops the non-unique NeDB indexes of a collection that no spec asked for — ones an earlier version recorded in
   * the datafile (e.g. `status`, when the incident indexes led with it), which NeDB rebuilds on every load and keeps
   * up to date on every write. They never change what a query returns; unique indexes are always kept.
   */
  async function dropUnwantedIndexes(collection: string): Promise<void> {
    const db = await handleFor(collection).ready;
    const wanted = wantedIndexes.get(collection) ?? new Set<string>();
    for (const { name, unique } of nedbIndexNames(db)) {
      if (name === '_id' || unique || wanted.has(name)) continue;
      await db.removeIndexAsync(name);
      logger.info({ collection, index: name }, 'dropped an index no longer used');
    }
  }

  /** Removes what the TTL indexes say has expired; never two sweeps at once; a failed sweep is logged, not thrown. */
  function sweepExpired(): Promise<void> {
    sweeping = sweeping.then(async () => {
      for (const rule of ttlRules) {
        if (closed) return;
        const cutoff = new Date(clock().getTime() - rule.seconds * 1000);
        try {
          await store.collection(rule.collection).deleteMany({ [rule.field]: { $lte: cutoff } });
        } catch (error) {
          logger.warn({ collection: rule.collection, err: error }, 'TTL sweep failed');
        }
      }
    });
    return sweeping;
  }

  const store: DocumentStore = {
    kind: 'embedded',

    collection<T extends Doc = Doc>(name: string): DocumentCollection<T> {
      assertOpen();
      return new EmbeddedCollection<T>(handleFor(name));
    },

    async ensureIndexes(specs) {
      assertOpen();
      // Unique first: NeDB keeps the first index made on a field and ignores later options for it.
      const rank = (spec: IndexSpec) => (spec.unique ? 0 : spec.expireAfterSeconds !== undefined ? 1 : 2);
      for (const spec of [...specs].sort((a, b) => rank(a) - rank(b))) await ensureIndex(spec);
      for (const collection of new Set(specs.map((spec) => spec.collection))) await dropUnwantedIndexes(collection);
      if (ttlRules.length > 0 && !sweepTimer && ttlSweepMs > 0) {
        sweepTimer = setInterval(() => void sweepExpired(), ttlSweepMs);
        sweepTimer.unref(); // housekeeping never keeps the process alive
      }
    },

    async ping() {
      assertOpen();
      await lock.check();
    },

    async close() {
      if (closed) return;
      closed = true;
      if (sweepTimer) clearInterval(sweepTimer);
      if (compactTimer) clearInterval(compactTimer);
      await sweeping;
      for (const handle of handles.values()) {
        await handle.mutex.run(async () => undefined); // writes in flight finish first
        const db = await handle.ready.catch(() => null);
        if (!db) continue;
        await db.compactDatafileAsync().catch((error: unknown) => logger.warn({ file: `${handle.name}.db`, err: error }, 'compaction on close failed'));
      }
      for (const appender of appenders) await appender.close().catch(() => undefined);
      await lock.release();
    },
  };
  return store;
}
