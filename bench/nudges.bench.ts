/**
 * `npm run bench:nudges` — a benchmark, not a test (issue 8, "Performance"): the improvement-nudges sweep
 * (`sweepImprovementNudges`, the job's own function) over a register of 500 k entries of which 10 k are due, then
 * 1 M with the same 10 k due, on the embedded store (a fresh temporary DATA_DIR per size) and, when MONGODB_URI
 * is set, on MongoDB (a fresh database per size, emptied after). Goal: one sweep over 1 M < 5 s, and < 10 % growth
 * when the register doubles at a fixed due count.
 *
 * Why 500 k → 1 M and not 1 M → 2 M: the embedded store keeps every document in the heap, 3–3.5 KiB per entry
 * with its indexes, so 2 M entries need more than Node's default heap (about 4 GiB here) and seeding them alone
 * takes minutes; 1 M → 2 M runs with `NODE_OPTIONS=--max-old-space-size=12288 NUDGES_SIZES=1000000,2000000`.
 *
 * Per size: the indexed query alone, one sweep (wall time, heap before/after, messages sent), a second sweep
 * right after (everything already sent: refused by idempotency keys), and the baseline of the same selection by a
 * full scan (`find({})` + the domain's due rule in JavaScript). See bench/nudges-sweep.ts and bench/nudges-seed.ts.
 *
 * Each size is seeded and measured three times (sizes alternating; about 15 minutes in all) and the verdicts take
 * the medians: one sweep of a size varies by several per cent with the machine's state, as much as the growth the
 * goal bounds. NUDGES_ROUNDS=1 measures each once (a quicker look).
 * NUDGES_SIZES=100000,200000 runs other sizes (a quick look); NUDGES_DUE changes the due count; NUDGES_STORE_OPS=1
 * prints the store calls of each sweep; NUDGES_CPU_PROFILE=/tmp/nudges writes CPU profiles of the two sweeps,
 * NUDGES_HEAP_PROFILE=/tmp/nudges samples what they allocate instead; NUDGES_SETTLE_MS waits that long between the
 * full GC before the sweep and the sweep.
 * Writes bench/results/nudges.md and bench/results/nudges.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { DocumentStore } from '../src/store/ports';
import { RECENTLY_CLOSED, SWEEP_AT } from './nudges-seed';
import { gcText, measureSize, median, type NudgeRow } from './nudges-sweep';
import { mongoOpener } from './bench-stores';

const GOAL_SWEEP_MS = 5_000;
const GOAL_GROWTH = 0.1;
const say = (line: string) => console.log(line);
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const n0 = (n: number) => n.toLocaleString('en-GB');
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const growth = (a: number, b: number) => (b > 0 ? `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)} %` : '–');
const sizes = (process.env.NUDGES_SIZES ?? '500000,1000000').split(',').map(Number);
const DUE = Number(process.env.NUDGES_DUE ?? 10_000);
/** Each size is seeded and measured this many times (sizes alternating); the verdicts take the medians. */
const ROUNDS = Math.max(1, Math.floor(Number(process.env.NUDGES_ROUNDS ?? 3)) || 1);
/** The flags this process runs with (`npm run bench:nudges` gives it the bot's: see package.json). */
const v8Flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(' ')].filter((flag) => /^--max-(semi|old)-space-size=/.test(flag)).join(' ') || 'none';

/** What the sweep keeps (heap after a full GC, against before it). */
const retained = (r: NudgeRow) => r.heapRetained - r.heapBefore;

/** The results: a row per store, round and size, each compared with the smallest size of its round. */
function table(rows: NudgeRow[]): string {
  const smallest = (r: NudgeRow) => rows.find((x) => x.store === r.store && (x.round ?? 1) === (r.round ?? 1))!;
  return [
    '| store | round | entries | due | candidates | query alone (ms) | sweep (ms) | collector pauses in the sweep | sent | 2nd sweep (ms) | full-scan baseline (ms) | sweep / baseline | query / baseline | heap loaded (MiB) | heap before → after sweep (MiB) | retained by sweep (MiB) | sweep time vs smallest (same round) | retained vs smallest (same round) |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const base = median(r.fullScanMs);
      const s = smallest(r);
      return `| ${r.store} | ${r.round ?? 1} | ${n0(r.plan.total)} | ${n0(r.plan.due)} | ${n0(r.candidates)} | ${f0(median(r.queryMs))} | ${f0(r.sweepMs)} | ${gcText(r.sweepGc)} | ${n0(r.sent)} | ${f0(r.secondMs)} | ${f0(base)} | ${ratio(r.sweepMs, base)} | ${ratio(median(r.queryMs), base)} | ${f0(r.heapLoaded)} | ${f0(r.heapBefore)} → ${f0(r.heapAfter)} | ${f0(retained(r))} | ${s === r ? '–' : growth(r.sweepMs, s.sweepMs)} | ${s === r ? '–' : growth(retained(r), retained(s))} |`;
    }),
  ].join('\n');
}

