/**
 * `improvement-digest`: the weekly digest to each manager of the improvement actions in their area (the members of
 * the teams they manage and their direct reports, from roles.ts; plus entries that name them as manager): overdue
 * ones oldest first, how many fall due in the next 7 days, and who the bot could not reach about them.
 *
 * When: at the organisation file's `nudges.digest` weekday and time in each manager's own zone (mon 09:00 is
 * 09:00 in London, New York and Adelaide alike). The job runs every 15 minutes; a manager is due once their local
 * moment of the current ISO week has passed (a bot that was down catches up later that week), within their working
 * hours when `quietHours` is `working-hours`, and only once per ISO week: the notifier's idempotency key is
 * (manager, ISO week), so two runs, a restart or two replicas never send it twice, and a send that failed is tried
 * again by the next run. A week with nothing to say (nothing overdue, nothing due, nobody unreachable) sends
 * nothing — see {@link sweepImprovementDigest}. A week whose moment falls outside the manager's working hours
 * until the week ends (a holiday Friday digest) is not caught up: the next week's digest says it all again.
 *
 * Who could not be reached: the nudge sweep notes each nudge that reached nobody on the entry's document
 * (`unreachable[]`, audited as `improvement.unreachable`); a digest reports the notes since the previous week's
 * moment on entries in the area, so each lands in one digest and the record keeps them all as evidence.
 *
 * Cost: while nobody is due a run reads no register at all (one idempotency look-up per manager whose moment has
 * passed). When someone is due, one query on (status, targetDate) for open entries due by the end of the coming
 * week (or the longest heads-up), shared by every manager due in that run: what is overdue or due soon, never the
 * closed history.
 */
