/**
 * One register size on one store, for `npm run bench:nudges`: seed it (bench/nudges-seed.ts), then measure at
 * {@link SWEEP_AT}, in this order:
 *
 * 1. the sweep's indexed query alone (`listTargetBetween` over the sweep's window, as the sweep calls it, records
 *    parsed), three times: what finding the candidates costs;
 * 2. one sweep (`sweepImprovementNudges`, the job's own function) with every due entry still to nudge: wall time,
 *    heap used before (after a full GC), right after (no GC: what the sweep allocated and still holds or left as
 *    garbage) and after a full GC again (what it retained), and what the fake web chat received;
 * 3. a second sweep right after: everything due was sent, so each nudge is refused by its idempotency key;
 * 4. the baseline: the same selection by a full scan — `find({})` over the register, then the domain's due rule
 *    (`nudgeDue` at the owner's date, snoozes honoured) in JavaScript — twice, or once when it takes over 10 s.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dueWindow, sweepImprovementNudges, type ImprovementNudgeSweep } from '../flows/improvement-actions/improvement-nudges.job';
import { EmbeddedCollection } from '../adapters/store/embedded/embedded-collection';
import { createImprovementRepository } from '../flows/improvement-actions/improvement.repository';
import { timeZoneOf } from '../flows/shared/people';
import { localIsoDate } from '../src/domain/dates';
import { OPEN_IMPROVEMENT_STATUSES, type Improvement } from '../src/domain/improvement';
import { nudgeDue } from '../src/domain/nudges';
import type { Services } from '../src/engine/services';
import { COLLECTIONS } from '../src/store/collections';
import type { DocumentStore } from '../src/store/ports';
import { improvementHarness } from '../tests/flows/improvement-actions.support';
import { percentile } from './incident-latency';
import { planFor, seedRegister, SWEEP_AT, type SeedPlan } from './nudges-seed';

/** A full garbage collection (V8's `gc`, exposed at run time: the bench runs under plain `tsx`). */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MiB = 2 ** 20;
const heapUsed = () => process.memoryUsage().heapUsed / MiB;
const elapsed = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

/** Heap used after two full collections (the second collects what finalisers of the first released). */
export function settledHeap(): number {
  gc();
  gc();
  return heapUsed();
}

/**
 * Runs `fn` under the V8 CPU profiler when NUDGES_CPU_PROFILE names a file prefix: writes
 * `<prefix>-<label>.cpuprofile` (open in Chrome DevTools, or sum self time per function); NUDGES_HEAP_PROFILE
 * instead samples what it allocates.
 */
async function profiled<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const heapPrefix = process.env.NUDGES_HEAP_PROFILE;
  if (heapPrefix) return heapProfiled(`${heapPrefix}-${label}`, fn);
  const prefix = process.env.NUDGES_CPU_PROFILE;
  if (!prefix) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${prefix}-${label}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * Runs `fn` under V8's sampling heap profiler (NUDGES_HEAP_PROFILE names a file prefix): writes
 * `<prefix>-<label>.heapprofile` with where the sweep allocated, collected garbage included (open in Chrome DevTools).
 */
