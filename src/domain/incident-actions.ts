/**
 * What can happen to an incident after it is raised. Each function is pure: it takes the incident, who acts and
 * when, checks the lifecycle (throwing a worded {@link InvalidTransitionError}), and returns a new incident with
 * the change recorded in its history — the evidence an auditor reads for clause 8.6.1.
 */
import { addWorkingMinutes, slaProgress, workingMinutesBetween, type Calendar } from './business-hours';
import { DomainError, notAllowed } from './errors';
import { incidentLifecycle, OPEN_INCIDENT_STATUSES, type Incident, type IncidentUpdate, type ResolutionCode } from './incident';
import { hasRole, isTeamMember, type OrganisationIndex } from './organisation';
import type { PersonRef } from './records';

/** Who acts and when: every change needs both. */
export interface ActionContext {
  actor: PersonRef;
  now: Date;
}

function statusNote(actor: PersonRef, now: Date, text: string): IncidentUpdate {
  return { at: now, by: actor, text, kind: 'status' };
}

function changed(incident: Incident, now: Date, patch: Partial<Incident>, note?: IncidentUpdate): Incident {
  return { ...incident, ...patch, updates: note ? [...incident.updates, note] : incident.updates, updatedAt: now };
}

/** A late first response or resolution is recorded on the record at once, not left to the next SLA sweep. */
function withBreach(sla: Incident['sla'], target: 'response' | 'resolution', deadline: Date, now: Date): Incident['sla'] {
  if (now.getTime() <= deadline.getTime() || sla.breaches.some((b) => b.target === target)) return sla;
  return { ...sla, breaches: [...sla.breaches, { target, at: now }] };
}

function responded(sla: Incident['sla'], now: Date): Incident['sla'] {
  if (sla.respondedAt) return sla;
  return withBreach({ ...sla, respondedAt: now }, 'response', sla.respondBy, now);
}

/**
 * May `personId` work on (take, update, resolve) this incident? Members of its support team, the service desk
 * and incident managers may.
 */
export function mayWorkOnIncident(index: OrganisationIndex, personId: string, incident: Pick<Incident, 'team'>): boolean {
  const person = index.personById.get(personId);
  if (hasRole(person, 'service-desk') || hasRole(person, 'incident-manager')) return true;
  const team = index.teamById.get(incident.team);
  return team !== undefined && isTeamMember(team, personId);
}

/**
 * May `personId` see the incident? Those who may work on it, its reporter (and whom it was reported for), people
 * recorded as affected, and the owner of the service.
 */
export function mayViewIncident(
  index: OrganisationIndex,
  personId: string,
  incident: Pick<Incident, 'team' | 'service' | 'reporter' | 'onBehalfOf' | 'affected'>,
): boolean {
  if (isReporterOf(personId, incident)) return true;
  if (incident.affected.some((p) => p.id === personId)) return true;
  if (index.serviceById.get(incident.service)?.owner === personId) return true;
  return mayWorkOnIncident(index, personId, incident);
}

/** True for the reporter and for the person the incident was reported on behalf of: they confirm a resolution. */
export function isReporterOf(personId: string, incident: Pick<Incident, 'reporter' | 'onBehalfOf'>): boolean {
  return incident.reporter.id === personId || incident.onBehalfOf?.id === personId;
}

/** Throws `not_allowed` unless {@link mayWorkOnIncident}. */
export function assertMayWorkOnIncident(index: OrganisationIndex, personId: string, incident: Incident): void {
  if (mayWorkOnIncident(index, personId, incident)) return;
  const team = index.teamById.get(incident.team);
  throw notAllowed(`Only ${team?.name ?? 'the support team'} or the service desk can work on ${incident.id}.`, {
    team: incident.team,
  });
}

/** The actor takes the incident: it becomes theirs and in progress; the first take is the SLA response. */
export function takeIncident(incident: Incident, ctx: ActionContext): Incident {
  const status = incidentLifecycle.next(incident.status, 'take', incident.id);
  return changed(
    incident,
    ctx.now,
    { status, assignee: ctx.actor, sla: responded(incident.sla, ctx.now) },
    statusNote(ctx.actor, ctx.now, `Taken by ${ctx.actor.name}.`),
  );
}

/** Assigns the incident to someone without changing its state; assigning counts as the SLA response. */
export function assignIncident(incident: Incident, ctx: ActionContext & { assignee: PersonRef }): Incident {
  assertOpen(incident, 'reassigned');
  return changed(
    incident,
    ctx.now,
    { assignee: ctx.assignee, sla: responded(incident.sla, ctx.now) },
    statusNote(ctx.actor, ctx.now, `Assigned to ${ctx.assignee.name} by ${ctx.actor.name}.`),
  );
}

