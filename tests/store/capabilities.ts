/**
 * What a store under test honours, and how the contract suite registers the tests that depend on it: a test the
 * server cannot honour is registered as skipped with the reason in its title and printed — never silently passed.
 */
import type { MongoProbe } from '../support/mongo-probe';

export type Capability = { ok: true } | { ok: false; reason: string };
export type TtlCapability = { ok: true; withinMs: number } | { ok: false; reason: string };

export interface StoreCapabilities {
  /** Unique indexes refuse duplicates (insert, update, insertMany). */
  uniqueIndexes: Capability;
  /** Sorting puts null/missing first and compares strings in binary order. */
  bsonSortOrder: Capability;
  /** Projecting a dotted path through an array of documents keeps the array (`items.sku` → `items: [{ sku }]`). */
  arrayPathProjection: Capability;
  /** `$pull` takes a query condition for elements (`{ $pull: { tags: { $in: [...] } } }`). */
  pullWithCondition: Capability;
  /** Documents past a TTL index's expiry disappear, within `withinMs`. */
  ttlExpiry: TtlCapability;
}

/** Capabilities from a probe of a MongoDB server; TTL timing cannot be probed quickly, so the runner says it. */
export function capabilitiesFromProbe(probe: MongoProbe, ttlExpiry: TtlCapability, serverName: string): StoreCapabilities {
  return {
    uniqueIndexes: probe.uniqueIndexes
      ? { ok: true }
      : { ok: false, reason: `probe: ${serverName} accepted a second document with the same key under a unique index` },
    bsonSortOrder: probe.bsonSortOrder
      ? { ok: true }
      : { ok: false, reason: `probe: ${serverName} sorts [null, missing, "b", "B", "_", "a"] as ${probe.details.sort ?? '?'} (not BSON order)` },
    arrayPathProjection: probe.arrayPathProjection
      ? { ok: true }
      : { ok: false, reason: `probe: ${serverName} projects 'a.b' over [{b:1,c:2},{b:3,c:4}] as ${probe.details.projection ?? '?'}` },
    pullWithCondition: probe.pullWithCondition
      ? { ok: true }
      : { ok: false, reason: `probe: ${serverName} refuses $pull with { $in: [...] } (${probe.details.pull ?? '?'})` },
    ttlExpiry,
  };
}

/** Everything the embedded store honours (it is ours; the contract suite's probe test confirms it). */
export const EMBEDDED_CAPABILITIES: StoreCapabilities = {
  uniqueIndexes: { ok: true },
  bsonSortOrder: { ok: true },
  arrayPathProjection: { ok: true },
  pullWithCondition: { ok: true },
  ttlExpiry: { ok: true, withinMs: 2_000 },
};

const skipped: string[] = [];

/** Registers `fn` as a test when the capability holds; otherwise as a skipped test whose title gives the reason. */
export function testIf(capability: Capability | TtlCapability, title: string, fn: () => Promise<void>, timeout?: number): void {
  if (capability.ok) {
    test(title, fn, timeout);
    return;
  }
  const skippedTitle = `${title} — SKIPPED: ${capability.reason}`;
  skipped.push(skippedTitle);
  test.skip(skippedTitle, fn);
}

/** Prints the skipped tests registered so far (once per suite), so a skip is visible in every run's output. */
export function printSkips(suite: string, extra?: string): void {
  const lines = skipped.splice(0);
  if (lines.length === 0 && !extra) return;
  console.info([`[${suite}] ${lines.length} contract test(s) skipped:`, ...lines.map((line) => `  - ${line}`), ...(extra ? [extra] : [])].join('\n'));
}