async function heapProfiled<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(`${file}.heapprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * With NUDGES_STORE_OPS set, counts and times every embedded-store call the sweep makes, by collection and method
 * (the wrapping costs a little), and prints them after the sweep: where a sweep's time goes. The sweep nudges a few
 * entries side by side, so a call's time includes work of the others interleaved with it: the counts are exact,
 * the times add up to more than the sweep.
 */
function countStoreOps(): () => string {
  if (!process.env.NUDGES_STORE_OPS) return () => '';
  const ops = new Map<string, { calls: number; ms: number }>();
  const proto = EmbeddedCollection.prototype as unknown as Record<string, unknown>;
  const methods = ['find', 'findOne', 'countDocuments', 'insertOne', 'insertMany', 'findOneAndUpdate', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany'];
  const originals = new Map(methods.map((m) => [m, proto[m] as (...a: unknown[]) => Promise<unknown>]));
  const inCall = new AsyncLocalStorage<true>();
  for (const [method, original] of originals) {
    proto[method] = async function (this: { name: string }, ...args: unknown[]) {
      if (inCall.getStore()) return original.apply(this, args); // findOne calls find: count the outer call only
      const started = process.hrtime.bigint();
      try {
        return await inCall.run(true, () => original.apply(this, args));
      } finally {
        const key = `${this.name}.${method}`;
        const op = ops.get(key) ?? { calls: 0, ms: 0 };
        op.calls++;
        op.ms += elapsed(started);
        ops.set(key, op);
      }
    };
  }
  return () => {
    for (const [method, original] of originals) proto[method] = original;
    return [...ops].sort((x, y) => y[1].ms - x[1].ms).map(([key, op]) => `    ${key}: ${op.calls} calls, ${op.ms.toFixed(0)} ms (${((op.ms / op.calls) * 1000).toFixed(0)} µs each)`).join('\n');
  };
}

/** The collector's pauses during a measured run: young-generation scavenges, and the rest (mark-compact). */
export interface GcPauses {
  minor: { count: number; ms: number };
  major: { count: number; ms: number };
}

/**
 * Counts the garbage collector's pauses while `fn` runs. The embedded store keeps the register in the heap, so a
 * collection that marks the old generation costs in proportion to the register, not to what the sweep does.
 */
async function countingGc<T>(fn: () => Promise<T>): Promise<{ value: T; gc: GcPauses; ms: number }> {
  const gc: GcPauses = { minor: { count: 0, ms: 0 }, major: { count: 0, ms: 0 } };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
      const kind = entry.detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? gc.minor : gc.major;
      kind.count += 1;
      kind.ms += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    const started = process.hrtime.bigint();
    const value = await fn();
    return { value, gc, ms: elapsed(started) }; // the sweep alone: not the wait below for the last entries
  } finally {
    await new Promise((resolve) => setImmediate(resolve)); // the last entries are delivered asynchronously
    observer.disconnect();
  }
}

/** "12 scavenges 340 ms, 1 mark-compact 900 ms". */
export const gcText = (gc: GcPauses) => `${gc.minor.count} scavenges ${gc.minor.ms.toFixed(0)} ms, ${gc.major.count} mark-compact ${gc.major.ms.toFixed(0)} ms`;

/** What one size measured. */
export interface NudgeRow {
  store: string;
  /** Which round of the bench measured it (NUDGES_ROUNDS). */
  round?: number;
  plan: SeedPlan;
  seedMs: number;
  /** Heap used with the register loaded, after a full GC (MiB). */
  heapLoaded: number;
  /** Candidates the indexed query returned, and its time (ms) per repeat. */
  candidates: number;
  queryMs: number[];
  sweepMs: number;
  /** The collector's pauses during the sweep. */
  sweepGc: GcPauses;
  /** Heap used (MiB) before the sweep (after GC), right after it (no GC), and after a GC. */
  heapBefore: number;
  heapAfter: number;
  heapRetained: number;
  sweep: Omit<ImprovementNudgeSweep, 'unreachable'> & { unreachable: number };
  /** Messages the fake web chat received during the sweep. */
  sent: number;
  secondMs: number;
  secondSent: number;
  /** The full-scan baseline: time per repeat, and how many entries it found due. */
  fullScanMs: number[];
  fullScanDue: number;
}

/** The median of a few repeats. */
export const median = (values: readonly number[]) => percentile(values, 50);

/** The same selection as the sweep, by reading every entry and applying the domain's rule in JavaScript. */
async function fullScan(services: Services): Promise<number> {
  const all = (await services.store.collection(COLLECTIONS.improvements).find({})) as unknown as Improvement[];
  let due = 0;
  for (const entry of all) {
    if (entry.snoozedUntil && entry.snoozedUntil.getTime() > SWEEP_AT.getTime()) continue;
    if (nudgeDue(entry, localIsoDate(SWEEP_AT, timeZoneOf(services, entry.owner.id)), services.org.nudges)) due++;
  }
  return due;
}

function counts(result: ImprovementNudgeSweep): NudgeRow['sweep'] {
  const { unreachable, ...rest } = result;
  return { ...rest, unreachable: unreachable.length };
}

/**
 * Seeds `total` entries with `due` due in a fresh store (`openStore` gives one, or null for the harness's own
 * embedded store in a temporary DATA_DIR) and measures it; the store is closed (and its documents dropped) after.
 */
export async function measureSize(storeName: string, total: number, due: number, openStore: () => Promise<DocumentStore | null>, say: (line: string) => void): Promise<NudgeRow> {
  const store = await openStore();
  const h = await improvementHarness({ start: SWEEP_AT.toISOString(), ...(store ? { store } : {}) });
  let started = process.hrtime.bigint();
  try {
    const { services } = h;
    const plan = planFor(total, due);
    say(`${storeName}: seeding ${total.toLocaleString('en-GB')} entries, ${due.toLocaleString('en-GB')} due…`);
    started = process.hrtime.bigint();
    await seedRegister(services, plan, say);
    const seedMs = elapsed(started);
    const heapLoaded = settledHeap();
    say(`  heap with the register loaded: ${heapLoaded.toFixed(0)} MiB`);

    const repo = createImprovementRepository(services);
    const { from, to } = dueWindow(localIsoDate(SWEEP_AT, 'UTC'), services.org.nudges);
    const queryMs: number[] = [];
    let candidates = 0;
    for (let i = 0; i < 3; i++) {
      started = process.hrtime.bigint();
      candidates = (await repo.listTargetBetween(OPEN_IMPROVEMENT_STATUSES, from, to)).length;
      queryMs.push(elapsed(started));
    }
    say(`  indexed query alone: ${candidates.toLocaleString('en-GB')} candidates in ${queryMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);

    const heapBefore = settledHeap();
    if (process.env.NUDGES_SETTLE_MS) await new Promise((resolve) => setTimeout(resolve, Number(process.env.NUDGES_SETTLE_MS)));
    const sentBefore = h.webchat.sent.length;
    const storeOps = countStoreOps();
    const { value: result, gc: sweepGc, ms: sweepMs } = await countingGc(() => profiled(`${storeName}-${total}-sweep`, () => sweepImprovementNudges(services, SWEEP_AT)));
    const opsReport = storeOps();
    const heapAfter = heapUsed();
    const sent = h.webchat.sent.length - sentBefore;
    const heapRetained = settledHeap();
    say(`  sweep: ${sweepMs.toFixed(0)} ms, ${sent.toLocaleString('en-GB')} sent (${JSON.stringify(counts(result))}); heap ${heapBefore.toFixed(0)} → ${heapAfter.toFixed(0)} MiB, ${heapRetained.toFixed(0)} MiB after GC; collector pauses: ${gcText(sweepGc)}`);
    if (opsReport) say(`  store calls during the sweep (NUDGES_STORE_OPS):\n${opsReport}`);

    const secondBefore = h.webchat.sent.length;
    started = process.hrtime.bigint();
    await profiled(`${storeName}-${total}-second`, () => sweepImprovementNudges(services, SWEEP_AT));
    const secondMs = elapsed(started);
    const secondSent = h.webchat.sent.length - secondBefore;
    say(`  second sweep (all sent already): ${secondMs.toFixed(0)} ms, ${secondSent} sent`);

    const fullScanMs: number[] = [];
    let fullScanDue = 0;
    // Twice when it is quick enough to repeat (at 1 M it takes most of a minute).
    for (let i = 0; i < 2 && (fullScanMs[0] ?? 0) < 10_000; i++) {
      settledHeap();
      started = process.hrtime.bigint();
      fullScanDue = await fullScan(services);
      fullScanMs.push(elapsed(started));
    }
    say(`  baseline, full scan + due rule: ${fullScanDue.toLocaleString('en-GB')} due in ${fullScanMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);

    return {
      store: storeName,
      plan,
      seedMs,
      heapLoaded,
      candidates,
      queryMs,
      sweepMs,
      sweepGc,
      heapBefore,
      heapAfter,
      heapRetained,
      sweep: counts(result),
      sent,
      secondMs,
      secondSent,
      fullScanMs,
      fullScanDue,
    };
  } finally {
    say('  closing the store…');
    started = process.hrtime.bigint();
    await h.close();
    if (store) await store.close();
    say(`  closed in ${(elapsed(started) / 1000).toFixed(1)} s`);
  }
}
