/**
 * The improvement register at scale, for `npm run bench:nudges`: valid register entries built with the domain's
 * `createImprovement` (each entry in the sweep's window; the background ones are copies of one `createImprovement`
 * entry per owner and type, with their own number, title, status, dates) and stored as the repository stores them
 * (`version`, `intakeKey`), inserted with `insertMany` in batches of 10 000.
 *
 * At {@link SWEEP_AT} (Wednesday 11 March 2026, 14:00 UTC: 14:00 in London, 15:00 in Berlin, 10:00 in New York —
 * working hours for every person in the example organisation file, and the same calendar date in every zone)
 * exactly `due` entries are due, spread evenly over the target dates 21 days overdue … 7 days ahead, so every stage
 * is there: heads-up 7 and 1, due today, and overdue at each ladder step (1, 3, 7 and 14 days: owner; owner +
 * manager; owner, manager, manager's manager and process owner). Of the rest:
 * - {@link RECENTLY_CLOSED} closed entries (done / verified / rejected) whose target dates fall in the sweep's
 *   window — the same number at every register size (what was closed lately does not grow with the history);
 * - 30 % open (proposed / approved / in progress) with target dates 30 days to two years ahead;
 * - the others closed, with target dates 30 days to five years back: the register's history.
 */
import { addDays, localIsoDate } from '../src/domain/dates';
import { createImprovement, OPEN_IMPROVEMENT_STATUSES, type Improvement, type ImprovementStatus } from '../src/domain/improvement';
import { nudgeDue } from '../src/domain/nudges';
import { formatRecordNumber } from '../src/domain/records';
import type { Services } from '../src/engine/services';
import { COLLECTIONS } from '../src/store/collections';
import type { Doc } from '../src/store/ports';
import { isWorkingTime } from '../src/domain/business-hours';
import { calendarOf, timeZoneOf } from '../flows/shared/people';

/** The instant every sweep runs at (see the file comment). */
export const SWEEP_AT = new Date('2026-03-11T14:00:00Z');
/** Closed entries with a target date inside the sweep's window, at every size. */
export const RECENTLY_CLOSED = 5_000;
/** Target-date offsets (days from today) of the due entries: 21 days overdue to 7 days ahead. */
const DUE_OFFSETS = Array.from({ length: 29 }, (_, i) => i - 21);
const CLOSED_STATUSES: readonly ImprovementStatus[] = ['done', 'verified', 'rejected'];
const BATCH = 10_000;

/** Where the seeded entries stand. */
export interface SeedPlan {
  total: number;
  due: number;
  recentlyClosed: number;
  openLater: number;
  closedHistory: number;
}

type Kind = 'due' | 'recently-closed' | 'open-later' | 'closed-history';

/** The owners: everyone in the organisation file (all in working hours at {@link SWEEP_AT}; checked). */
function ownersOf(services: Services): Array<{ id: string; name: string }> {
  const people = services.org.people.map((p) => ({ id: p.id, name: p.name }));
  const off = people.filter((p) => !isWorkingTime(SWEEP_AT, calendarOf(services, p.id)));
  if (off.length > 0) throw new Error(`not in working hours at ${SWEEP_AT.toISOString()}: ${off.map((p) => p.id).join(', ')}`);
  return people;
}

/**
 * Which kind the k-th of `plan.total` seeded entries is, and its ordinal among its kind: the due and recently
 * closed ones spread evenly through the register, and the same set (stages, owners) at every register size.
 */
function kindOf(k: number, plan: SeedPlan): { kind: Kind; ordinal: number } {
  const dueEvery = Math.floor(plan.total / plan.due);
  if (k % dueEvery === 0 && k / dueEvery < plan.due) return { kind: 'due', ordinal: k / dueEvery };
  const closedEvery = Math.floor(plan.total / plan.recentlyClosed);
  if (k % closedEvery === 1 && (k - 1) / closedEvery < plan.recentlyClosed) return { kind: 'recently-closed', ordinal: (k - 1) / closedEvery };
  return { kind: k % 10 < 3 ? 'open-later' : 'closed-history', ordinal: k };
}

