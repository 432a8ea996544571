/**
 * Submit-to-confirmation latency of the incident flow: reporters go through the real intake (command → details
 * form submit → "Raise the incident") on the real dispatcher with the registry flows, exactly as the flow tests
 * drive it. Each round, `level` reporters fill in their drafts at once, then all press "Raise the incident" at
 * once — `level` submits in flight together — so the raise column is the latency of one submit under that load.
 * The baseline, on the same store right after, is the irreducible store work of one submit: `insertOne` of the
 * incident record plus `audit.append` of its event, `level` at a time.
 */
import { randomUUID } from 'node:crypto';
import { createIncident } from '../src/domain/incident';
import type { ActionId } from '../src/engine/message';
import type { DocumentStore } from '../src/store/ports';
import { COLLECTIONS } from '../src/store/collections';
import { as, button, first, incidentHarness, textOf } from '../tests/flows/report-incident.support';

/** One measured cell: `level` reporters at once on one store. */
export interface LatencyRow {
  store: string;
  level: number;
  samples: number;
  raiseP50: number;
  raiseP99: number;
  intakeP50: number;
  intakeP99: number;
  baseP50: number;
  baseP99: number;
  /** Raises that did not answer with a number (a bug or an overload; never silently left out). */
  failures: string[];
}

/** How many rounds each level runs: about 150–500 samples per cell, a couple of seconds each. */
const ROUNDS: Record<number, number> = { 1: 150, 10: 30, 50: 10 };
const WARMUP_ROUNDS = 2;
const SERVICES = ['vpn', 'wms', 'email', 'printing', 'erp', 'payroll', 'wifi', 'website'];
const WORDS = ['keeps dropping', 'is very slow', 'shows an error', 'will not start', 'times out', 'rejects my login'];

/** The nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const elapsed = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

type H = Awaited<ReturnType<typeof incidentHarness>>;

interface Draft {
  who: ReturnType<typeof as>;
  action: ActionId;
  value: string;
  formMs: number;
}

/** Opens the form and submits the details: the confirmation's "Raise the incident" button, and the time taken. */
async function draft(h: H, who: ReturnType<typeof as>, n: number): Promise<Draft> {
  const service = SERVICES[n % SERVICES.length]!;
  const summary = `${service} ${WORDS[n % WORDS.length]} (bench ${n})`;
  const started = process.hrtime.bigint();
  const opened = await h.send({ type: 'command', command: 'incident', args: summary }, who);
  const form = first(opened)?.form;
  if (!form) throw new Error(`no form: ${textOf(first(opened))}`);
  const values = { summary, description: 'Seen since this morning.', service, impact: 'medium', urgency: 'medium', onBehalfOf: '' };
  const reviewed = await h.send({ type: 'submit', form: form.id, values, ...(form.state ? { state: form.state } : {}) }, who);
  const submit = button(first(reviewed), 'submit');
  return { who, action: submit.action, value: submit.value!, formMs: elapsed(started) };
}

/** One round: every reporter drafts at once, then every reporter raises at once. */
async function round(h: H, level: number, base: number, raise: number[], intake: number[], failures: string[]): Promise<void> {
  const drafts = await Promise.all(Array.from({ length: level }, (_, i) => draft(h, as(`Bench Reporter ${i + 1}`), base + i)));
  await Promise.all(
    drafts.map(async (d) => {
      const started = process.hrtime.bigint();
      const outcome = await h.send({ type: 'action', action: d.action, value: d.value }, d.who);
      const ms = elapsed(started);
      if (!/INC-\d{6}/.test(first(outcome)?.summary ?? '')) failures.push(textOf(first(outcome)).slice(0, 120));
      raise.push(ms);
      intake.push(d.formMs + ms);
    }),
  );
}

/** The irreducible store work of `samples` submits, `level` at a time: insert the record, append its event. */
async function baseline(h: H, level: number, samples: number): Promise<number[]> {
  const incidents = h.services.store.collection(COLLECTIONS.incidents);
  const latencies: number[] = [];
  let number = 900_000;
  for (let done = 0; done < samples; done += level) {
    const batch = Array.from({ length: Math.min(level, samples - done) }, () => {
      number += 1;
      return createIncident(
        { summary: `Baseline ${number}`, service: 'vpn', impact: 'medium', urgency: 'medium' },
        { number, now: h.clock.now(), reporter: { id: 'bench-baseline', name: 'Bench Baseline', channel: 'webchat' }, organisation: h.services.org },
      );
    });
    await Promise.all(
      batch.map(async (incident) => {
        const started = process.hrtime.bigint();
        await incidents.insertOne({ ...incident, version: 1, intakeKey: randomUUID() });
        await h.services.audit.append({
          at: h.clock.now(),
          actor: { id: 'bench-baseline', name: 'Bench Baseline', channel: 'webchat' },
          action: 'incident.created',
          record: { kind: 'incident', id: incident.id },
          after: { status: incident.status, priority: incident.priority, service: incident.service },
          clause: '8.6.1',
        });
        latencies.push(elapsed(started));
      }),
    );
  }
  return latencies;
}

/**
 * Measures one level on a fresh store: `openStore` gives a fresh store (or null for the harness's own embedded
 * store in a fresh temporary DATA_DIR), closed again afterwards.
 */
export async function measureLevel(storeName: string, level: number, openStore: () => Promise<DocumentStore | null>): Promise<LatencyRow> {
  const store = await openStore();
  const h = await incidentHarness(store ? { store } : {});
  try {
    const raise: number[] = [];
    const intake: number[] = [];
    const failures: string[] = [];
    let n = 0;
    for (let r = 0; r < WARMUP_ROUNDS; r++, n += level) await round(h, level, n, [], [], failures);
    for (let r = 0; r < (ROUNDS[level] ?? 10); r++, n += level) await round(h, level, n, raise, intake, failures);
    const base = await baseline(h, level, raise.length);
    return {
      store: storeName,
      level,
      samples: raise.length,
      raiseP50: percentile(raise, 50),
      raiseP99: percentile(raise, 99),
      intakeP50: percentile(intake, 50),
      intakeP99: percentile(intake, 99),
      baseP50: percentile(base, 50),
      baseP99: percentile(base, 99),
      failures,
    };
  } finally {
    await h.close();
    if (store) await store.close();
  }
}
