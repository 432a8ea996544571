/**
 * `improvement-nudges`: what the register's owners owe, derived from the records on every sweep (never from timers
 * in memory, so a restart loses nothing). Per open entry: a heads-up N days before its target date (the org file's
 * `nudges.headsUpDays`), a nudge on the day, then the escalation ladder once overdue (`nudges.escalation`: who
 * hears at each step). Only the latest stage reached is sent, each once per (entry, target date, stage, person)
 * under an idempotency key, so an overlapping run, a retry, a restart or a second replica sends nothing twice, and
 * a stage missed while the bot was down is sent by the next sweep. A deferral moves the target date, so the ladder
 * starts again. Messages wait for each recipient's working hours in their own zone; a snoozed entry waits until
 * its snooze ends. A person reachable on no channel is logged and returned, for the manager's digest to report.
 *
 * Cost: one query on (status, targetDate) for open entries whose target date lies between the ladder's last step
 * (plus {@link CATCH_UP_DAYS}) behind and the earliest heads-up ahead — what can be due, not the whole register.
 */
import { isWorkingTime } from '../../src/domain/business-hours';
import { addDays, localIsoDate } from '../../src/domain/dates';
import { OPEN_IMPROVEMENT_STATUSES } from '../../src/domain/improvement';
import { nudgeAudience, nudgeDue, nudgeRecipients, type NudgeDue } from '../../src/domain/nudges';
import type { NudgeSchedule } from '../../src/domain/organisation';
import type { MessageRef } from '../../src/domain/records';
import type { JobDefinition } from '../../src/engine/scheduler';
import type { Services } from '../../src/engine/services';
import { calendarOf } from '../shared/people';
import { cardFor, recordOnEntry, sendOnce, todayFor } from './cards';
import { KEYS, PURPOSES } from './improvement-actions.ids';
import { escalationMessage, nudgeHeader } from './improvement-actions.messages';
import { createImprovementRepository, type ImprovementRepository, type StoredImprovement } from './improvement.repository';

/**
 * How long after the ladder's last step an entry is still read: a sweep that was down for up to this many days
 * still sends the last step. Beyond it, an entry overdue for longer than the whole ladder has had every nudge
 * there is, and reading it again would only make the sweep grow with the backlog.
 */
export const CATCH_UP_DAYS = 7;

/** A nudge that could not be delivered to anyone: for the digest to report. */
export interface Unreachable {
  improvement: string;
  person: string;
  stage: string;
}

/** What one sweep did (a key already used sends nothing and is not counted). */
export interface ImprovementNudgeSweep {
  headsUps: number;
  dueToday: number;
  /** Overdue nudges to owners. */
  overdue: number;
  /** Overdue nudges to anyone else on the ladder (manager, manager's manager, process owner). */
  escalations: number;
  /** Nudges due but held for the recipient's working hours (sent by a later sweep). */
  outOfHours: number;
  /** Entries skipped because their owner snoozed them. */
  snoozed: number;
  /** Sends that failed (the notifier threw): the key is released, so the next sweep tries again. */
  failed: number;
  unreachable: Unreachable[];
}

/** The window of target dates that can be due on `today` (UTC date; a day either side for every zone). */
export function dueWindow(today: string, schedule: NudgeSchedule): { from: string; to: string } {
  const ahead = Math.max(0, ...schedule.headsUpDays);
  const behind = schedule.escalation.at(-1)?.afterDaysOverdue ?? 0;
  return { from: addDays(today, -(behind + CATCH_UP_DAYS + 1)), to: addDays(today, ahead + 1) };
}

function countSent(result: ImprovementNudgeSweep, due: NudgeDue, toOwner: boolean): void {
  if (due.kind === 'heads-up') result.headsUps++;
  else if (due.kind === 'due-today') result.dueToday++;
  else if (toOwner) result.overdue++;
  else result.escalations++;
}

/**
 * Each person's date and working time at the sweep's `now`, worked out once per sweep (time-zone arithmetic, the
 * largest CPU cost of a sweep when it was done per entry: bench/nudges.bench.ts).
 */
interface PeopleAtNow {
  today(personId: string): string;
  working(personId: string): boolean;
}

function peopleAt(services: Services, now: Date): PeopleAtNow {
  const today = new Map<string, string>();
  const working = new Map<string, boolean>();
  return {
    today(personId) {
      let date = today.get(personId);
      if (date === undefined) today.set(personId, (date = todayFor(services, personId, now)));
      return date;
    },
    working(personId) {
      let at = working.get(personId);
      if (at === undefined) working.set(personId, (at = isWorkingTime(now, calendarOf(services, personId))));
      return at;
    },
  };
}

/** What one sweep shares between its entries. */
interface Sweep {
  services: Services;
  now: Date;
  repo: ImprovementRepository;
  people: PeopleAtNow;
  result: ImprovementNudgeSweep;
}

/** What one entry owes now: the stage it has reached, and each send with its key (those in quiet hours left out). */
interface EntryNudges {
  stored: StoredImprovement;
  due: NudgeDue;
  sends: Array<{ person: string; key: string }>;
}

/** Works out what `stored` owes (null when nothing: snoozed, or no stage reached); counts what waits. */
function nudgesFor({ services, now, people, result }: Sweep, stored: StoredImprovement): EntryNudges | null {
  const { org } = services;
  const entry = stored.record;
  if (entry.snoozedUntil && entry.snoozedUntil.getTime() > now.getTime()) {
    result.snoozed++;
    return null;
  }
  // The stage follows the owner's calendar day: the entry is due on a day where its owner is.
  const due = nudgeDue(entry, people.today(entry.owner.id), org.nudges);
  if (!due) return null;
  const sends: EntryNudges['sends'] = [];
  for (const person of nudgeRecipients(entry, nudgeAudience(due), services.people.index)) {
    if (org.nudges.quietHours === 'working-hours' && !people.working(person)) {
      result.outOfHours++;
      continue;
    }
    sends.push({ person, key: KEYS.nudge(entry.id, entry.targetDate, due.stage, person) });
  }
  return { stored, due, sends };
}

