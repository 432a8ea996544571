/**
 * The SLA watch at scale: the `incident-sla-watch` job's own run function over a store seeded in bulk with valid
 * incident records, shaped as the repository stores them (the domain's `createIncident`, `version`, `intakeKey`
 * and the `slaNextAlertAt` instant the sweep's indexed query asks for). Every seeded incident is a P3 on a 24x7
 * service: the due ones were raised 3.5 hours before the sweep (three quarters of the 4-hour response target
 * have gone: one warning each, to the team lead), the others within the last hour (nothing due for hours).
 *
 * The job sweeps at most 500 due incidents per run (as scheduled, once a minute); the bench runs it again at the
 * same instant until nothing is due, and times each run. The last run, with nothing due, is the sweep's fixed
 * cost at that size.
 */
import { createIncident, type Incident } from '../src/domain/incident';
import { nextSlaAlertAt } from '../src/domain/incident-sla';
import { slaCalendarFor } from '../src/domain/sla';
import type { JobDefinition } from '../src/engine/scheduler';
import { silentLogger } from '../src/engine/logger';
import { COLLECTIONS } from '../src/store/collections';
import type { Doc } from '../src/store/ports';
import type { incidentHarness } from '../tests/flows/report-incident.support';

type H = Awaited<ReturnType<typeof incidentHarness>>;

/** The instant every sweep runs at: a Wednesday noon, London. */
export const SWEEP_AT = new Date('2026-03-04T12:00:00Z');
const SERVICES_24X7 = ['vpn', 'wms', 'website'];
const BATCH = 10_000;
const MINUTE = 60_000;

/** One sweep measurement. */
export interface SweepRow {
  store: string;
  total: number;
  due: number;
  /** Milliseconds of each run until nothing was due (the last one found nothing). */
  runs: number[];
  alerts: number;
  /** Messages the fake transport received during the sweep. */
  sent: number;
}

/** Total time of the runs that found something due. */
export const sweepMs = (row: SweepRow) => row.runs.slice(0, -1).reduce((a, b) => a + b, 0);
/** The run that found nothing due. */
export const idleMs = (row: SweepRow) => row.runs.at(-1) ?? Number.NaN;

/** An incident document as the repository writes it. */
function seedDoc(h: H, number: number, due: boolean): Doc {
  const service = SERVICES_24X7[number % SERVICES_24X7.length]!;
  // Spread over time so the index has distinct keys: due ones 3.5–3.75 h ago, the others within the last hour.
  const ago = due ? 210 * MINUTE + (number % 15) * MINUTE : (number % 60) * MINUTE;
  const incident: Incident = createIncident(
    { summary: `Seeded incident ${number} on ${service}`, service, impact: 'medium', urgency: 'medium' },
    {
      number,
      now: new Date(SWEEP_AT.getTime() - ago),
      reporter: { id: `bench-reporter-${number % 500}`, name: `Bench Reporter ${number % 500}`, channel: 'webchat' },
      organisation: h.services.org,
    },
  );
  const alertAt = nextSlaAlertAt(incident, slaCalendarFor(h.services.org, incident.service, incident.priority));
  if (!alertAt || (alertAt.getTime() <= SWEEP_AT.getTime()) !== due) throw new Error(`seed ${incident.id}: next alert ${alertAt?.toISOString()} does not match due=${due}`);
  return { ...incident, version: 1, intakeKey: `bench-seed-${number}`, slaNextAlertAt: alertAt };
}

/**
 * Adds `count` incidents numbered from `first`, `due` of them due at {@link SWEEP_AT} (spread evenly), with
 * `insertMany` in batches of 10 000; prints progress.
 */
export async function seed(h: H, first: number, count: number, due: number, say: (line: string) => void): Promise<void> {
  const incidents = h.services.store.collection(COLLECTIONS.incidents);
  const every = Math.floor(count / due);
  const started = Date.now();
  for (let done = 0; done < count; done += BATCH) {
    const size = Math.min(BATCH, count - done);
    const docs = Array.from({ length: size }, (_, i) => {
      const k = done + i;
      return seedDoc(h, first + k, k % every === 0 && k / every < due);
    });
    await incidents.insertMany(docs);
    say(`  seeded ${(done + size).toLocaleString('en-GB')} / ${count.toLocaleString('en-GB')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

/** Runs the job at {@link SWEEP_AT} until a run finds nothing due. */
export async function sweep(h: H, storeName: string, say: (line: string) => void): Promise<SweepRow> {
  const job: JobDefinition | undefined = h.dispatcher.flows.flatMap((flow) => flow.jobs?.(h.services) ?? []).find((j) => j.name === 'incident-sla-watch');
  if (!job) throw new Error('no incident-sla-watch job in the registry');
  const total = await h.services.store.collection(COLLECTIONS.incidents).countDocuments({});
  const sentBefore = h.webchat.sent.length;
  const runs: number[] = [];
  let due = 0;
  let alerts = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const started = process.hrtime.bigint();
    const result = await job.run({ now: SWEEP_AT, logger: silentLogger, progress: async () => undefined });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    runs.push(ms);
    const counts = result.counts ?? {};
    due += counts.due ?? 0;
    alerts += counts.alerts ?? 0;
    say(`  run ${runs.length}: ${result.summary} in ${ms.toFixed(0)} ms`);
    if ((counts.due ?? 0) === 0) break;
  }
  return { store: storeName, total, due, runs, alerts, sent: h.webchat.sent.length - sentBefore };
}
