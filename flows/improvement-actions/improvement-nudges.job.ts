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
import { createImprovementRepository, type StoredImprovement } from './improvement.repository';

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

/** Nudges one entry's recipients for the stage it has reached; records what was sent on the entry (audited). */
async function nudgeEntry(services: Services, stored: StoredImprovement, now: Date, result: ImprovementNudgeSweep, people: PeopleAtNow): Promise<void> {
  const { org } = services;
  const entry = stored.record;
  if (entry.snoozedUntil && entry.snoozedUntil.getTime() > now.getTime()) {
    result.snoozed++;
    return;
  }
  // The stage follows the owner's calendar day: the entry is due on a day where its owner is.
  const due = nudgeDue(entry, people.today(entry.owner.id), org.nudges);
  if (!due) return;
  const refs: MessageRef[] = [];
  const sentTo: string[] = [];
  for (const person of nudgeRecipients(entry, nudgeAudience(due), services.people.index)) {
    if (org.nudges.quietHours === 'working-hours' && !people.working(person)) {
      result.outOfHours++;
      continue;
    }
    const toOwner = person === entry.owner.id;
    const message = toOwner || due.kind !== 'escalation' ? cardFor(services, entry, person, nudgeHeader(due, entry)) : escalationMessage(org, entry, due, people.today(person));
    const sent = await sendOnce(services, stored, person, message, KEYS.nudge(entry.id, entry.targetDate, due.stage, person), toOwner ? PURPOSES.owner : 'escalation');
    if (!sent.result) {
      result.failed++;
      continue;
    }
    if (sent.result.duplicate) continue;
    if (sent.result.unreachable.includes(person)) {
      services.logger.warn({ improvement: entry.id, person, stage: due.stage }, 'nudge recipient is reachable on no channel');
      result.unreachable.push({ improvement: entry.id, person, stage: due.stage });
      // Kept on the entry (audited) for the manager's weekly digest (digest.job.ts); a failed note is logged only.
      await createImprovementRepository(services)
        .noteUnreachable(entry.id, { person, stage: due.stage, targetDate: entry.targetDate, at: now })
        .catch((error: unknown) => services.logger.error({ err: error, improvement: entry.id, person }, 'unreachable note could not be kept'));
      continue;
    }
    countSent(result, due, toOwner);
    sentTo.push(person);
    if (toOwner) refs.push(...sent.refs);
  }
  if (sentTo.length > 0) await recordOnEntry(services, stored, refs, 'improvement.nudged', { stage: due.stage, to: sentTo });
}

/** One sweep at `now`. One entry failing (a bad record, a store hiccup) does not stop the others. */
export async function sweepImprovementNudges(services: Services, now: Date): Promise<ImprovementNudgeSweep> {
  const result: ImprovementNudgeSweep = { headsUps: 0, dueToday: 0, overdue: 0, escalations: 0, outOfHours: 0, snoozed: 0, failed: 0, unreachable: [] };
  const { from, to } = dueWindow(localIsoDate(now, 'UTC'), services.org.nudges);
  const candidates = await createImprovementRepository(services).listTargetBetween(OPEN_IMPROVEMENT_STATUSES, from, to);
  const people = peopleAt(services, now);
  for (const stored of candidates) {
    try {
      await nudgeEntry(services, stored, now, result, people);
    } catch (error) {
      result.failed++;
      services.logger.error({ err: error, improvement: stored.record.id }, 'improvement nudge failed; the next sweep tries again');
    }
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
