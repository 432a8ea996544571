/**
 * Submit latency of the change flow: requesters go through the real intake on the real dispatcher with the registry
 * flows, exactly as tests/flows/request-change.test.ts drives it — `change` → "Normal" → details form submitted →
 * confirmation → "Submit". Each round, `level` requesters fill in their drafts at once, then all press "Submit" at
 * once — `level` submits in flight together — so the submit column is the latency of one submit under that load;
 * "whole intake" adds the three drafting steps of the same requester.
 *
 * Every request is submittable: a planned window in the future of the harness clock, outside the organisation's
 * freeze windows for its services (read from the loaded organisation, so a freeze added to the file is avoided
 * too), services and times varied so drafts spread over the catalogue (some still clash: that is only a warning).
 * Every "Submit" must answer with a fresh `CHG-` number; anything else is a failure, counted and kept.
 *
 * The baseline, on the same store right after, is the irreducible store work of one submit: `insertOne` of a change
 * record built with the domain's `createChange` plus `audit.append` of its creation event, `level` at a time.
 */
import { randomUUID } from 'node:crypto';
import { createChange, type Change } from '../src/domain/change';
import { freezeWindowsDuring } from '../src/domain/change-schedule';
import type { Organisation } from '../src/domain/organisation';
import type { ChatIdentity } from '../src/engine/events';
import type { ActionId, Message } from '../src/engine/message';
import { COLLECTIONS } from '../src/store/collections';
import type { DocumentStore } from '../src/store/ports';
import { changeSnapshot } from '../flows/request-change/change.repository';
import { toLocalInput } from '../flows/request-change/request-change.state';
import { as, buttonsOf, first, incidentHarness, textOf } from '../tests/flows/report-incident.support';
import { percentile } from './incident-latency';

/** One measured cell: `level` requesters at once on one store. */
export interface ChangeLatencyRow {
  store: string;
  level: number;
  samples: number;
  submitP50: number;
  submitP99: number;
  intakeP50: number;
  intakeP99: number;
  baseP50: number;
  baseP99: number;
  /** Requests that did not end in a fresh CHG- number (a bug or an overload; never silently left out). */
  failures: string[];
  /** Submits whose answer named a clash with another change (a warning only: they were still submitted). */
  clashWarnings: number;
}

/** How many rounds each level runs: 150–500 samples per cell. */
const ROUNDS: Record<number, number> = { 1: 150, 10: 30, 50: 10 };
const WARMUP_ROUNDS = 2;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The harness the change flow tests use: `createHarness` with the fake web chat transport registered (the same
 * thing as the test file's own `changeHarness`, shared through the incident flow's support file).
 */
export const changeHarness = incidentHarness;
type H = Awaited<ReturnType<typeof changeHarness>>;

const elapsed = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

/** Risk answers scoring the least (low: one change manager decides) or the most (high: the CAB) on every question. */
export function riskAnswers(org: Organisation, level: 'highest' | 'lowest'): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const q of org.changes.riskQuestions) {
    const sorted = [...q.options].sort((a, b) => a.score - b.score);
    answers[q.id] = (level === 'highest' ? sorted.at(-1) : sorted[0])!.value;
  }
  return answers;
}

/**
 * The n-th request's services and window: services round the catalogue (every fifth request touches a second one),
 * a start 1–120 days after `now` at a local morning-to-evening hour, 1–4 hours long; moved a day later while it
 * falls in a freeze window for its services.
 */
export function requestWindow(org: Organisation, now: Date, n: number): { services: string[]; start: Date; end: Date } {
  const ids = org.services.map((s) => s.id);
  const service = ids[n % ids.length]!;
  const services = n % 5 === 4 ? [service, ids[(n + 5) % ids.length]!] : [service];
  const day = Math.floor(now.getTime() / DAY) * DAY;
  let start = new Date(day + (1 + (Math.floor(n / ids.length) * 7 + n) % 120) * DAY + (6 + ((n * 5) % 12)) * HOUR);
  const length = (1 + (n % 4)) * HOUR;
  for (let tries = 0; freezeWindowsDuring(org, start, new Date(start.getTime() + length), services).length > 0; tries++) {
    if (tries > 400) throw new Error(`no window outside the freeze windows for ${services.join(', ')}`);
    start = new Date(start.getTime() + DAY);
  }
  return { services, start, end: new Date(start.getTime() + length) };
}

