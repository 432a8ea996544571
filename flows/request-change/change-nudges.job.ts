/**
 * `change-nudges`: what a change waits on, derived from the records on every sweep (never from timers in memory,
 * so a restart loses nothing): approvers who have not decided are reminded every `approvalReminders.every`, the
 * change managers are told once when a change is still undecided `escalateBefore` its planned start, the
 * implementer gets the Started / Done / Failed card once at the planned start, and a requester who owes a
 * post-implementation review is reminded once a day until it is written. Every message carries an idempotency key
 * (change, reminder number or day, person): an overlapping run, a retry or a second replica sends nothing twice.
 * Reminders wait for the recipient's working hours. Each query is on the (status, plannedStart) index and reads
 * only changes in the states that need something: the cost follows what is due, not the size of the register.
 */
import { pendingApprovers } from '../../src/domain/change-approval';
import { dueApprovalNudges } from '../../src/domain/change-reminders';
import { isWorkingTime } from '../../src/domain/business-hours';
import type { Change } from '../../src/domain/change';
import { localIsoDate } from '../../src/domain/dates';
import type { JobDefinition } from '../../src/engine/scheduler';
import type { Services } from '../../src/engine/services';
import { tell } from '../shared/actors';
import { createChangeRepository } from './change.repository';
import { calendarOf, timeZoneOf } from '../shared/people';
import { nudgeImplementer, nudgeReviewer } from './implementation';
import { approvalCard, escalationMessage } from './request-change.messages';

const DAY_MS = 86_400_000;

/** Changes in `status` (planned to start by `plannedBefore`), by planned start: the (status, plannedStart) index. */
async function changesIn(services: Services, status: readonly Change['status'][], plannedBefore?: Date): Promise<Change[]> {
  const found = await createChangeRepository(services).find(
    { status: { $in: [...status] }, ...(plannedBefore ? { plannedStart: { $lte: plannedBefore } } : {}) },
    { sort: { plannedStart: 1 }, limit: 1000 },
  );
  return found.map((stored) => stored.record);
}

/** What one sweep sent (a key already used sends nothing and is not counted). */
export interface NudgeSweep {
  reminders: number;
  escalations: number;
  implementers: number;
  reviews: number;
}

/** One sweep at `now`. */
export async function sweepChangeNudges(services: Services, now: Date): Promise<NudgeSweep> {
  const { org } = services;
  const result: NudgeSweep = { reminders: 0, escalations: 0, implementers: 0, reviews: 0 };
  const inHours = (person: string) => isWorkingTime(now, calendarOf(services, person));

  for (const change of await changesIn(services, ['submitted', 'assessed'])) {
    for (const nudge of dueApprovalNudges(change, org, now)) {
      for (const person of nudge.to) {
        if (!inHours(person)) continue;
        const zone = timeZoneOf(services, person);
        const message =
          nudge.kind === 'reminder'
            ? approvalCard(org, change, zone, { reminder: Number(nudge.key.split(':').at(-1)) })
            : escalationMessage(org, change, zone, pendingApprovers(change, org));
        if (await tell(services, person, message, `${nudge.key}:to:${person}`)) result[nudge.kind === 'reminder' ? 'reminders' : 'escalations']++;
      }
    }
  }

  // At the planned start the implementer is asked how it goes (once; the card stays until they answer).
  for (const change of await changesIn(services, ['approved', 'scheduled'], now)) {
    if (await nudgeImplementer(services, change)) result.implementers++;
  }

  // Reviews owed: a day after the outcome, then daily, within the requester's working hours.
  for (const change of await changesIn(services, ['implemented', 'failed', 'backed_out'])) {
    if (change.review || !change.outcome || now.getTime() - change.outcome.at.getTime() < DAY_MS) continue;
    if (change.status === 'implemented' && change.type !== 'emergency') continue;
    if (!inHours(change.requester.id)) continue;
    if (await nudgeReviewer(services, change, localIsoDate(now, timeZoneOf(services, change.requester.id)))) result.reviews++;
  }
  return result;
}

/** The job definition, run every five minutes under the engine's lease. */
export function changeNudgesJob(services: Services): JobDefinition {
  return {
    name: 'change-nudges',
    description: 'Reminds approvers of undecided changes, escalates late decisions to the change managers, asks implementers at the planned start, and nudges owed post-implementation reviews — once each.',
    schedule: '*/5 * * * *',
    leaseSeconds: 300,
    async run({ now }) {
      const r = await sweepChangeNudges(services, now);
      return { summary: `${r.reminders} approval reminders, ${r.escalations} escalations, ${r.implementers} implementer cards, ${r.reviews} review nudges`, counts: { ...r } };
    },
  };
}
