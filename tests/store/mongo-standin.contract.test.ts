/**
 * The store contract suite against the MongoDB store, through the real driver, talking to the CongoDB stand-in
 * (a wire-compatible server; no real mongod can be installed on the build machines — notes/mongodb.md).
 * A probe decides which cases the stand-in can honour; the rest are registered as skipped with the reason.
 * One stand-in per file, a fresh database per test.
 */
import { randomUUID } from 'node:crypto';
import { createMongoStore } from '../../adapters/store/mongo/mongo-store';
import { probeMongoSync } from '../support/mongo-probe';
import { startMongoStandin, type MongoStandin } from '../support/mongo-standin';
import { capabilitiesFromProbe } from './capabilities';
import { describeStoreContract } from './contract';

const silent = { info: () => undefined, warn: () => undefined };
const probe = probeMongoSync('standin');
if (probe.error) throw new Error(`the capability probe could not reach the MongoDB stand-in: ${probe.error}`);
console.info(`[mongodb via stand-in] capability probe: ${JSON.stringify(probe)}`);

const capabilities = capabilitiesFromProbe(
  probe,
  { ok: false, reason: 'the CongoDB stand-in never expires documents (its TTL indexes are inert; notes/mongodb.md)' },
  'the CongoDB stand-in',
);

let standin: MongoStandin | undefined;
const prefix = `contract_${randomUUID().slice(0, 8)}`;
let n = 0;

beforeAll(async () => {
  standin = await startMongoStandin();
});
afterAll(async () => {
  await standin?.stop();
});

describeStoreContract(
  'mongodb via the CongoDB stand-in',
  async () => {
    if (!standin) throw new Error('the stand-in did not start');
    const store = await createMongoStore({ uri: standin.uri, dbName: `${prefix}_${++n}`, serverSelectionTimeoutMS: 3000, logger: silent });
    return { store, dispose: () => store.close() };
  },
  capabilities,
);