interface Draft {
  who: Partial<ChatIdentity>;
  action: ActionId;
  value: string;
  formMs: number;
  /** The confirmation named a clash with another change (a warning only: Submit is still offered). */
  clash: boolean;
}

function button(message: Message | undefined, action: string) {
  return buttonsOf(message).find((b) => b.action === `request-change:${action}`);
}

/** `change` → Normal → details form → the confirmation's Submit button (and the time the three steps took). */
async function draft(h: H, who: Partial<ChatIdentity>, n: number): Promise<Draft | string> {
  const org = h.services.org;
  // The zone the flow reads the typed times in: the harness's identity defaults, then the person's own.
  const zone = h.services.people.resolve({ channel: 'webchat', userId: 'Alex Tester', name: 'Alex Tester', ...who }).timeZone;
  const { services, start, end } = requestWindow(org, h.clock.now(), n);
  const answers = riskAnswers(org, n % 2 === 0 ? 'lowest' : 'highest');
  const values = {
    title: `Bench change ${n} on ${services.join(' and ')}`,
    services,
    reason: 'Vendor security patches (bench).',
    description: 'Cumulative update, applied node by node.',
    plannedStart: toLocalInput(start, zone),
    plannedEnd: toLocalInput(end, zone),
    implementationPlan: 'Fail over, patch the passive node, fail back, patch the other node.',
    backoutPlan: 'Uninstall the update and restore the snapshots taken before.',
    testPlan: 'Run the smoke tests.',
    implementer: '',
    linked: '',
    ...Object.fromEntries(Object.entries(answers).map(([q, a]) => [`risk.${q}`, a])),
  };
  const started = process.hrtime.bigint();
  const choice = first(await h.send({ type: 'command', command: 'change', args: '' }, who));
  const normal = buttonsOf(choice).find((b) => b.value === 'normal');
  if (!normal) return `request ${n}: no Normal button: ${textOf(choice).slice(0, 120)}`;
  const opened = first(await h.send({ type: 'action', action: normal.action, value: 'normal' }, who));
  const form = opened?.form;
  if (!form) return `request ${n}: no form: ${textOf(opened).slice(0, 120)}`;
  const reviewed = await h.send({ type: 'submit', form: form.id, values, ...(form.state ? { state: form.state } : {}) }, who);
  if (reviewed.errors) return `request ${n}: form refused: ${JSON.stringify(reviewed.errors).slice(0, 160)}`;
  const confirmation = first(reviewed);
  const submit = button(confirmation, 'submit');
  if (!submit?.value) return `request ${n}: no Submit button: ${textOf(confirmation).slice(0, 160)}`;
  return { who, action: submit.action, value: submit.value, formMs: elapsed(started), clash: /also changes/.test(textOf(confirmation)) };
}

/** What the dispatcher logged for an answer quoting a reference ("flow failed" and its error), if anything. */
function loggedCause(h: H, text: string): string {
  const reference = /quote reference (\w+)/.exec(text)?.[1];
  if (!reference) return '';
  const line = h.logger.lines.find((l) => (l.obj as { reference?: string } | undefined)?.reference === reference);
  const err = (line?.obj as { err?: unknown } | undefined)?.err;
  return err ? ` — logged: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`.slice(0, 300) : '';
}

