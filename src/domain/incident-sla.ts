/**
 * When an incident next needs the SLA watch's attention, so the sweep can ask the store for exactly the incidents
 * that are due (an indexed range query) instead of scanning every open incident or keeping timers in memory.
 * The instants match {@link dueSlaAlerts}: a warning when `warnAt` of the working time to a deadline has passed,
 * a breach at the deadline, each only until it is recorded on the incident.
 */
import { addWorkingMinutes, endOfWorkingDays, workingMinutesBetween, type Calendar } from './business-hours';
import { OPEN_INCIDENT_STATUSES, type Incident } from './incident';

/** The share of a target's working time after which the assignee and team lead are warned. */
export const SLA_WARNING_POINT = 0.75;

/** Working days a resolved incident waits for the reporter's answer before it is closed automatically. */
export const AUTO_CLOSE_WORKING_DAYS = 3;

function isOpen(incident: Pick<Incident, 'status'>): boolean {
  return (OPEN_INCIDENT_STATUSES as readonly string[]).includes(incident.status);
}

/**
 * The earliest instant at which {@link dueSlaAlerts} will report something not yet recorded, or undefined when
 * nothing more can fall due (responded and resolved, closed, or only a paused resolution clock left).
 */
export function nextSlaAlertAt(incident: Incident, calendar: Calendar, warnAt = SLA_WARNING_POINT): Date | undefined {
  if (!isOpen(incident)) return undefined;
  const { sla } = incident;
  const instants: Date[] = [];
  const consider = (target: 'response' | 'resolution', deadline: Date): void => {
    if (sla.breaches.some((b) => b.target === target)) return;
    if (sla.warnings.some((w) => w.target === target)) {
      instants.push(deadline);
      return;
    }
    const total = workingMinutesBetween(incident.createdAt, deadline, calendar);
    const warning = addWorkingMinutes(incident.createdAt, total * warnAt, calendar);
    instants.push(warning.getTime() < deadline.getTime() ? warning : deadline);
  };
  if (!sla.respondedAt) consider('response', sla.respondBy);
  if (incident.status !== 'on_hold') consider('resolution', sla.resolveBy);
  if (instants.length === 0) return undefined;
  return new Date(Math.min(...instants.map((d) => d.getTime())));
}

/**
 * When a resolved incident the reporter has not answered is closed automatically: the end of the third working
 * day after the day it was resolved, in the reporter's own calendar. Undefined unless it is resolved.
 */
export function autoCloseDueAt(incident: Incident, reporterCalendar: Calendar, days = AUTO_CLOSE_WORKING_DAYS): Date | undefined {
  if (incident.status !== 'resolved' || !incident.resolution) return undefined;
  return endOfWorkingDays(incident.resolution.at, days, reporterCalendar);
}
