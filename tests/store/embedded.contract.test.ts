/** The store contract suite against the embedded (NeDB) store: a fresh DATA_DIR per test, under one temp root. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedStore } from '../../adapters/store/embedded/embedded-store';
import { EMBEDDED_CAPABILITIES } from './capabilities';
import { describeStoreContract } from './contract';

const silent = { info: () => undefined, warn: () => undefined };
let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'itsm-embedded-contract-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describeStoreContract(
  'embedded (NeDB)',
  async () => {
    const dataDir = await mkdtemp(join(root, 'store-'));
    const store = await createEmbeddedStore({ dataDir, logger: silent, autocompactionMs: 0, ttlSweepMs: 50 });
    return {
      store,
      async dispose() {
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
  EMBEDDED_CAPABILITIES,
);
