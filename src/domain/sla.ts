/**
 * Service level targets for one incident (clause 8.3.3): which targets apply (the priority's, overridden per
 * service) and which clock they count on (24x7, or the support team's business hours).
 */
import { ALWAYS_OPEN, slaDeadlines, type Calendar, type SlaTargets } from './business-hours';
import { notFound } from './errors';
import type { Organisation, Service } from './organisation';
import { priorityLevel } from './priority';

/** Targets and the calendar they count on. */
export interface AppliedTargets extends SlaTargets {
  priority: string;
  calendar: Calendar;
}

function serviceOf(org: Organisation, serviceId: string): Service {
  const service = org.services.find((s) => s.id === serviceId);
  if (!service) throw notFound(`a service called "${serviceId}"`, 'Pick one from the service catalogue.');
  return service;
}

/**
 * The calendar a priority's targets count on for a service: round the clock when either the priority's clock or
 * the service's support hours say 24x7 (a P1 on a business-hours service still runs overnight), otherwise the
 * support team's business hours.
 */
export function slaCalendarFor(org: Organisation, serviceId: string, priorityId: string): Calendar {
  const service = serviceOf(org, serviceId);
  const level = priorityLevel(org.priorities, priorityId);
  return level.clock === '24x7' ? ALWAYS_OPEN : service.calendar;
}

/** The targets for a priority on a service (service overrides win) and the calendar they count on. */
export function targetsFor(org: Organisation, serviceId: string, priorityId: string): AppliedTargets {
  const service = serviceOf(org, serviceId);
  const level = priorityLevel(org.priorities, priorityId);
  const override = service.targets[priorityId];
  return {
    priority: level.id,
    responseMinutes: override?.responseMinutes ?? level.responseMinutes,
    resolutionMinutes: override?.resolutionMinutes ?? level.resolutionMinutes,
    calendar: slaCalendarFor(org, serviceId, priorityId),
  };
}

/** Respond-by and resolve-by for a record of `priorityId` on `serviceId` raised at `createdAt`. */
export function deadlinesFor(
  org: Organisation,
  serviceId: string,
  priorityId: string,
  createdAt: Date,
): { respondBy: Date; resolveBy: Date } {
  const targets = targetsFor(org, serviceId, priorityId);
  return slaDeadlines({ createdAt, targets, calendar: targets.calendar });
}
