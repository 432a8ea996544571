/**
 * How durations, targets and an incident's words read to a person: in words rather than `4h`. Shared by every
 * message of the flow; times and service names come from flows/shared/format.ts.
 */
import type { Calendar } from '../../src/domain/business-hours';
import type { Incident, ResolutionCode } from '../../src/domain/incident';
import { incidentLifecycle } from '../../src/domain/incident';
import type { Organisation } from '../../src/domain/organisation';
import { targetsFor } from '../../src/domain/sla';


/** `15 minutes`, `1 hour`, `1 hour 30 minutes`. */
export function durationWords(minutes: number): string {
  const whole = Math.round(minutes);
  const hours = Math.floor(whole / 60);
  const mins = whole % 60;
  const parts = [hours > 0 ? `${hours} ${hours === 1 ? 'hour' : 'hours'}` : '', mins > 0 || hours === 0 ? `${mins} ${mins === 1 ? 'minute' : 'minutes'}` : ''];
  return parts.filter(Boolean).join(' ');
}

/** `4 working hours` on a business calendar, `4 hours` round the clock. */
export function targetWords(minutes: number, calendar: Calendar): string {
  const words = durationWords(minutes);
  return calendar.kind === '24x7' ? words : words.replace(/(hours?|minutes?)$/, 'working $1');
}

/** The priority's label from the organisation file (`P2 high`), or its id. */
export function priorityLabel(org: Organisation, priority: string): string {
  return org.priorities.levels.find((l) => l.id === priority)?.label ?? priority;
}

/** Response and resolution targets in words, for a service and priority. */
export function targetPhrases(org: Organisation, service: string, priority: string): { respond: string; resolve: string } {
  const targets = targetsFor(org, service, priority);
  return { respond: targetWords(targets.responseMinutes, targets.calendar), resolve: targetWords(targets.resolutionMinutes, targets.calendar) };
}

/** The state as it reads in a sentence: `in progress`, `on hold`. */
export function statusWords(status: Incident['status']): string {
  return incidentLifecycle.stateLabel(status);
}

/** Resolution codes in words people use. */
export const RESOLUTION_WORDS: Record<ResolutionCode, string> = {
  fixed: 'Fixed',
  workaround: 'Workaround in place',
  no_fault_found: 'No fault found',
  user_guidance: 'Advice given',
  duplicate: 'Duplicate of another incident',
  logged_in_error: 'Logged in error',
  referred_to_change: 'Needs a change (referred)',
};


/** The team's name, or its id. */
export function teamName(org: Organisation, team: string): string {
  return org.teams.find((t) => t.id === team)?.name ?? team;
}

/** The zone a team card shows times in: the team's own calendar, else the organisation's. */
export function teamTimeZone(org: Organisation, team: string): string {
  const hours = org.teams.find((t) => t.id === team)?.supportHours;
  return hours?.kind === 'business' ? hours.timeZone : org.timeZone;
}
