/**
 * What only the MongoDB store does: fail fast with one clear line (password masked) when MONGODB_URI is wrong or
 * unreachable, keep the driver's ObjectId `_id` internal, and create the product's indexes with derived names —
 * checked through the real driver against the CongoDB stand-in.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { MongoClient, ObjectId } from 'mongodb';
import { maskMongoUri, scrubSecrets } from '../../adapters/store/mongo/mask-uri';
import { createMongoStore, databaseFromUri } from '../../adapters/store/mongo/mongo-store';
import { openStore } from '../../adapters/store/open-store';
import { INDEXES } from '../../src/store/indexes';
import { startMongoStandin, type MongoStandin } from '../support/mongo-standin';
import { refusal } from '../support/store-refusal';

const silent = { info: () => undefined, warn: () => undefined };

/** A loopback port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('connection strings are never shown with their secrets', () => {
  test.each([
    ['mongodb://itsm:s3cret@db.example:27017/itsm', 'mongodb://itsm:****@db.example:27017/itsm'],
    ['mongodb+srv://itsm:p%40ss@cluster0.example.net/?retryWrites=true', 'mongodb+srv://itsm:****@cluster0.example.net/?retryWrites=true'],
    ['mongodb://itsm:pa@ss/word@h1,h2/db', 'mongodb://itsm:****@h1,h2/db'],
    ['mongodb://x509user@h/db?authMechanism=MONGODB-X509', 'mongodb://x509user@h/db?authMechanism=MONGODB-X509'],
    ['mongodb://h/db?tlsCertificateKeyFilePassword=abc&authMechanismProperties=AWS_SESSION_TOKEN:xyz', 'mongodb://h/db?tlsCertificateKeyFilePassword=****&authMechanismProperties=****'],
    ['mongodb://127.0.0.1:27017', 'mongodb://127.0.0.1:27017'],
  ])('%s', (uri, masked) => {
    expect(maskMongoUri(uri)).toBe(masked);
  });

  test('scrubSecrets removes the password from any message, encoded or not', () => {
    const uri = 'mongodb://itsm:p%40ssw0rd@h/db';
    expect(scrubSecrets(`failed for ${uri} with p@ssw0rd and p%40ssw0rd`, uri)).toBe('failed for mongodb://itsm:****@h/db with **** and ****');
  });

  test('the database comes from the URI path when MONGODB_DB is not set', () => {
    expect(databaseFromUri('mongodb://u:p@h:1/itsm_prod?replicaSet=rs0')).toBe('itsm_prod');
    expect(databaseFromUri('mongodb+srv://u:p@cluster.example.net/?w=majority')).toBeUndefined();
    expect(databaseFromUri('mongodb://h')).toBeUndefined();
  });
});

describe('start-up failures', () => {
  test('an unreachable MONGODB_URI fails fast with one clear line, password masked', async () => {
    const port = await closedPort();
    const uri = `mongodb://itsm:s3cret-pa55@127.0.0.1:${port}/itsm`;
    const started = Date.now();
    const error = await refusal(createMongoStore({ uri, serverSelectionTimeoutMS: 500, logger: silent }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.message).toMatch(
      new RegExp(`^cannot reach MongoDB at mongodb://itsm:\\*\\*\\*\\*@127\\.0\\.0\\.1:${port}/itsm: .*ECONNREFUSED.*; check MONGODB_URI`),
    );
    expect(error.message).not.toContain('s3cret');
    expect(error.message.split('\n')).toHaveLength(1);
  });

  test('openStore uses MongoDB when MONGODB_URI is set, with the same failure', async () => {
    const port = await closedPort();
    const error = await refusal(
      openStore({ mongodbUri: `mongodb://u:hunter22@127.0.0.1:${port}`, dataDir: '/nonexistent', serverSelectionTimeoutMS: 300, logger: silent }),
    );
    expect(error.message).toMatch(/^cannot reach MongoDB at mongodb:\/\/u:\*\*\*\*@127\.0\.0\.1:\d+: /);
    expect(error.message).not.toContain('hunter22');
  });

  test('a malformed MONGODB_URI is refused with a clear message', async () => {
    const error = await refusal(createMongoStore({ uri: 'mongo://u:hunter22@h', serverSelectionTimeoutMS: 300, logger: silent }));
    expect(error.message).toMatch(/^MONGODB_URI is not a valid MongoDB connection string \(mongo:\/\/u:\*\*\*\*@h\): .*; check MONGODB_URI$/);
    expect(error.message).not.toContain('hunter22');
  });
});

describe('against the stand-in', () => {
  let standin: MongoStandin;
  beforeAll(async () => {
    standin = await startMongoStandin();
  });
  afterAll(async () => {
    await standin.stop();
  });

  test('documents keep their id; the ObjectId _id stays inside the database', async () => {
    const dbName = `internal_${randomUUID().slice(0, 8)}`;
    const store = await createMongoStore({ uri: standin.uri, dbName, logger: silent });
    const raw = new MongoClient(standin.uri);
    try {
      expect(store.kind).toBe('mongodb');
      await store.collection('things').insertOne({ id: 't1', n: 1 });
      await store.collection('things').findOneAndUpdate({ id: 't2' }, { $set: { n: 2 } }, { upsert: true });
      const stored = await raw.db(dbName).collection('things').find({}).toArray();
      expect(stored.map((doc) => doc.id).sort()).toEqual(['t1', 't2']);
      expect(stored.every((doc) => doc._id instanceof ObjectId)).toBe(true);
      expect(await store.collection('things').find({})).toEqual(expect.arrayContaining([{ id: 't1', n: 1 }, { id: 't2', n: 2 }]));
    } finally {
      await raw.close();
      await store.close();
    }
  });

  test('ensureIndexes creates every index with a name derived from its keys, TTL included', async () => {
    const dbName = `indexes_${randomUUID().slice(0, 8)}`;
    const store = await createMongoStore({ uri: standin.uri, dbName, logger: silent });
    const raw = new MongoClient(standin.uri);
    try {
      await store.ensureIndexes(INDEXES);
      const incidents = await raw.db(dbName).collection('incidents').listIndexes().toArray();
      expect(incidents.map((index) => index.name)).toEqual(
        expect.arrayContaining(['id_1', 'service_1_status_1', 'slaNextAlertAt_1_status_1', 'resolution.at_1_status_1']),
      );
      expect(incidents.find((index) => index.name === 'id_1')?.unique).toBe(true);
      const conversations = await raw.db(dbName).collection('conversations').listIndexes().toArray();
      expect(conversations.find((index) => index.name === 'expiresAt_1')?.expireAfterSeconds).toBe(0);
      const audit = await raw.db(dbName).collection('audit').listIndexes().toArray();
      expect(audit.find((index) => index.name === 'seq_1')?.unique).toBe(true);
    } finally {
      await raw.close();
      await store.close();
    }
  });

  test('ping answers while connected, and a closed store refuses new collections', async () => {
    const store = await createMongoStore({ uri: standin.uri, dbName: `ping_${randomUUID().slice(0, 8)}`, logger: silent });
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    expect(() => store.collection('x')).toThrow(/closed/);
  });
});