/** One round: every requester drafts at once, then every requester presses Submit at once. */
async function round(h: H, level: number, base: number, out: { submit: number[]; intake: number[]; failures: string[]; numbers: Set<string>; clashes: number }): Promise<void> {
  const drafts = await Promise.all(Array.from({ length: level }, (_, i) => draft(h, as(`Bench Requester ${i + 1}`), base + i)));
  await Promise.all(
    drafts.map(async (d) => {
      if (typeof d === 'string') {
        out.failures.push(`${d}${loggedCause(h, d)}`);
        return;
      }
      const started = process.hrtime.bigint();
      const outcome = await h.send({ type: 'action', action: d.action, value: d.value }, d.who);
      const ms = elapsed(started);
      const receipt = first(outcome);
      const number = /CHG-\d{6}/.exec(receipt?.summary ?? '')?.[0];
      if (!number) out.failures.push(`submit: ${textOf(receipt ?? outcome.update).slice(0, 160)}${loggedCause(h, textOf(receipt))}`);
      else if (out.numbers.has(number)) out.failures.push(`submit: ${number} handed out twice`);
      else out.numbers.add(number);
      if (d.clash) out.clashes += 1;
      out.submit.push(ms);
      out.intake.push(d.formMs + ms);
    }),
  );
}

/** The irreducible store work of `samples` submits, `level` at a time: insert the record, append its event. */
async function baseline(h: H, level: number, samples: number): Promise<number[]> {
  const org = h.services.org;
  const changes = h.services.store.collection(COLLECTIONS.changes);
  const actor = { id: 'bench-baseline', name: 'Bench Baseline', channel: 'webchat' as const };
  const latencies: number[] = [];
  let number = 900_000;
  for (let done = 0; done < samples; done += level) {
    const batch: Change[] = Array.from({ length: Math.min(level, samples - done) }, () => {
      number += 1;
      const { services, start, end } = requestWindow(org, h.clock.now(), number);
      return createChange(
        {
          type: 'normal',
          title: `Baseline ${number}`,
          services,
          reason: 'Vendor security patches (bench).',
          implementationPlan: 'Fail over, patch, fail back.',
          backoutPlan: 'Restore the snapshots.',
          testPlan: 'Smoke tests.',
          plannedStart: start,
          plannedEnd: end,
          riskAnswers: riskAnswers(org, number % 2 === 0 ? 'lowest' : 'highest'),
        },
        { number, now: h.clock.now(), requester: actor, organisation: org },
      );
    });
    await Promise.all(
      batch.map(async (change) => {
        const started = process.hrtime.bigint();
        await changes.insertOne({ ...change, version: 1, intakeKey: randomUUID() });
        await h.services.audit.append({
          at: h.clock.now(),
          actor: { id: actor.id, name: actor.name, channel: actor.channel },
          action: 'change.created',
          record: { kind: 'change', id: change.id },
          after: { ...changeSnapshot(change), title: change.title, requester: change.requester.id },
          clause: '8.5.1',
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
export async function measureChangeLevel(storeName: string, level: number, openStore: () => Promise<DocumentStore | null>): Promise<ChangeLatencyRow> {
  const store = await openStore();
  const h = await changeHarness(store ? { store } : {});
  try {
    const warm = { submit: [] as number[], intake: [] as number[], failures: [] as string[], numbers: new Set<string>(), clashes: 0 };
    const out = { submit: [] as number[], intake: [] as number[], failures: [] as string[], numbers: warm.numbers, clashes: 0 };
    let n = 0;
    for (let r = 0; r < WARMUP_ROUNDS; r++, n += level) await round(h, level, n, warm);
    for (let r = 0; r < (ROUNDS[level] ?? 10); r++, n += level) await round(h, level, n, out);
    const base = await baseline(h, level, out.submit.length);
    return {
      store: storeName,
      level,
      samples: out.submit.length,
      submitP50: percentile(out.submit, 50),
      submitP99: percentile(out.submit, 99),
      intakeP50: percentile(out.intake, 50),
      intakeP99: percentile(out.intake, 99),
      baseP50: percentile(base, 50),
      baseP99: percentile(base, 99),
      failures: [...warm.failures.map((f) => `(warm-up) ${f}`), ...out.failures],
      clashWarnings: out.clashes,
    };
  } finally {
    await h.close();
    if (store) await store.close();
  }
}
