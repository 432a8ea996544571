/**
 * Clash detection at scale: the flow's own clash query — `createChangeRepository(services).listOverlapping(services,
 * start, end)` from flows/request-change/change.repository.ts, what the confirmation and the Submit run — over a
 * `changes` collection seeded in bulk with valid change records, shaped as the repository stores them (the domain's
 * `createChange`, then its `slots`, `version` and `intakeKey`).
 *
 * Every seeded change holds its window on the schedule (a status in CLASH_STATUSES: submitted, assessed, approved,
 * scheduled or implementing), spread evenly over the 12 services (one in five touches two) and over three years,
 * most 1–6 hours long, some up to 3 days, a few up to the 14-day maximum. The first 100 k cover three years; the next
 * 100 k the three years after, so the density on the calendar — and with it what a window overlaps — stays the same
 * while the total doubles. The query windows (seeded, the same at both sizes) lie in the first three years.
 *
 * Baseline, same store, same windows: a full scan — `find({})` of every change through the store port, filtered
 * in JS with the same overlap rule. Every answer of both is checked against the overlaps computed from the seeded
 * windows themselves; a difference is a failure, counted and shown.
 */
import { createChange, type Change, type ChangeStatus } from '../src/domain/change';
import { CLASH_STATUSES } from '../src/domain/change-schedule';
import type { Organisation } from '../src/domain/organisation';
import { COLLECTIONS } from '../src/store/collections';
import { INDEXES } from '../src/store/indexes';
import type { Doc } from '../src/store/ports';
import { createChangeRepository, scheduleSlots } from '../flows/request-change/change.repository';
import { MAX_WINDOW_DAYS } from '../flows/request-change/request-change.ids';
import type { changeHarness } from './change-latency';
import { riskAnswers } from './change-latency';
import { percentile } from './incident-latency';

type H = Awaited<ReturnType<typeof changeHarness>>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Three years of calendar per 100 k changes. */
export const SPAN_MS = 3 * 365 * DAY;
/** Where the first span starts: six months before the harness clock (2026-03-02). */
export const SPAN_START = new Date('2025-09-01T00:00:00Z');
const BATCH = 10_000;

/** What a clash query must find, kept from the seeding (not read back from the store). */
interface Window {
  id: string;
  services: readonly string[];
  start: number;
  end: number;
  clashing: boolean;
}

/** A query window: a change being requested. */
interface Probe {
  services: string[];
  start: Date;
  end: Date;
}

/** One measurement at one size. */
export interface ClashRow {
  store: string;
  total: number;
  /** Seconds to insert this step's changes, and to ensure the indexes afterwards. */
  seedS: number;
  ensureIndexesMs: number;
  queries: number;
  queryP50: number;
  queryP99: number;
  /** Mean changes found per query (what overlaps). */
  foundMean: number;
  scans: number;
  scanP50: number;
  scanP99: number;
  /** Answers that differed from the overlaps computed from the seeded windows. */
  mismatches: string[];
}

/** A small seeded PRNG (mulberry32): the same data and windows every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUS_MIX: ReadonlyArray<[ChangeStatus, number]> = [
  ['scheduled', 0.5],
  ['approved', 0.2],
  ['assessed', 0.2],
  ['submitted', 0.05],
  ['implementing', 0.05],
];

function pickStatus(r: number): ChangeStatus {
  let sum = 0;
  for (const [status, share] of STATUS_MIX) if (r < (sum += share)) return status;
  return 'scheduled';
}

function pickServices(org: Organisation, random: () => number, n: number): string[] {
  const ids = org.services.map((s) => s.id);
  const one = ids[n % ids.length]!;
  if (random() >= 0.2) return [one];
  const other = ids[(n + 1 + Math.floor(random() * (ids.length - 1))) % ids.length]!;
  return [one, other];
}

/** Most 1–6 hours; a quarter 6 hours to 3 days; a few up to the 14-day maximum. */
function pickLength(random: () => number): number {
  const r = random();
  const hours = r < 0.7 ? 1 + random() * 5 : r < 0.95 ? 6 + random() * 66 : 72 + random() * (MAX_WINDOW_DAYS * 24 - 72);
  return Math.round(hours * 4) * 15 * 60_000;
}

