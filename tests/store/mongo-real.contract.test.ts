/**
 * The store contract suite against a real MongoDB server — runs only when MONGODB_URI is set (a standalone,
 * replica set or Atlas URI). Every test uses a fresh database, dropped afterwards. The TTL case waits for
 * MongoDB's TTL monitor (it runs once a minute), so it runs only with MONGODB_TEST_TTL=1.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createMongoStore } from '../../adapters/store/mongo/mongo-store';
import { maskMongoUri } from '../../adapters/store/mongo/mask-uri';
import { probeMongoSync } from '../support/mongo-probe';
import { capabilitiesFromProbe } from './capabilities';
import { describeStoreContract } from './contract';

const uri = process.env.MONGODB_URI;
const silent = { info: () => undefined, warn: () => undefined };

if (!uri) {
  const reason = 'MONGODB_URI is not set (set it to a MongoDB server to run the contract suite against it)';
  console.info(`[mongodb (real server)] contract suite SKIPPED: ${reason}`);
  describe.skip(`store contract: mongodb (real server) — SKIPPED: ${reason}`, () => {
    test('the whole contract suite', () => undefined);
  });
} else {
  const probe = probeMongoSync({ uri });
  if (probe.error) throw new Error(`the capability probe could not reach MongoDB at ${maskMongoUri(uri)}: ${probe.error}`);
  console.info(`[mongodb (real server)] capability probe: ${JSON.stringify(probe)}`);
  const capabilities = capabilitiesFromProbe(
    probe,
    process.env.MONGODB_TEST_TTL === '1'
      ? { ok: true, withinMs: 130_000 }
      : { ok: false, reason: "MongoDB's TTL monitor runs once a minute; set MONGODB_TEST_TTL=1 to wait for it" },
    `the server at ${maskMongoUri(uri)}`,
  );
  const prefix = `itsm_contract_${randomUUID().slice(0, 8)}`;
  let n = 0;
  let admin: MongoClient | undefined;
  beforeAll(async () => {
    admin = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.close();
  });

  describeStoreContract(
    'mongodb (real server)',
    async () => {
      const dbName = `${prefix}_${++n}`;
      const store = await createMongoStore({ uri, dbName, logger: silent });
      return {
        store,
        async dispose() {
          await store.close();
          await admin?.db(dbName).dropDatabase();
        },
      };
    },
    capabilities,
  );
}