import { DateTime } from 'luxon';
import { isWorkingTime } from '../../src/domain/business-hours';
import { addDays, daysBetween, localIsoDate } from '../../src/domain/dates';
import { daysOverdue, OPEN_IMPROVEMENT_STATUSES } from '../../src/domain/improvement';
import { nextDigestAt } from '../../src/domain/nudges';
import type { NudgeSchedule } from '../../src/domain/organisation';
import type { ActionEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import type { JobDefinition } from '../../src/engine/scheduler';
import type { Services } from '../../src/engine/services';
import { calendarOf, timeZoneOf } from '../shared/people';
import { DIGEST_DAYS_AHEAD, digestMessage, hasNews, type DigestContent, type DigestUnreachable } from './digest.messages';
import { createImprovementRepository, type StoredImprovementWithNotes } from './improvement.repository';
import { showImprovement } from './lookup';
import { nameOf, reportsOf } from './roles';

/** The digest's idempotency key: one per manager and ISO week (`2026-W11`, in the manager's zone). */
export function digestKey(managerId: string, isoWeek: string): string {
  return `improvement:digest:${managerId}:${isoWeek}`;
}

/** How far ahead the digest reads: the coming 7 days, and far enough for every heads-up's unreachable notes. */
function daysAhead(schedule: NudgeSchedule): number {
  return Math.max(DIGEST_DAYS_AHEAD - 1, ...schedule.headsUpDays);
}

/** The ISO week `now` falls in where the manager is, and that week's digest moment. */
export function digestWeek(now: Date, timeZone: string, digest: NudgeSchedule['digest']): { isoWeek: string; moment: Date; previous: Date } {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  const weekStart = local.startOf('week'); // ISO weeks: Monday 00:00 local
  const moment = nextDigestAt(new Date(weekStart.toMillis() - 1), timeZone, digest);
  const previous = DateTime.fromJSDate(moment, { zone: timeZone }).minus({ weeks: 1 }).toJSDate();
  return { isoWeek: local.toFormat("kkkk-'W'WW"), moment, previous };
}

/** Everyone who gets a digest: each team's manager and everyone who is someone's line manager (the file's order). */
export function digestRecipients(services: Services): string[] {
  const { org } = services;
  const ids = [...org.teams.map((t) => t.manager), ...org.people.map((p) => p.manager).filter((m): m is string => m !== undefined)];
  return [...new Set(ids)].filter((id) => services.people.person(id) !== undefined);
}

/** What one run did. */
export interface ImprovementDigestSweep {
  /** Digests sent in this run. */
  sent: number;
  /** Managers due whose area had nothing to report: nothing sent, the week counted as done. */
  nothingToReport: number;
  /** Managers whose moment has passed but who are outside their working hours: a later run sends it. */
  outOfHours: number;
  /** Managers reachable on no channel: logged (their week counts as done, like any unreachable nudge). */
  unreachable: string[];
  /** Sends that failed (the notifier threw): the week is not done, the next run tries again. */
  failed: number;
}

export interface DueManager {
  id: string;
  zone: string;
  today: string;
  isoWeek: string;
  /** Unreachable notes since this instant (last week's digest moment) are reported: each lands in one digest. */
  since: Date;
}

/** The digest for one manager from the run's shared candidates. */
export function digestFor(services: Services, manager: DueManager, candidates: readonly StoredImprovementWithNotes[]): DigestContent {
  const area = new Set(reportsOf(services, manager.id));
  const mine = candidates.filter((c) => c.record.owner.id !== manager.id && (area.has(c.record.owner.id) || c.record.manager?.id === manager.id));
  const overdue = mine
    .map((c) => c.record)
    .filter((e) => daysOverdue(e, manager.today) > 0)
    .sort((a, b) => a.targetDate.localeCompare(b.targetDate) || a.id.localeCompare(b.id));
  const dueSoon = mine.map((c) => c.record).filter((e) => {
    const left = daysBetween(manager.today, e.targetDate);
    return left >= 0 && left < DIGEST_DAYS_AHEAD;
  });
  const byPerson = new Map<string, DigestUnreachable>();
  for (const c of mine) {
    for (const note of c.unreachable) {
      if (note.person === manager.id || note.at.getTime() < manager.since.getTime()) continue;
      const person = byPerson.get(note.person) ?? { name: nameOf(services, note.person), notes: [] };
      person.notes.push({ improvement: c.record.id, stage: note.stage, at: localIsoDate(note.at, manager.zone) });
      byPerson.set(note.person, person);
    }
  }
  const unreachable = [...byPerson.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { today: manager.today, overdue, dueSoon, unreachable };
}

/**
 * One run at `now`. Nothing is sent to a manager whose area has nothing to report: the digest is an exception
 * report, and a weekly "all clear" to every manager — most of whom own no register entries in a given week —
 * would teach people to skip the bot's messages, the overdue ones included. The run's counts say how many had
 * nothing to report, and `actions` shows a manager their team's list whenever they ask.
 */
export async function sweepImprovementDigest(services: Services, now: Date): Promise<ImprovementDigestSweep> {
  const { org } = services;
  const result: ImprovementDigestSweep = { sent: 0, nothingToReport: 0, outOfHours: 0, unreachable: [], failed: 0 };
  const due: DueManager[] = [];
  for (const id of digestRecipients(services)) {
    const zone = timeZoneOf(services, id);
    const week = digestWeek(now, zone, org.nudges.digest);
    if (now.getTime() < week.moment.getTime()) continue;
    const record = await services.idempotency.get(digestKey(id, week.isoWeek));
    if (record?.state === 'done') continue;
    if (org.nudges.quietHours === 'working-hours' && !isWorkingTime(now, calendarOf(services, id))) {
      result.outOfHours++;
      continue;
    }
    due.push({ id, zone, today: localIsoDate(now, zone), isoWeek: week.isoWeek, since: week.previous });
  }
  if (due.length === 0) return result;

  const latest = due.map((m) => m.today).sort().at(-1) as string;
  const candidates = await createImprovementRepository(services).listDueByWithNotes(OPEN_IMPROVEMENT_STATUSES, addDays(latest, daysAhead(org.nudges)));
  for (const manager of due) {
    const key = digestKey(manager.id, manager.isoWeek);
    // The notifier's key makes the digest exactly once; `week done` (below) only spares later runs the read.
    const weekDone = () => services.idempotency.once(key, async () => ({ at: now }), { now });
    try {
      const content = digestFor(services, manager, candidates);
      if (!hasNews(content)) {
        await weekDone();
        result.nothingToReport++;
        continue;
      }
      const sent = await services.notifier.notify({ person: manager.id }, digestMessage(content), { key });
      // Neither delivered nor unreachable: another run is sending it right now; the next run looks again.
      if (sent.deliveries.length === 0 && sent.unreachable.length === 0) continue;
      await weekDone();
      // A duplicate: sent by an earlier run (that stopped before marking its week done).
      if (sent.duplicate) continue;
      if (sent.unreachable.includes(manager.id)) {
        services.logger.warn({ manager: manager.id, week: manager.isoWeek }, 'improvement digest: the manager is reachable on no channel');
        result.unreachable.push(manager.id);
      } else result.sent++;
    } catch (error) {
      result.failed++;
      services.logger.error({ err: error, manager: manager.id, week: manager.isoWeek }, 'improvement digest failed; the next run tries again');
    }
  }
  return result;
}

/** The digest's Open button: the entry's card for whoever pressed it (route `open` to this in the flow). */
export function openFromDigest(turn: Turn<ActionEvent>): Promise<Reply> {
  return showImprovement(turn, turn.event.value ?? '');
}

/** The job definition, run every 15 minutes under the engine's lease. */
export function improvementDigestJob(services: Services): JobDefinition {
  return {
    name: 'improvement-digest',
    description: 'The weekly digest to each manager of overdue improvement actions in their area, what falls due in the next 7 days and who could not be reached — at the configured weekday and time in each manager’s zone, once a week.',
    schedule: '*/15 * * * *',
    leaseSeconds: 300,
    async run({ now }) {
      const r = await sweepImprovementDigest(services, now);
      return {
        summary: `${r.sent} digests sent, ${r.nothingToReport} managers with nothing to report, ${r.outOfHours} waiting for working hours, ${r.unreachable.length} unreachable, ${r.failed} failed`,
        counts: { sent: r.sent, nothingToReport: r.nothingToReport, outOfHours: r.outOfHours, unreachable: r.unreachable.length, failed: r.failed },
      };
    },
  };
}