/**
 * Sends an entry's nudges, except those `sentBefore` holds (sent by an earlier sweep: no card is rendered for
 * them); records what was sent on the entry (audited).
 */
async function nudgeEntry(sweep: Sweep, { stored, due, sends }: EntryNudges, sentBefore: ReadonlySet<string>): Promise<void> {
  const { services, now, repo, people, result } = sweep;
  const entry = stored.record;
  const refs: MessageRef[] = [];
  const sentTo: string[] = [];
  for (const { person, key } of sends) {
    if (sentBefore.has(key)) continue;
    const toOwner = person === entry.owner.id;
    const today = people.today(person);
    const message = toOwner || due.kind !== 'escalation' ? cardFor(services, entry, person, nudgeHeader(due, entry), today) : escalationMessage(services.org, entry, due, today);
    const sent = await sendOnce(services, stored, person, message, key, toOwner ? PURPOSES.owner : 'escalation');
    if (!sent.result) {
      result.failed++;
      continue;
    }
    if (sent.result.duplicate) continue;
    if (sent.result.unreachable.includes(person)) {
      services.logger.warn({ improvement: entry.id, person, stage: due.stage }, 'nudge recipient is reachable on no channel');
      result.unreachable.push({ improvement: entry.id, person, stage: due.stage });
      // Kept on the entry (audited) for the manager's weekly digest (digest.job.ts); a failed note is logged only.
      await repo
        .noteUnreachable(entry.id, { person, stage: due.stage, targetDate: entry.targetDate, at: now })
        .catch((error: unknown) => services.logger.error({ err: error, improvement: entry.id, person }, 'unreachable note could not be kept'));
      continue;
    }
    countSent(result, due, toOwner);
    sentTo.push(person);
    if (toOwner) refs.push(...sent.refs);
  }
  if (sentTo.length > 0) await recordOnEntry(services, stored, refs, 'improvement.nudged', { stage: due.stage, to: sentTo }, repo);
}

/**
 * Entries are taken {@link BATCH} at a time: one look-up finds which of their nudges went out already (a sweep
 * right after another renders and claims nothing), then up to {@link WORKERS} entries are nudged at once — a send
 * to a chat platform waits on the network, and a sweep of thousands must not wait for them one by one. Each key
 * is still claimed before its send (`notify`), so entries nudged side by side cannot double a nudge.
 */
const BATCH = 500;
const WORKERS = 8;

/** The keys among `nudges` sent before; none when the look-up fails (each send is still guarded by its key). */
async function sentBefore(services: Services, nudges: readonly EntryNudges[]): Promise<Set<string>> {
  try {
    return await services.notifier.sentBefore(nudges.flatMap((n) => n.sends.map((s) => s.key)));
  } catch (error) {
    services.logger.warn({ err: error }, 'could not look up which nudges were sent; each is checked as it is sent');
    return new Set();
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachConcurrently<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** One sweep at `now`. One entry failing (a bad record, a store hiccup) does not stop the others. */
export async function sweepImprovementNudges(services: Services, now: Date): Promise<ImprovementNudgeSweep> {
  const result: ImprovementNudgeSweep = { headsUps: 0, dueToday: 0, overdue: 0, escalations: 0, outOfHours: 0, snoozed: 0, failed: 0, unreachable: [] };
  const repo = createImprovementRepository(services);
  const sweep: Sweep = { services, now, repo, people: peopleAt(services, now), result };
  const { from, to } = dueWindow(localIsoDate(now, 'UTC'), services.org.nudges);
  const candidates = await repo.listTargetBetween(OPEN_IMPROVEMENT_STATUSES, from, to);
  const failed = (stored: StoredImprovement, error: unknown) => {
    result.failed++;
    services.logger.error({ err: error, improvement: stored.record.id }, 'improvement nudge failed; the next sweep tries again');
  };
  for (let at = 0; at < candidates.length; at += BATCH) {
    const nudges = candidates.slice(at, at + BATCH).flatMap((stored) => {
      try {
        return nudgesFor(sweep, stored) ?? [];
      } catch (error) {
        failed(stored, error);
        return [];
      }
    });
    const sent = await sentBefore(services, nudges);
    await eachConcurrently(nudges, WORKERS, (n) => nudgeEntry(sweep, n, sent).catch((error: unknown) => failed(n.stored, error)));
  }
  return result;
}

/** The job definition, run every ten minutes under the engine's lease. */
export function improvementNudgesJob(services: Services): JobDefinition {
  return {
    name: 'improvement-nudges',
    description: 'Heads-ups before improvement and corrective actions fall due, a nudge on the day, then the escalation ladder once overdue — once each, in each recipient’s working hours.',
    schedule: '*/10 * * * *',
    leaseSeconds: 300,
    async run({ now }) {
      const r = await sweepImprovementNudges(services, now);
      const { unreachable, ...counts } = r;
      return {
        summary: `${r.headsUps} heads-ups, ${r.dueToday} due today, ${r.overdue} overdue, ${r.escalations} escalations, ${r.outOfHours} waiting for working hours, ${unreachable.length} unreachable, ${r.failed} failed`,
        counts: { ...counts, unreachable: unreachable.length },
      };
    },
  };
}
