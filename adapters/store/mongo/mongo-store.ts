/**
 * The MongoDB store: the production store, through the official `mongodb` driver — the only code that imports it.
 * Works with a standalone server, a replica set or Atlas (any URI the driver accepts).
 *
 * Start-up fails fast: the client selects a server for at most `serverSelectionTimeoutMS` (5 s by default) and
 * pings it, so a wrong or unreachable MONGODB_URI stops the bot with one line, password masked, instead of hanging
 * on the first request. Credentials are never logged.
 */
import { MongoClient, type CreateIndexesOptions, type IndexDescription } from 'mongodb';
import { indexName } from '../../../src/store/document-rules';
import { StoreUnavailableError, type Doc, type DocumentCollection, type DocumentStore, type IndexSpec } from '../../../src/store/ports';
import { stderrStoreLogger, type StoreLogger } from '../store-logger';
import { maskMongoUri, scrubSecrets } from './mask-uri';
import { MongoCollection } from './mongo-collection';

export interface MongoStoreOptions {
  /** MONGODB_URI. */
  uri: string;
  /** MONGODB_DB; without it, the database named in the URI's path, else `itsm`. */
  dbName?: string;
  /** How long to look for a usable server before giving up (start-up and every operation); default 5000. */
  serverSelectionTimeoutMS?: number;
  logger?: StoreLogger;
}

const DEFAULT_DB = 'itsm';

/** The database named in a connection string's path (`mongodb://h/itsm?…` → `itsm`), if any. */
export function databaseFromUri(uri: string): string | undefined {
  const afterScheme = uri.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const hosts = afterScheme.slice(afterScheme.lastIndexOf('@') + 1);
  const slash = hosts.indexOf('/');
  if (slash === -1) return undefined;
  const name = hosts.slice(slash + 1).split('?')[0] ?? '';
  return name ? decodeURIComponent(name) : undefined;
}

function reasonOf(error: unknown, uri: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return scrubSecrets(message.split('\n')[0] ?? message, uri);
}

function toIndexDescription(spec: IndexSpec): IndexDescription {
  const options: CreateIndexesOptions & { name: string } = { name: indexName(spec) };
  if (spec.unique) options.unique = true;
  if (spec.expireAfterSeconds !== undefined) options.expireAfterSeconds = spec.expireAfterSeconds;
  const [first] = Object.keys(spec.keys);
  // The port's sparse means "unique only among documents that have the first key": a partial index says exactly
  // that (MongoDB's own `sparse` on a compound index still indexes documents having any of the keys).
  if (spec.sparse && first) options.partialFilterExpression = { [first]: { $exists: true } };
  return { key: spec.keys, ...options };
}

/** Opens the MongoDB store; throws {@link StoreUnavailableError} when the URI is invalid or the server unreachable. */
export async function createMongoStore(options: MongoStoreOptions): Promise<DocumentStore> {
  const { uri } = options;
  const logger = options.logger ?? stderrStoreLogger;
  const masked = maskMongoUri(uri);
  const dbName = options.dbName || databaseFromUri(uri) || DEFAULT_DB;
  const serverSelectionTimeoutMS = options.serverSelectionTimeoutMS ?? 5000;

  let client: MongoClient;
  try {
    client = new MongoClient(uri, {
      serverSelectionTimeoutMS,
      connectTimeoutMS: Math.min(serverSelectionTimeoutMS, 10_000),
      ignoreUndefined: true, // the port: `undefined` fields are not stored (not turned into null)
      appName: 'itsm-bot',
    });
  } catch (error) {
    throw new StoreUnavailableError(
      `MONGODB_URI is not a valid MongoDB connection string (${masked}): ${reasonOf(error, uri)}; check MONGODB_URI`,
      { cause: error },
    );
  }

  const db = client.db(dbName);
  try {
    await client.connect();
    await db.command({ ping: 1 });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new StoreUnavailableError(
      `cannot reach MongoDB at ${masked}: ${reasonOf(error, uri)}; check MONGODB_URI and that the server is running and reachable from this machine`,
      { cause: error },
    );
  }
  logger.info({ uri: masked, db: dbName }, 'connected to MongoDB');

  let closed = false;
  const store: DocumentStore = {
    kind: 'mongodb',

    collection<T extends Doc = Doc>(name: string): DocumentCollection<T> {
      if (closed) throw new Error('the MongoDB store is closed');
      return new MongoCollection<T>(db.collection(name));
    },

    async ensureIndexes(specs) {
      const byCollection = new Map<string, IndexSpec[]>();
      for (const spec of specs) byCollection.set(spec.collection, [...(byCollection.get(spec.collection) ?? []), spec]);
      for (const [collection, list] of byCollection) {
        try {
          await db.collection(collection).createIndexes(list.map(toIndexDescription));
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          const names = list.map(indexName).join(', ');
          if (code === 85 || code === 86) {
            throw new Error(
              `an index on ${collection} exists with other options than the bot needs (${names}): ${reasonOf(error, uri)}; drop that index and restart`,
              { cause: error },
            );
          }
          if (code === 11000) {
            throw new Error(`cannot create a unique index on ${collection} (${names}): existing documents share a key`, { cause: error });
          }
          throw error;
        }
      }
    },

    async ping() {
      await db.command({ ping: 1 });
    },

    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
  return store;
}
