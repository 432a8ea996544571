/**
 * The checks a change window gets when it is submitted (clause 8.5.1, ISO20000.md): freeze windows from the
 * organisation file (blocking, except for an emergency change, which is let through with the freeze's reason
 * shown), clashes with other changes on the same service at the same time, and the services' maintenance windows.
 *
 * Pure: the repository fetches the candidate clashes (by service and time, on an index) and hands them in as
 * `others`; everything here is re-checked, so it does not matter how wide that query was. Times are instants;
 * maintenance windows are weekly local times, turned into instants day by day with luxon, so 02:00 stays 02:00
 * across a change of clocks.
 */
import { DateTime } from 'luxon';
import { WEEKDAYS, type Weekday } from './business-hours';
import type { Change, ChangeStatus, ChangeType } from './change';
import type { FreezeWindow, MaintenanceWindow, Organisation, Service } from './organisation';

/** States in which a change holds its window on the schedule, so another change then and there clashes. */
export const CLASH_STATUSES = ['submitted', 'assessed', 'approved', 'scheduled', 'implementing'] as const satisfies readonly ChangeStatus[];

/** A period of time, `[start, end)`. */
export interface TimeSpan {
  start: Date;
  end: Date;
}

/** What is checked: a change being requested or moved (`id` set when it exists, so it never clashes with itself). */
export interface ScheduleCandidate {
  id?: string;
  type: ChangeType;
  services: readonly string[];
  plannedStart: Date;
  plannedEnd: Date;
}

/** A freeze window the candidate falls in; `blocking` is false only for an emergency change. */
export interface FreezeFinding {
  window: FreezeWindow;
  blocking: boolean;
  /** The candidate's services the freeze covers. */
  services: string[];
}

/** Another change holding an overlapping window on a shared service. */
export interface Clash {
  changeId: string;
  title: string;
  status: ChangeStatus;
  /** The services both changes touch. */
  services: string[];
  start: Date;
  end: Date;
}

/** A service with maintenance windows that the candidate does not fit inside. */
export interface MaintenanceFinding {
  serviceId: string;
  serviceName: string;
  /** Each window in words: `Sun 02:00–06:00 (Europe/London)`. */
  windows: string[];
  /** The next window (from `now`) long enough for the change, if one comes within eight weeks. */
  next?: TimeSpan;
}

/** Everything the checks found; `blocked` means the change may not be submitted as it is. */
export interface ScheduleCheck {
  freezes: FreezeFinding[];
  clashes: Clash[];
  outsideMaintenance: MaintenanceFinding[];
  blocked: boolean;
  /**
   * Every finding as a sentence for the requester, the blocking ones (freezes) first, then what they may go ahead
   * with: a freeze an emergency change passes, clashes, maintenance windows. Empty when all is clear.
   */
  reasons: string[];
}

/** True when two periods share some time; touching (one ends as the other starts) is not overlapping. */
export function overlaps(a: TimeSpan, b: TimeSpan): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/**
 * The freeze windows overlapping `[start, end)`, earliest first; with `services`, only those freezing at least one
 * of them (a freeze without services freezes everything). For the schedule view and for {@link checkSchedule}.
 */