/** A stored change document as the repository writes it, and its window. */
function seedDoc(org: Organisation, number: number, spanStart: number, random: () => number, answers: Array<Record<string, string>>): { doc: Doc; window: Window } {
  const services = pickServices(org, random, number);
  const start = spanStart + Math.floor((random() * SPAN_MS) / (15 * 60_000)) * 15 * 60_000;
  const end = start + pickLength(random);
  const requester = { id: `webchat:bench requester ${number % 500}`, name: `Bench Requester ${number % 500}`, channel: 'webchat' as const };
  const raised = new Date(start - 10 * DAY);
  const change: Change = createChange(
    {
      type: 'normal',
      title: `Seeded change ${number} on ${services.join(' and ')}`,
      services,
      reason: 'Planned maintenance (bench seed).',
      implementationPlan: 'Fail over, patch, fail back.',
      backoutPlan: 'Restore the snapshots taken before.',
      testPlan: 'Smoke tests.',
      plannedStart: new Date(start),
      plannedEnd: new Date(end),
      riskAnswers: answers[number % answers.length]!,
    },
    { number, now: raised, requester, organisation: org },
  );
  const status = pickStatus(random());
  const managerId = org.approvers.changeManagers[number % org.approvers.changeManagers.length]!;
  const manager = org.people.find((p) => p.id === managerId)!;
  const approved = status === 'approved' || status === 'scheduled' || status === 'implementing';
  const stored: Change = {
    ...change,
    status,
    approvals: approved ? [{ by: { id: manager.id, name: manager.name, email: manager.email }, at: new Date(raised.getTime() + DAY), decision: 'approved', comment: '', as: 'change-manager' }] : [],
  };
  return {
    doc: { ...stored, slots: scheduleSlots(stored.services, stored.plannedStart, stored.plannedEnd), version: 1, intakeKey: `bench-seed-${number}` },
    window: { id: stored.id, services, start, end, clashing: (CLASH_STATUSES as readonly string[]).includes(status) },
  };
}

/**
 * Adds `count` changes numbered from `first` whose windows start in the three years from `spanStart`, with
 * `insertMany` in batches of 10 000; returns their windows. Prints progress.
 */
