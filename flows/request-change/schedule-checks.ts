/**
 * The schedule checks a change goes through before it is submitted (and again at the moment it is): freeze
 * windows, clashes with other changes holding a window on the same services, and the services' maintenance
 * windows. The rules are the domain's (change-schedule.ts); this file fetches the candidates and words the result.
 */
import type { Change } from '../../src/domain/change';
import { checkSchedule } from '../../src/domain/change-schedule';
import type { Services } from '../../src/engine/services';
import type { ChangeRepository } from './change.repository';
import type { ScheduleFindings } from './request-change.messages';

/**
 * What the checks found for a change not yet stored (a draft's preview: its number is a placeholder, so no other
 * change is mistaken for it), worded for the requester.
 */
export async function scheduleFindings(services: Services, repo: ChangeRepository, draft: Change, zone: string): Promise<ScheduleFindings> {
  const { type, services: touched, plannedStart, plannedEnd } = draft;
  const others = await repo.listOverlapping(touched, plannedStart, plannedEnd);
  const result = checkSchedule({ type, services: touched, plannedStart, plannedEnd }, { org: services.org, now: services.clock.now(), others, timeZone: zone });
  return { blocked: result.blocked, lines: result.reasons };
}
