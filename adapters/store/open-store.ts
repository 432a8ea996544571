/**
 * Opens the store the environment asks for: MongoDB when MONGODB_URI is set, else the embedded store under
 * DATA_DIR. Indexes are not created here: the caller passes INDEXES to `ensureIndexes` once the store is open.
 */
import type { DocumentStore } from '../../src/store/ports';
import { createEmbeddedStore } from './embedded/embedded-store';
import { createMongoStore } from './mongo/mongo-store';
import type { StoreLogger } from './store-logger';

export interface OpenStoreOptions {
  /** MONGODB_URI: use MongoDB. */
  mongodbUri?: string;
  /** MONGODB_DB: the database (default: the URI's path, else `itsm`). */
  mongodbDb?: string;
  /** DATA_DIR: where the embedded store keeps its files when there is no MONGODB_URI. */
  dataDir: string;
  logger?: StoreLogger;
  /** Start-up timeout for MongoDB server selection (default 5 s). */
  serverSelectionTimeoutMS?: number;
}

/** Opens MongoDB or the embedded store; throws StoreUnavailableError with one line saying what to fix. */
export async function openStore(options: OpenStoreOptions): Promise<DocumentStore> {
  if (options.mongodbUri) {
    return createMongoStore({
      uri: options.mongodbUri,
      ...(options.mongodbDb ? { dbName: options.mongodbDb } : {}),
      ...(options.serverSelectionTimeoutMS !== undefined ? { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  return createEmbeddedStore({ dataDir: options.dataDir, ...(options.logger ? { logger: options.logger } : {}) });
}