/** Puts the incident on hold (waiting for the reporter or a supplier); the resolution clock pauses. */
export function holdIncident(incident: Incident, ctx: ActionContext & { reason: string }): Incident {
  const status = incidentLifecycle.next(incident.status, 'hold', incident.id);
  return changed(
    incident,
    ctx.now,
    { status, sla: { ...incident.sla, onHoldSince: ctx.now } },
    statusNote(ctx.actor, ctx.now, `On hold: ${ctx.reason}`),
  );
}

/** The resolution deadline moved on by the working time spent on hold (unless it had already passed). */
function unpaused(sla: Incident['sla'], now: Date, calendar: Calendar): Incident['sla'] {
  const { onHoldSince, ...rest } = sla;
  if (!onHoldSince || onHoldSince.getTime() >= sla.resolveBy.getTime()) return rest;
  const remaining = workingMinutesBetween(onHoldSince, sla.resolveBy, calendar);
  return { ...rest, resolveBy: addWorkingMinutes(now, remaining, calendar) };
}

/** Takes the incident off hold; `calendar` is the one its SLA counts on (see `slaCalendarFor`). */
export function resumeIncident(incident: Incident, ctx: ActionContext & { calendar: Calendar }): Incident {
  const status = incidentLifecycle.next(incident.status, 'resume', incident.id);
  return changed(
    incident,
    ctx.now,
    { status, sla: unpaused(incident.sla, ctx.now, ctx.calendar) },
    statusNote(ctx.actor, ctx.now, `Resumed by ${ctx.actor.name}.`),
  );
}

/** Resolves the incident with a code and notes; a late resolution is recorded as a breach. */
export function resolveIncident(
  incident: Incident,
  ctx: ActionContext & { code: ResolutionCode; notes: string; calendar: Calendar },
): Incident {
  const status = incidentLifecycle.next(incident.status, 'resolve', incident.id);
  const running = responded(unpaused(incident.sla, ctx.now, ctx.calendar), ctx.now);
  const sla = withBreach(running, 'resolution', running.resolveBy, ctx.now);
  return changed(
    incident,
    ctx.now,
    { status, sla, resolution: { code: ctx.code, notes: ctx.notes, at: ctx.now, by: ctx.actor } },
    statusNote(ctx.actor, ctx.now, `Resolved (${ctx.code.replace(/_/g, ' ')})${ctx.notes.trim() ? `: ${ctx.notes.trim()}` : '.'}`),
  );
}

/** Reopens a resolved incident (the fix did not hold); the original deadlines stand. */
export function reopenIncident(incident: Incident, ctx: ActionContext & { reason: string }): Incident {
  const status = incidentLifecycle.next(incident.status, 'reopen', incident.id);
  const { resolution: _previous, ...rest } = incident;
  return changed(
    rest,
    ctx.now,
    { status, reopenCount: incident.reopenCount + 1 },
    statusNote(ctx.actor, ctx.now, `Reopened by ${ctx.actor.name}: ${ctx.reason}`),
  );
}

/** Closes a resolved incident: confirmed by the reporter, closed by support, or automatically after the wait. */
export function closeIncident(
  incident: Incident,
  ctx: ActionContext & { how: 'confirmed' | 'auto' | 'support'; notes?: string },
): Incident {
  const status = incidentLifecycle.next(incident.status, 'close', incident.id);
  return changed(
    incident,
    ctx.now,
    { status, closure: { at: ctx.now, by: ctx.actor, how: ctx.how, notes: ctx.notes } },
    statusNote(ctx.actor, ctx.now, ctx.how === 'auto' ? 'Closed automatically: no reply after resolution.' : `Closed by ${ctx.actor.name}.`),
  );
}

/** Adds a work note or an update; a first update from someone other than the reporter is the SLA response. */
export function addIncidentUpdate(
  incident: Incident,
  ctx: ActionContext & { text: string; kind?: 'work_note' | 'update' },
): Incident {
  assertOpen(incident, 'updated');
  const text = ctx.text.trim();
  if (text === '') throw new DomainError('invalid_input', 'An update needs some text.');
  if (text.length > 4000) throw new DomainError('invalid_input', 'An update must be 4000 characters or fewer.');
  const bySupport = ctx.actor.id !== incident.reporter.id && ctx.actor.id !== incident.onBehalfOf?.id;
  return changed(
    incident,
    ctx.now,
    { sla: bySupport ? responded(incident.sla, ctx.now) : incident.sla },
    { at: ctx.now, by: ctx.actor, text, kind: ctx.kind ?? 'update' },
  );
}

