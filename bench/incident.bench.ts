/**
 * `npm run bench:incident` — a benchmark, not a test (issue 5, "Performance"):
 *
 * 1. Submit-to-confirmation latency, p50 and p99, at 1, 10 and 50 reporters at once, on the embedded store (a
 *    fresh temporary DATA_DIR per level) and, when MONGODB_URI is set, on MongoDB: the final "Raise the incident"
 *    step, and the whole three-step intake, against a baseline measured in the same run (the bare insertOne +
 *    audit.append one submit cannot do without). Goal: p99 < 100 ms at 50 at once on the embedded store.
 * 2. The SLA watch (the `incident-sla-watch` job's run function) over 100 k incidents with 1 k due, 200 k with
 *    1 k due, and 100 k with 2 k due. Goal: the sweep grows with the incidents due, not with the total.
 *
 * Prints the tables and writes them to bench/results/incident.md. Run: `npm run bench:incident`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { DocumentStore } from '../src/store/ports';
import { incidentHarness } from '../tests/flows/report-incident.support';
import { measureLevel, type LatencyRow } from './incident-latency';
import { idleMs, seed, sweep, sweepMs, type SweepRow } from './incident-sweep';
import { mongoOpener } from './bench-stores';

const LEVELS = [1, 10, 50];
const GOAL_P99_MS = 100;
const say = (line: string) => console.log(line);
const f = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : '–');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function latencies(stores: Array<[string, () => Promise<DocumentStore | null>]>): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const [name, open] of stores) {
    for (const level of LEVELS) {
      say(`latency: ${name}, ${level} reporter${level === 1 ? '' : 's'} at once…`);
      const row = await measureLevel(name, level, open);
      say(`  raise p50 ${f(row.raiseP50)} ms, p99 ${f(row.raiseP99)} ms (${row.samples} submits); baseline p99 ${f(row.baseP99)} ms`);
      if (row.failures.length > 0) say(`  ${row.failures.length} submits did not raise an incident, e.g. "${row.failures[0]}"`);
      rows.push(row);
    }
  }
  return rows;
}

async function sweeps(name: string, open: () => Promise<DocumentStore | null>): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  // 100 k with 1 k due, then 100 k more with 1 k newly due (the first 1 k were warned: next due at their breach).
  let store = await open();
  let h = await incidentHarness(store ? { store } : {});
  try {
    say(`sweep: ${name}, seeding 100,000 incidents (1,000 due)…`);
    await seed(h, 1, 100_000, 1_000, say);
    rows.push(await sweep(h, name, say));
    say(`sweep: ${name}, seeding 100,000 more (1,000 newly due)…`);
    await seed(h, 100_001, 100_000, 1_000, say);
    rows.push(await sweep(h, name, say));
    say('  closing the store (the embedded store compacts its datafiles)…');
  } finally {
    await h.close();
    if (store) await store.close();
  }
  store = await open();
  h = await incidentHarness(store ? { store } : {});
  try {
    say(`sweep: ${name}, seeding 100,000 incidents (2,000 due) in a fresh store…`);
    await seed(h, 1, 100_000, 2_000, say);
    rows.push(await sweep(h, name, say));
  } finally {
    await h.close();
    if (store) await store.close();
  }
  return rows;
}

function latencyTable(rows: LatencyRow[]): string {
  return [
    '| store | reporters at once | submits | raise p50 (ms) | raise p99 (ms) | whole intake p50 (ms) | whole intake p99 (ms) | baseline p50 (ms) | baseline p99 (ms) | raise/baseline p99 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.store} | ${r.level} | ${r.samples}${r.failures.length ? ` (${r.failures.length} failed)` : ''} | ${f(r.raiseP50)} | ${f(r.raiseP99)} | ${f(r.intakeP50)} | ${f(r.intakeP99)} | ${f(r.baseP50)} | ${f(r.baseP99)} | ${ratio(r.raiseP99, r.baseP99)} |`,
    ),
  ].join('\n');
}

function sweepTable(rows: SweepRow[]): string {
  const [first] = rows;
  return [
    '| store | incidents | due | runs (≤ 500 each) | time per run (ms) | sweep total (ms) | idle sweep (ms) | alerts | vs 100 k / 1 k |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.store} | ${r.total.toLocaleString('en-GB')} | ${r.due.toLocaleString('en-GB')} | ${r.runs.length - 1} | ${r.runs.slice(0, -1).map(f).join(', ')} | ${f(sweepMs(r))} | ${f(idleMs(r))} | ${r.alerts.toLocaleString('en-GB')} | ${first && first.store === r.store ? ratio(sweepMs(r), sweepMs(rows.find((x) => x.store === r.store)!)) : '–'} |`,
    ),
  ].join('\n');
}

function verdicts(latency: LatencyRow[], sweep: SweepRow[]): string[] {
  const lines: string[] = [];
  for (const row of latency.filter((r) => r.level === 50)) {
    const pass = row.raiseP99 < GOAL_P99_MS && row.failures.length === 0;
    lines.push(`- ${row.store}: raise p99 at 50 at once ${f(row.raiseP99)} ms against the goal of < ${GOAL_P99_MS} ms: **${pass ? 'PASS' : 'MISS'}**${row.store === 'embedded' ? '' : ' (goal set for the embedded store; shown for comparison)'}`);
  }
  for (const store of [...new Set(sweep.map((r) => r.store))]) {
    const [base, doubleTotal, doubleDue] = sweep.filter((r) => r.store === store);
    if (!base || !doubleTotal || !doubleDue) continue;
    const totalRatio = sweepMs(doubleTotal) / sweepMs(base);
    const dueRatio = sweepMs(doubleDue) / sweepMs(base);
    // "Grows with due, not total": doubling the total should cost far less than doubling what is due.
    const pass = totalRatio < 1.25 && dueRatio > 1.5;
    lines.push(
      `- ${store}: doubling the incidents (1 k due) took ${ratio(sweepMs(doubleTotal), sweepMs(base))} the time; doubling the due incidents took ${ratio(sweepMs(doubleDue), sweepMs(base))}. ` +
        `Idle sweep ${f(idleMs(base))} → ${f(idleMs(doubleTotal))} ms when the total doubles. Sweep grows with due, not total: **${pass ? 'PASS' : 'MISS'}**`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const started = Date.now();
  const uri = process.env.MONGODB_URI;
  const embedded = async () => null;
  const stores: Array<[string, () => Promise<DocumentStore | null>]> = [['embedded', embedded], ...(uri ? [['mongodb', mongoOpener(uri)] as [string, () => Promise<DocumentStore>]] : [])];
  if (!uri) say('MONGODB_URI is not set: the embedded store only.');

  const latencyRows = await latencies(stores);
  const sweepRows: SweepRow[] = [];
  for (const [name, open] of stores) sweepRows.push(...(await sweeps(name, open)));

  const when = new Date().toISOString();
  const report = [
    `# Incident flow benchmark (${when})`,
    '',
    `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}); whole run ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    '## Submit to confirmation',
    '',
    'The real dispatcher and registry flows, driven as the flow tests drive them (command → details form submit → "Raise the incident"). ' +
      'Each round, all reporters draft at once, then all press "Raise the incident" at once. "Raise" is that last step; "whole intake" is the three steps added up. ' +
      'Baseline: the same number of bare `insertOne` (the incident record) + `audit.append` (its event), as many at once. Embedded store: a fresh temporary DATA_DIR per level.',
    '',
    latencyTable(latencyRows),
    '',
    '## SLA sweep (`incident-sla-watch`)',
    '',
    'The job\'s run function, at one instant, run again until nothing is due (it takes at most 500 due incidents per run; scheduled once a minute). ' +
      '"Sweep total" adds up the runs that found something; "idle sweep" is the last run, which found nothing: the fixed cost of a sweep at that size. ' +
      'Seeded with `insertMany` of `createIncident` records as the repository stores them; due = three quarters of a P3\'s response time gone (one warning each).',
    '',
    sweepTable(sweepRows),
    '',
    '## Goals',
    '',
    ...verdicts(latencyRows, sweepRows),
    '',
  ].join('\n');
  say('');
  say(report);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'incident.md'), report);
  say(`written to ${join('bench', 'results', 'incident.md')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