export function freezeWindowsDuring(
  org: Pick<Organisation, 'changes'>,
  start: Date,
  end: Date,
  services?: readonly string[],
): FreezeWindow[] {
  return org.changes.freezeWindows
    .filter((w) => overlaps(w, { start, end }))
    .filter((w) => services === undefined || frozenServices(w, services).length > 0)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

function frozenServices(window: FreezeWindow, services: readonly string[]): string[] {
  return window.services === undefined ? [...services] : services.filter((s) => window.services?.includes(s));
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The local wall-clock time `minutes` after midnight on `day` (24:00 is the next midnight). */
function wallClock(day: DateTime, minutes: number): DateTime {
  if (minutes >= 24 * 60) return day.plus({ days: 1 }).startOf('day');
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
}

/** The instants one weekly window covers that overlap `[from, to)`. */
function occurrencesOf(window: MaintenanceWindow, from: Date, to: Date): TimeSpan[] {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  const overnight = end <= start;
  const found: TimeSpan[] = [];
  // From the day before: an overnight window opened yesterday may still be open at `from`.
  let day = DateTime.fromJSDate(from, { zone: window.timeZone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromJSDate(to, { zone: window.timeZone }).startOf('day');
  for (; day <= last; day = day.plus({ days: 1 })) {
    if (!window.days.includes(WEEKDAYS[day.weekday - 1] as Weekday)) continue;
    // Each boundary is built from the local date and time, not by adding minutes, so a DST day keeps 02:00 at 02:00.
    const span = {
      start: wallClock(day, start).toJSDate(),
      end: wallClock(overnight ? day.plus({ days: 1 }) : day, end).toJSDate(),
    };
    if (overlaps(span, { start: from, end: to })) found.push(span);
  }
  return found;
}

/** Sorted, with touching or overlapping spans joined (Sat 22:00–24:00 and Sun 00:00–06:00 make one window). */
function merged(spans: TimeSpan[]): TimeSpan[] {
  const sorted = [...spans].sort((a, b) => a.start.getTime() - b.start.getTime());
  const out: TimeSpan[] = [];
  for (const span of sorted) {
    const previous = out.at(-1);
    if (previous && span.start.getTime() <= previous.end.getTime()) {
      if (span.end.getTime() > previous.end.getTime()) previous.end = span.end;
    } else {
      out.push({ ...span });
    }
  }
  return out;
}

/**
 * The service's maintenance windows as instants, for every occurrence overlapping `[start, end)`, earliest first,
 * adjoining windows joined. Empty when the service has none (then any time is its window).
 */
export function maintenanceWindowsDuring(service: Pick<Service, 'maintenanceWindows'>, start: Date, end: Date): TimeSpan[] {
  return merged(service.maintenanceWindows.flatMap((w) => occurrencesOf(w, start, end)));
}

/** True when `[start, end)` lies wholly inside one of the service's maintenance windows, or it has none. */
export function fitsMaintenanceWindow(service: Pick<Service, 'maintenanceWindows'>, start: Date, end: Date): boolean {
  if (service.maintenanceWindows.length === 0) return true;
  return maintenanceWindowsDuring(service, start, end).some(
    (w) => w.start.getTime() <= start.getTime() && w.end.getTime() >= end.getTime(),
  );
}

/** The first maintenance window starting at or after `from` that lasts at least `minutes`, within `weeks`. */
export function nextMaintenanceWindow(
  service: Pick<Service, 'maintenanceWindows'>,
  from: Date,
  minutes: number,
  weeks = 8,
): TimeSpan | undefined {
  const until = new Date(from.getTime() + weeks * 7 * 86_400_000);
  return maintenanceWindowsDuring(service, from, until).find(
    (w) => w.start.getTime() >= from.getTime() && w.end.getTime() - w.start.getTime() >= minutes * 60_000,
  );
}

const DAY_WORDS: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** A window in words: `Sat, Sun 22:00–02:00 (Europe/London)`. */
export function describeMaintenanceWindow(window: MaintenanceWindow): string {
  const days = WEEKDAYS.filter((d) => window.days.includes(d)).map((d) => DAY_WORDS[d]);
  return `${days.join(', ')} ${window.start}–${window.end} (${window.timeZone})`;
}

function when(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('ccc d LLL yyyy HH:mm');
}

function names(org: Pick<Organisation, 'services'>, ids: readonly string[]): string {
  return ids.map((id) => org.services.find((s) => s.id === id)?.name ?? id).join(', ');
}

/**
 * Checks a change window against the organisation's freezes and maintenance windows and against `others` (the
 * changes the repository found near it; any status, any time: those outside {@link CLASH_STATUSES}, without a
 * shared service or not overlapping are ignored here). Freezes block everything but an emergency change.
 * Sentences name times in `timeZone` (the reader's; default the organisation's); the structured findings carry
 * instants for a flow that words them itself.
 */
export function checkSchedule(
  candidate: ScheduleCandidate,
  ctx: { org: Organisation; now: Date; others: readonly Change[]; timeZone?: string },
): ScheduleCheck {
  const { org } = ctx;
  const zone = ctx.timeZone ?? org.timeZone;
  const span = { start: candidate.plannedStart, end: candidate.plannedEnd };
  const reasons: string[] = [];
  const warnings: string[] = [];

  const emergency = candidate.type === 'emergency';
  const freezes = freezeWindowsDuring(org, span.start, span.end, candidate.services).map((window) => ({
    window,
    blocking: !emergency,
    services: frozenServices(window, candidate.services),
  }));
  for (const f of freezes) {
    const period = `${when(f.window.start, zone)} – ${when(f.window.end, zone)} (${zone})`;
    const what = f.window.services === undefined ? 'all services' : names(org, f.services);
    if (f.blocking) {
      reasons.push(`${f.window.name}: changes to ${what} are frozen ${period}. ${f.window.reason}`);
    } else {
      warnings.push(`${f.window.name} (${period}) applies, but an emergency change may go ahead. ${f.window.reason}`);
    }
  }

  const clashes: Clash[] = ctx.others
    .filter((c) => c.id !== candidate.id && (CLASH_STATUSES as readonly string[]).includes(c.status))
    .filter((c) => overlaps(span, { start: c.plannedStart, end: c.plannedEnd }))
    .map((c) => ({
      changeId: c.id,
      title: c.title,
      status: c.status,
      services: c.services.filter((s) => candidate.services.includes(s)),
      start: c.plannedStart,
      end: c.plannedEnd,
    }))
    .filter((c) => c.services.length > 0)
    .sort((a, b) => a.start.getTime() - b.start.getTime() || a.changeId.localeCompare(b.changeId));
  for (const c of clashes) {
    warnings.push(`${c.changeId} "${c.title}" also changes ${names(org, c.services)} from ${when(c.start, zone)} to ${when(c.end, zone)}.`);
  }

  const minutes = (span.end.getTime() - span.start.getTime()) / 60_000;
  const outsideMaintenance: MaintenanceFinding[] = [];
  for (const id of candidate.services) {
    const service = org.services.find((s) => s.id === id);
    if (!service || fitsMaintenanceWindow(service, span.start, span.end)) continue;
    const next = nextMaintenanceWindow(service, ctx.now, minutes);
    const windows = service.maintenanceWindows.map(describeMaintenanceWindow);
    outsideMaintenance.push({ serviceId: id, serviceName: service.name, windows, ...(next ? { next } : {}) });
    const nextText = next ? ` The next one long enough starts ${when(next.start, zone)}.` : '';
    warnings.push(`${service.name} is changed in its maintenance window (${windows.join('; ')}); this change is outside it.${nextText}`);
  }

  return { freezes, clashes, outsideMaintenance, blocked: reasons.length > 0, reasons: [...reasons, ...warnings] };
}