/**
 * Records `person` as affected by the incident (they found it among similar incidents instead of raising a new
 * one). Only open incidents can be joined; joining twice, or joining your own report, changes nothing.
 */
export function joinIncident(incident: Incident, ctx: ActionContext & { person: PersonRef }): Incident {
  if (!(OPEN_INCIDENT_STATUSES as readonly string[]).includes(incident.status)) {
    throw new DomainError(
      'invalid_transition',
      `${incident.id} is ${incidentLifecycle.stateLabel(incident.status)}; it can't be joined. If you still have the problem, report a new incident.`,
      { recordId: incident.id, from: incident.status },
    );
  }
  const already = [incident.reporter.id, incident.onBehalfOf?.id, ...incident.affected.map((p) => p.id)];
  if (already.includes(ctx.person.id)) return incident;
  return changed(
    incident,
    ctx.now,
    { affected: [...incident.affected, ctx.person] },
    statusNote(ctx.actor, ctx.now, `${ctx.person.name} is affected too.`),
  );
}

/**
 * May `personId` declare this incident a major incident? Members of its support team and incident managers may
 * (clause 8.6.1: major incidents follow a documented procedure run by named people).
 */
export function mayDeclareMajorIncident(index: OrganisationIndex, personId: string, incident: Pick<Incident, 'team'>): boolean {
  if (hasRole(index.personById.get(personId), 'incident-manager')) return true;
  const team = index.teamById.get(incident.team);
  return team !== undefined && isTeamMember(team, personId);
}

/** Declares or stands down a major incident (incident managers decide; the caller checks the role). */
export function setMajorIncident(incident: Incident, ctx: ActionContext & { major: boolean; reason: string }): Incident {
  assertOpen(incident, ctx.major ? 'declared major' : 'stood down');
  if (incident.major === ctx.major) return incident;
  const text = ctx.major ? `Declared a major incident: ${ctx.reason}` : `Stood down as a major incident: ${ctx.reason}`;
  return changed(incident, ctx.now, { major: ctx.major }, statusNote(ctx.actor, ctx.now, text));
}

/** Throws the worded `invalid_transition` error for a closed incident: `verb` says what was tried ("updated"). */
export function assertIncidentOpen(incident: Incident, verb: string): void {
  assertOpen(incident, verb);
}

function assertOpen(incident: Incident, verb: string): void {
  if (incident.status !== 'closed') return;
  throw new DomainError(
    'invalid_transition',
    `${incident.id} is closed; it can't be ${verb}. If the problem is back, report a new incident and mention ${incident.id}.`,
    { recordId: incident.id, from: incident.status },
  );
}

/** An SLA warning or breach due to be announced and recorded. */
export interface SlaAlert {
  target: 'response' | 'resolution';
  level: 'warning' | 'breach';
}

/**
 * Warnings (at `warnAt` of the working time, 75 % by default) and breaches not yet recorded on the incident.
 * The response clock stops at the first response, the resolution clock at resolution and while on hold.
 */
export function dueSlaAlerts(incident: Incident, now: Date, calendar: Calendar, warnAt = 0.75): SlaAlert[] {
  const alerts: SlaAlert[] = [];
  const { sla } = incident;
  const recorded = (list: Incident['sla']['warnings'], target: SlaAlert['target']): boolean =>
    list.some((e) => e.target === target);
  const check = (target: SlaAlert['target'], deadline: Date): void => {
    if (now.getTime() >= deadline.getTime()) {
      if (!recorded(sla.breaches, target)) alerts.push({ target, level: 'breach' });
    } else if (!recorded(sla.warnings, target) && !recorded(sla.breaches, target)) {
      if (slaProgress(now, incident.createdAt, deadline, calendar) >= warnAt) alerts.push({ target, level: 'warning' });
    }
  };
  const open = incident.status === 'new' || incident.status === 'in_progress' || incident.status === 'on_hold';
  if (open && !sla.respondedAt) check('response', sla.respondBy);
  if (open && incident.status !== 'on_hold') check('resolution', sla.resolveBy);
  return alerts;
}

/** Records alerts on the incident (after they were sent), so the next sweep does not repeat them. */
export function recordSlaAlerts(incident: Incident, alerts: readonly SlaAlert[], now: Date): Incident {
  if (alerts.length === 0) return incident;
  const warnings = alerts.filter((a) => a.level === 'warning').map((a) => ({ target: a.target, at: now }));
  const breaches = alerts.filter((a) => a.level === 'breach').map((a) => ({ target: a.target, at: now }));
  return changed(incident, now, {
    sla: { ...incident.sla, warnings: [...incident.sla.warnings, ...warnings], breaches: [...incident.sla.breaches, ...breaches] },
  });
}