function details(rows: NudgeRow[]): string {
  return [
    '| store | round | entries | open later | closed history | closed in window | seeding (s) | heads-ups | due today | overdue (owner) | escalations | out of hours | failed | unreachable | query repeats (ms) | full-scan repeats (ms) | full scan found due |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|',
    ...rows.map(
      (r) =>
        `| ${r.store} | ${r.round ?? 1} | ${n0(r.plan.total)} | ${n0(r.plan.openLater)} | ${n0(r.plan.closedHistory)} | ${n0(r.plan.recentlyClosed)} | ${(r.seedMs / 1000).toFixed(0)} | ${n0(r.sweep.headsUps)} | ${n0(r.sweep.dueToday)} | ${n0(r.sweep.overdue)} | ${n0(r.sweep.escalations)} | ${n0(r.sweep.outOfHours)} | ${n0(r.sweep.failed)} | ${n0(r.sweep.unreachable)} | ${r.queryMs.map(f0).join(', ')} | ${r.fullScanMs.map(f0).join(', ')} | ${n0(r.fullScanDue)} |`,
    ),
  ].join('\n');
}

/** The rows of one store and size, in round order. */
function bySize(rows: NudgeRow[], store: string): NudgeRow[][] {
  const mine = rows.filter((r) => r.store === store);
  return [...new Set(mine.map((r) => r.plan.total))].map((total) => mine.filter((r) => r.plan.total === total));
}

function verdicts(rows: NudgeRow[]): string[] {
  const lines: string[] = [];
  const of = (runs: NudgeRow[], value: (r: NudgeRow) => number) => median(runs.map(value));
  const listed = (runs: NudgeRow[], value: (r: NudgeRow) => number) => (runs.length > 1 ? ` (median of ${runs.length} rounds: ${runs.map((r) => f0(value(r))).join(', ')})` : '');
  for (const store of [...new Set(rows.map((r) => r.store))]) {
    const sizesMeasured = bySize(rows, store);
    for (const runs of sizesMeasured) {
      const [first] = runs as [NudgeRow];
      const sweepMs = of(runs, (r) => r.sweepMs);
      const pass = sweepMs < GOAL_SWEEP_MS && runs.every((r) => r.sent > 0 && r.sweep.failed === 0 && r.secondSent === 0);
      lines.push(
        `- ${store}, ${n0(first.plan.total)} entries / ${n0(first.plan.due)} due: sweep ${f0(sweepMs)} ms${listed(runs, (r) => r.sweepMs)} (${n0(first.sent)} messages, ${runs.reduce((n, r) => n + r.sweep.failed, 0)} failed; second sweep ${f0(of(runs, (r) => r.secondMs))} ms, ${runs.reduce((n, r) => n + r.secondSent, 0)} sent) against < ${GOAL_SWEEP_MS} ms: **${pass ? 'PASS' : 'MISS'}**`,
      );
    }
    const [small, large] = sizesMeasured;
    if (small && large) {
      const [s0, l0] = [small[0]!, large[0]!];
      const time = [of(small, (r) => r.sweepMs), of(large, (r) => r.sweepMs)] as const;
      // Memory is judged by what the sweep keeps. The heap right after the sweep also holds garbage the young
      // generation has not collected yet — up to its size (64 MiB with the bot's flags), whatever the sweep did —
      // so it is shown, not judged.
      const kept = [of(small, retained), of(large, retained)] as const;
      const timeGrowth = (time[1] - time[0]) / time[0];
      const heapGrowth = (kept[1] - kept[0]) / kept[0];
      const rounds = Math.min(small.length, large.length);
      const perRound = rounds > 1 ? ` (round by round: ${Array.from({ length: rounds }, (_, i) => growth(large[i]!.sweepMs, small[i]!.sweepMs)).join(', ')})` : '';
      lines.push(
        `- ${store}: register ×${(l0.plan.total / s0.plan.total).toFixed(0)} at ${n0(s0.plan.due)} due: sweep time ${growth(time[1], time[0])}${perRound}, heap the sweep retained ${growth(kept[1], kept[0])} (right after it, before any GC: ${growth(of(large, (r) => r.heapAfter - r.heapBefore), of(small, (r) => r.heapAfter - r.heapBefore))}), ` +
          `indexed query ${growth(median(l0.queryMs), median(s0.queryMs))} (full-scan baseline ${growth(median(l0.fullScanMs), median(s0.fullScanMs))}; heap with the register loaded ${growth(l0.heapLoaded, s0.heapLoaded)}). ` +
          `< ${GOAL_GROWTH * 100} % growth: **${timeGrowth < GOAL_GROWTH && heapGrowth < GOAL_GROWTH ? 'PASS' : 'MISS'}**`,
      );
    }
  }
  return lines;
}

