/**
 * Where a person's time lives: the organisation file's calendar and zone for listed people, the organisation's
 * for everyone else (staff known only by their chat profile).
 */
import type { Calendar } from '../../src/domain/business-hours';
import type { Services } from '../../src/engine/services';

/** The person's working calendar (auto-close counts their working days). */
export function calendarOf(services: Services, personId: string): Calendar {
  return services.people.person(personId)?.calendar ?? services.org.calendar;
}

/** The zone times are shown to the person in. */
export function timeZoneOf(services: Services, personId: string): string {
  return services.people.person(personId)?.timeZone ?? services.org.timeZone;
}