/** Builds entries; dates and the background entries' templates are made once (seeding 2 M stays in minutes). */
function docMaker(services: Services, today: string) {
  const owners = ownersOf(services);
  const dates = new Map<number, string>();
  const dateAt = (offset: number) => {
    let date = dates.get(offset);
    if (date === undefined) dates.set(offset, (date = addDays(today, offset)));
    return date;
  };
  const raise = (number: number, owner: (typeof owners)[number], corrective: boolean, targetDate: string, raisedAt: Date) =>
    createImprovement(
      {
        title: `Seeded action ${number}`,
        type: corrective ? 'corrective_action' : 'improvement',
        source: { kind: corrective ? 'audit_finding' : 'staff_idea' },
        owner,
        targetDate,
        ...(corrective ? { nonconformity: { what: 'A seeded nonconformity.' } } : {}),
      },
      { number, now: raisedAt, raisedBy: { ...owner, channel: 'webchat' }, timeZone: 'UTC' },
    );
  // One valid entry per (owner, type), made by the domain; background entries are copies with their own number,
  // title, status, target date and timestamps (all still valid for the schema).
  const templates = owners.map((owner, i) => [false, true].map((corrective) => raise(i + 1, owner, corrective, today, new Date(`${today}T10:00:00Z`))));

  /** One entry as the repository writes it. */
  return (number: number, { kind, ordinal }: { kind: Kind; ordinal: number }): Doc => {
    const inWindow = kind === 'due' || kind === 'recently-closed';
    const ownerIndex = (inWindow ? Math.floor(ordinal / DUE_OFFSETS.length) : ordinal) % owners.length;
    const owner = owners[ownerIndex]!;
    const offset = inWindow ? DUE_OFFSETS[ordinal % DUE_OFFSETS.length]! : kind === 'open-later' ? 30 + (ordinal % 700) : -(30 + (ordinal % 1800));
    const targetDate = dateAt(offset);
    const raisedAt = new Date(`${dateAt(offset - 30)}T10:00:00Z`);
    const corrective = ordinal % 4 === 0;
    const entry: Improvement = inWindow
      ? raise(number, owner, corrective, targetDate, raisedAt)
      : { ...templates[ownerIndex]![corrective ? 1 : 0]!, id: formatRecordNumber('IMP', number), title: `Seeded action ${number}`, targetDate, createdAt: raisedAt, updatedAt: raisedAt };
    const open = kind === 'due' || kind === 'open-later';
    const status = open ? OPEN_IMPROVEMENT_STATUSES[ordinal % OPEN_IMPROVEMENT_STATUSES.length]! : CLOSED_STATUSES[ordinal % CLOSED_STATUSES.length]!;
    const record: Improvement = { ...entry, status, ...(status === 'done' || status === 'verified' ? { completedAt: raisedAt } : {}) };
    if (kind === 'due') {
      const due = nudgeDue(record, localIsoDate(SWEEP_AT, timeZoneOf(services, owner.id)), services.org.nudges);
      if (!due) throw new Error(`seed ${record.id} (target ${targetDate}) should be due at ${SWEEP_AT.toISOString()}`);
    }
    return { ...record, version: 1, intakeKey: `bench-seed-${number}` };
  };
}

/** How many of each kind `total` entries with `due` due hold. */
export function planFor(total: number, due: number): SeedPlan {
  const plan: SeedPlan = { total, due, recentlyClosed: RECENTLY_CLOSED, openLater: 0, closedHistory: 0 };
  for (let k = 0; k < total; k++) {
    const { kind } = kindOf(k, plan);
    if (kind === 'open-later') plan.openLater++;
    else if (kind === 'closed-history') plan.closedHistory++;
  }
  return plan;
}

/** Inserts the plan's entries (numbered from 1) with `insertMany` in batches of 10 000; prints progress. */
export async function seedRegister(services: Services, plan: SeedPlan, say: (line: string) => void): Promise<void> {
  const improvements = services.store.collection(COLLECTIONS.improvements);
  const makeDoc = docMaker(services, localIsoDate(SWEEP_AT, 'UTC'));
  const started = Date.now();
  let lastSaid = 0;
  for (let done = 0; done < plan.total; done += BATCH) {
    const size = Math.min(BATCH, plan.total - done);
    const docs = Array.from({ length: size }, (_, i) => makeDoc(done + i + 1, kindOf(done + i, plan)));
    await improvements.insertMany(docs);
    if (Date.now() - lastSaid > 10_000 || done + size === plan.total) {
      lastSaid = Date.now();
      say(`  seeded ${(done + size).toLocaleString('en-GB')} / ${plan.total.toLocaleString('en-GB')} (${((Date.now() - started) / 1000).toFixed(1)} s, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB)`);
    }
  }
}
