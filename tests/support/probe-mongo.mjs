// Capability probe of a MongoDB server (or of the CongoDB stand-in with --standin), run synchronously by the
// contract test runners before they register tests: what the server honours decides which tests run and which
// are registered as skipped, with the reason. Prints one JSON object on stdout.
//   node tests/support/probe-mongo.mjs --standin
//   node tests/support/probe-mongo.mjs mongodb://…
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';

const target = process.argv[2];
const started = Date.now();
const result = { uniqueIndexes: false, bsonSortOrder: false, arrayPathProjection: false, pullWithCondition: false, details: {} };
let server;
let uri = target;
if (target === '--standin') {
  const { startCongoServer } = await import('./congo-server.mjs');
  ({ server, uri } = await startCongoServer());
}
const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
try {
  await client.connect();
  const db = client.db(`itsm_probe_${randomUUID().slice(0, 8)}`);
  try {
    result.details.version = (await db.admin().command({ buildInfo: 1 })).version;
  } catch {
    result.details.version = 'unknown';
  }

  // Unique secondary index: is a second document with the same key refused?
  const unique = db.collection('unique_probe');
  await unique.createIndex({ k: 1 }, { unique: true, name: 'k_1' });
  await unique.insertOne({ k: 1 });
  try {
    await unique.insertOne({ k: 1 });
    result.details.unique = 'a duplicate key was accepted under a unique index';
  } catch (error) {
    result.uniqueIndexes = error?.code === 11000;
    result.details.unique = `refused with code ${error?.code}`;
  }

  // Sort order: null and missing sort first, then strings in binary (byte) order.
  const order = db.collection('order_probe');
  await order.insertMany([{ s: 'b' }, { s: 'B' }, { n: 1 }, { s: '_' }, { s: null }, { s: 'a' }]);
  const sorted = (await order.find({}, { sort: { s: 1 }, projection: { _id: 0, s: 1 } }).toArray()).map((d) => d.s ?? '(none)');
  result.bsonSortOrder = sorted.join(',') === '(none),(none),B,_,a,b';
  result.details.sort = sorted.join(',');

  // Projection of a dotted path through an array of documents: { a: [{ b, c }] } with 'a.b' → { a: [{ b }] }.
  const shaped = db.collection('projection_probe');
  await shaped.insertOne({ a: [{ b: 1, c: 2 }, { b: 3, c: 4 }] });
  const projected = await shaped.findOne({}, { projection: { _id: 0, 'a.b': 1 } });
  result.arrayPathProjection = JSON.stringify(projected) === JSON.stringify({ a: [{ b: 1 }, { b: 3 }] });
  result.details.projection = JSON.stringify(projected);

  // $pull with a query condition on array elements: { $pull: { t: { $in: ['x'] } } }.
  const pulled = db.collection('pull_probe');
  await pulled.insertOne({ t: ['x', 'y'] });
  try {
    await pulled.updateOne({}, { $pull: { t: { $in: ['x'] } } });
    const after = await pulled.findOne({}, { projection: { _id: 0 } });
    result.pullWithCondition = JSON.stringify(after) === JSON.stringify({ t: ['y'] });
    result.details.pull = JSON.stringify(after);
  } catch (error) {
    result.pullWithCondition = false;
    result.details.pull = String(error?.message ?? error).split('\n')[0];
  }

  await db.dropDatabase().catch(() => undefined);
} catch (error) {
  result.error = String(error?.message ?? error).split('\n')[0];
} finally {
  await client.close().catch(() => undefined);
  if (server) await server.stop().catch(() => undefined);
}
result.details.ms = Date.now() - started;
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