/**
 * The embedded store holds the whole register in the heap (about 3.5 KiB per entry with its indexes): below
 * {@link HEAP_MIB} the bench runs itself again in a child Node with that heap limit (same loader, same arguments).
 */
const HEAP_MIB = Number(process.env.NUDGES_HEAP_MIB ?? 3 * 1024 + Math.max(...sizes) / 200);
function rerunWithHeap(): boolean {
  if (getHeapStatistics().heap_size_limit / 2 ** 20 >= HEAP_MIB * 0.95 || process.env.NUDGES_RERUN) return false;
  say(`heap limit ${f0(getHeapStatistics().heap_size_limit / 2 ** 20)} MiB is below the ${f0(HEAP_MIB)} MiB the register needs: running again with --max-old-space-size=${f0(HEAP_MIB)}`);
  const child = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${Math.ceil(HEAP_MIB)}`, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, NUDGES_RERUN: '1' } });
  process.exitCode = child.status ?? 1;
  return true;
}

async function main(): Promise<void> {
  if (rerunWithHeap()) return;
  const started = Date.now();
  const uri = process.env.MONGODB_URI;
  const embedded = async () => null;
  const stores: Array<[string, () => Promise<DocumentStore | null>]> = [['embedded', embedded], ...(uri ? [['mongodb', mongoOpener(uri)] as [string, () => Promise<DocumentStore>]] : [])];
  if (!uri) say('MONGODB_URI is not set: the embedded store only.');
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  say(`load average at start: ${load}; heap limit ${f0(getHeapStatistics().heap_size_limit / 2 ** 20)} MiB; V8 flags: ${v8Flags}`);

  const rows: NudgeRow[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) say(`round ${round} of ${ROUNDS}`);
    for (const [name, open] of stores) for (const total of sizes) rows.push({ ...(await measureSize(name, total, DUE, open, say)), round });
  }

  const when = new Date().toISOString();
  const report = [
    `# Improvement nudges benchmark (${when})`,
    '',
    `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${f0(totalmem() / 2 ** 30)} GiB; heap limit ${f0(getHeapStatistics().heap_size_limit / 2 ** 20)} MiB; V8 flags ${v8Flags} (\`npm run bench:nudges\` runs it with the bot's, from package.json); load average at start ${load}, at end ${loadavg().map((l) => l.toFixed(2)).join(', ')}; whole run ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    `The \`improvement-nudges\` sweep (\`sweepImprovementNudges\`) at ${SWEEP_AT.toISOString()} (a Wednesday: working hours in London, Berlin and New York, so nothing waits for quiet hours), ` +
      `once with every due entry still to nudge, then once more right after (everything already sent: each nudge refused by its idempotency key). ` +
      `Due entries are spread over 21 days overdue … 7 days ahead (heads-ups, due today, every ladder step; the later steps also tell managers and the process owner, so more messages than due entries). ` +
      `Besides them: ${n0(RECENTLY_CLOSED)} closed entries with target dates in the sweep's window (at every size), 30 % open with target dates 30 days to 2 years ahead, the rest closed with target dates 30 days to 5 years back. ` +
      'Messages go to a fake web chat transport (records them, costs nothing). "Query alone": `listTargetBetween` as the sweep calls it (median of 3). ' +
      'Baseline: the same selection by a full scan — `find({})` over the whole register, then the domain\'s due rule in JavaScript (median of 2, or 1 when over 10 s). ' +
      'Heap: `heapUsed` after a full GC before the sweep, right after it (no GC), and after a GC again ("retained"). Embedded store: a fresh temporary DATA_DIR per size.',
    '',
    table(rows),
    '',
    '### What was seeded and sent',
    '',
    details(rows),
    '',
    '## Goals',
    '',
    ...verdicts(rows),
    '',
  ].join('\n');
  say('');
  say(report);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'nudges.md'), report);
  writeFileSync(join(dir, 'nudges.json'), `${JSON.stringify({ when, node: process.version, cpus: cpus().length, sweepAt: SWEEP_AT, goal: { sweepMs: GOAL_SWEEP_MS, growth: GOAL_GROWTH }, rows }, null, 2)}\n`);
  say(`written to ${join('bench', 'results', 'nudges.md')} and nudges.json`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
