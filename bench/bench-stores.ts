/**
 * The stores a benchmark runs on: the embedded store (null: the harness's own, in a fresh temporary DATA_DIR) and,
 * when `MONGODB_URI` is set, a fresh MongoDB database per use, emptied when closed (no documents left behind).
 */
import { randomBytes } from 'node:crypto';
import { createMongoStore } from '../adapters/store/mongo/mongo-store';
import { silentLogger } from '../src/engine/logger';
import { COLLECTIONS } from '../src/store/collections';
import type { DocumentStore } from '../src/store/ports';

/** Opens a fresh store for one measurement, or null for the harness's embedded store. */
export type Opener = () => Promise<DocumentStore | null>;

/** A fresh MongoDB database per use, emptied when closed. */
export function mongoOpener(uri: string): () => Promise<DocumentStore> {
  return async () => {
    const dbName = `itsm_bench_${randomBytes(4).toString('hex')}`;
    const store = await createMongoStore({ uri, dbName, logger: silentLogger });
    const close = store.close.bind(store);
    return Object.assign(store, {
      async close() {
        for (const name of Object.values(COLLECTIONS)) await store.collection(name).deleteMany({});
        await close();
      },
    });
  };
}