export async function seedChanges(h: H, first: number, count: number, spanStart: Date, say: (line: string) => void): Promise<Window[]> {
  const org = h.services.org;
  const changes = h.services.store.collection(COLLECTIONS.changes);
  const random = rng(first);
  const answers = [riskAnswers(org, 'lowest'), riskAnswers(org, 'highest')];
  const windows: Window[] = [];
  const started = Date.now();
  for (let done = 0; done < count; done += BATCH) {
    const size = Math.min(BATCH, count - done);
    const docs = Array.from({ length: size }, (_, i) => {
      const seeded = seedDoc(org, first + done + i, spanStart.getTime(), random, answers);
      windows.push(seeded.window);
      return seeded.doc;
    });
    await changes.insertMany(docs);
    if ((done + size) % 50_000 === 0 || done + size === count) say(`  seeded ${(done + size).toLocaleString('en-GB')} / ${count.toLocaleString('en-GB')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return windows;
}

/** `count` query windows in the first span, like the requests people make: one service (a quarter two), 1–8 hours. */
export function probes(org: Organisation, count: number): Probe[] {
  const random = rng(20_000);
  const ids = org.services.map((s) => s.id);
  return Array.from({ length: count }, (_, n) => {
    const one = ids[Math.floor(random() * ids.length)]!;
    const services = random() < 0.25 ? [one, ids[(ids.indexOf(one) + 1 + Math.floor(random() * (ids.length - 1))) % ids.length]!] : [one];
    const start = SPAN_START.getTime() + MAX_WINDOW_DAYS * DAY + Math.floor((random() * (SPAN_MS - 2 * MAX_WINDOW_DAYS * DAY)) / (15 * 60_000)) * 15 * 60_000;
    const length = (1 + Math.floor(random() * 8)) * HOUR;
    return { services, start: new Date(start), end: new Date(start + length), n };
  });
}

/** The overlap rule, as the domain has it: a shared service, a window in a clash status, `[start, end)` overlapping. */
function overlapping(w: { services: readonly string[]; start: number; end: number; clashing: boolean }, p: Probe): boolean {
  return w.clashing && w.start < p.end.getTime() && p.start.getTime() < w.end && w.services.some((s) => p.services.includes(s));
}

function compare(what: string, p: Probe, got: string[], windows: readonly Window[]): string | null {
  const want = windows.filter((w) => overlapping(w, p)).map((w) => w.id).sort();
  const have = [...got].sort();
  if (want.length === have.length && want.every((id, i) => id === have[i])) return null;
  const missing = want.filter((id) => !have.includes(id));
  const extra = have.filter((id) => !want.includes(id));
  return `${what} ${p.services.join('+')} ${p.start.toISOString()}–${p.end.toISOString()}: found ${have.length}, expected ${want.length} (missing ${missing.slice(0, 3).join(', ') || 'none'}; extra ${extra.slice(0, 3).join(', ') || 'none'})`;
}

const elapsed = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

/**
 * Times the flow's clash query for the probes (one at a time, after a short warm-up; at most `budgetMs` of them),
 * then the full-scan baseline for the first `scans` probes; every answer checked against `windows`.
 */
export async function measureClashes(
  h: H,
  storeName: string,
  windows: readonly Window[],
  probeList: readonly Probe[],
  options: { scans: number; budgetMs: number; seedS: number },
): Promise<ClashRow> {
  const started = process.hrtime.bigint();
  await h.services.store.ensureIndexes(INDEXES);
  const ensureIndexesMs = elapsed(started);
  const repo = createChangeRepository(h.services);
  const mismatches: string[] = [];
  for (const p of probeList.slice(0, 5)) await repo.listOverlapping(p.services, p.start, p.end);

  const query: number[] = [];
  let found = 0;
  const budgetStart = process.hrtime.bigint();
  for (const p of probeList) {
    if (query.length >= 20 && elapsed(budgetStart) > options.budgetMs) break;
    const t = process.hrtime.bigint();
    const got = await repo.listOverlapping(p.services, p.start, p.end);
    query.push(elapsed(t));
    found += got.length;
    const problem = compare('indexed query', p, got.map((c) => c.id), windows);
    if (problem) mismatches.push(problem);
  }

  const changes = h.services.store.collection<Doc & { id: string; services: string[]; plannedStart: Date; plannedEnd: Date; status: string }>(COLLECTIONS.changes);
  const scan: number[] = [];
  for (const p of probeList.slice(0, options.scans)) {
    const t = process.hrtime.bigint();
    const all = await changes.find({});
    const got = all.filter((c) =>
      overlapping({ services: c.services, start: c.plannedStart.getTime(), end: c.plannedEnd.getTime(), clashing: (CLASH_STATUSES as readonly string[]).includes(c.status) }, p),
    );
    scan.push(elapsed(t));
    const problem = compare('full scan', p, got.map((c) => c.id), windows);
    if (problem) mismatches.push(problem);
  }
  const total = await changes.countDocuments({});
  return {
    store: storeName,
    total,
    seedS: options.seedS,
    ensureIndexesMs,
    queries: query.length,
    queryP50: percentile(query, 50),
    queryP99: percentile(query, 99),
    foundMean: found / Math.max(1, query.length),
    scans: scan.length,
    scanP50: percentile(scan, 50),
    scanP99: percentile(scan, 99),
    mismatches,
  };
}
