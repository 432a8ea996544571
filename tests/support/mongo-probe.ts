/**
 * Runs tests/support/probe-mongo.mjs synchronously: Jest registers tests synchronously, and which contract tests
 * run (and which are registered as skipped, with the reason) depends on what the server honours.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** What the probe found. */
export interface MongoProbe {
  /** A duplicate under a unique secondary index is refused with code 11000. */
  uniqueIndexes: boolean;
  /** null/missing sort first and strings sort in binary order. */
  bsonSortOrder: boolean;
  /** A projection of `a.b` through an array of documents keeps the array's shape. */
  arrayPathProjection: boolean;
  /** `$pull` accepts a query condition such as `{ $in: [...] }` for array elements. */
  pullWithCondition: boolean;
  details: { version?: string; unique?: string; sort?: string; projection?: string; pull?: string; ms?: number };
  /** Set when the probe could not talk to the server at all. */
  error?: string;
}

/** Probes a server by URI, or a fresh CongoDB stand-in with `'standin'`. */
export function probeMongoSync(target: { uri: string } | 'standin'): MongoProbe {
  const arg = target === 'standin' ? '--standin' : target.uri;
  const out = execFileSync(process.execPath, [join(__dirname, 'probe-mongo.mjs'), arg], { encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as MongoProbe;
}
