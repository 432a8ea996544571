/**
 * The organisation model: who plays which role, which teams support which services, the priority matrix and its
 * targets, approvers, process owners, the nudge schedule and the change settings (catalogue, risk, freezes). Parsed once from the organisation file (see
 * src/config/organisation.ts), checked for dangling references, then resolved: defaults filled in, durations in
 * minutes, calendars expanded, implied roles added. Lookups here are pure and work on the resolved model.
 */
import type { BusinessCalendar, Calendar, WeekHours, Weekday } from './business-hours';
import { resolveChanges, type ChangeSettings, type MaintenanceWindow } from './organisation-changes';
import { checkOrganisationReferences } from './organisation-references';
import {
  organisationFileSchema,
  type OrganisationFile,
  type ProcessId,
  type Role,
  type CRITICALITIES,
  type NUDGE_RECIPIENTS,
} from './organisation.schema';

/** The file-level schemas, roles and processes, so callers import the organisation model from one place. */
export * from './organisation.schema';
/** The change-enablement model (`org.changes`, `service.maintenanceWindows`). */
export type {
  ApprovalReminderSettings,
  ChangeSettings,
  FreezeWindow,
  MaintenanceWindow,
  StandardChangeTemplate,
} from './organisation-changes';

/** A person named in the organisation file, with defaults resolved. */
export interface Person {
  id: string;
  name: string;
  email: string;
  timeZone: string;
  workingHours: WeekHours;
  /** Their working time: their own zone and hours, their calendar's (or the organisation's) holidays. */
  calendar: BusinessCalendar;
  manager?: string;
  /** Roles written on the person plus those the file implies (see {@link ROLES}). */
  roles: Role[];
  slackUserId?: string;
  teamsAadId?: string;
  webchatName?: string;
}

/** A support team. */
export interface Team {
  id: string;
  name: string;
  members: string[];
  /** The on-call lead: told first about P1s and unassigned incidents. */
  lead: string;
  manager: string;
  email?: string;
  slackChannel?: string;
  teamsChannel?: string;
  /** When the team works: 24x7 or a business calendar. */
  supportHours: Calendar;
}

/** Response/resolution overrides for one priority on one service. */
export interface TargetOverride {
  responseMinutes?: number;
  resolutionMinutes?: number;
}

/** A service in the catalogue (clause 8.2.4). */
export interface Service {
  id: string;
  name: string;
  description: string;
  owner: string;
  supportTeam: string;
  criticality: (typeof CRITICALITIES)[number];
  supportHours: '24x7' | 'business';
  /** The calendar business-hours targets count on: 24x7, or the support team's hours. */
  calendar: Calendar;
  aliases: string[];
  /** Per-priority overrides of the organisation's targets. */
  targets: Record<string, TargetOverride>;
  /** When changes to it are expected to run; empty when the file names no window (any time will do). */
  maintenanceWindows: MaintenanceWindow[];
}

/** An impact or urgency level with the words people recognise. */
export interface LevelWords {
  id: string;
  label: string;
  description: string;
}

/** One priority and its targets. */
export interface PriorityLevel {
  id: string;
  label: string;
  description?: string;
  responseMinutes: number;
  resolutionMinutes: number;
  /** `24x7`: targets run round the clock whatever the service's hours. */
  clock: 'business' | '24x7';
  /** Incidents at this priority are proposed as major incidents. */
  major: boolean;
}

/** The impact × urgency matrix and the priority levels it yields (ordered most urgent first). */
export interface PrioritySettings {
  impact: LevelWords[];
  urgency: LevelWords[];
  /** matrix[impact][urgency] = priority id; complete for every pair. */
  matrix: Record<string, Record<string, string>>;
  levels: PriorityLevel[];
}

/** Who authorises changes. */
export interface Approvers {
  changeManagers: string[];
  cab: { members: string[]; quorum: number; rejection: 'any' | 'majority' };
  ecab: { members: string[]; quorum: number };
}

/** Who an overdue action's nudge goes to. */
export type NudgeRecipient = (typeof NUDGE_RECIPIENTS)[number];

/** When owners of improvement actions are reminded and escalated. */
export interface NudgeSchedule {
  /** Days before the target date to send a heads-up, largest first. */
  headsUpDays: number[];
  /** Ordered by `afterDaysOverdue`; each step says who hears about it. */
  escalation: { afterDaysOverdue: number; notify: NudgeRecipient[] }[];
  /** The weekly digest for managers, at this local time in each recipient's zone. */
  digest: { weekday: Weekday; time: string };
  quietHours: 'working-hours' | 'none';
}

/**
 * Major incidents (clause 8.6.1): where they are announced to top management and staff, and the Teams channel
 * where the work is coordinated (on Slack each major incident gets a channel of its own).
 */
export interface MajorIncidentSettings {
  announce: { slackChannel?: string; teamsChannel?: string };
  teamsChannel?: string;
}

/** The resolved organisation: what every other module reads. */
export interface Organisation {
  name: string;
  timeZone: string;
  /** The organisation's own business calendar (also available as `calendars.business`). */
  calendar: BusinessCalendar;
  calendars: Record<string, BusinessCalendar>;
  people: Person[];
  teams: Team[];
  services: Service[];
  priorities: PrioritySettings;
  approvers: Approvers;
  processOwners: Partial<Record<ProcessId, string>>;
  nudges: NudgeSchedule;
  majorIncidents: MajorIncidentSettings;
  changes: ChangeSettings;
}

/** Roles the file implies, so nobody has to write them twice (a CAB member is `cab` without saying so). */
function impliedRoles(file: OrganisationFile): Map<string, Set<Role>> {
  const roles = new Map<string, Set<Role>>();
  const add = (id: string | undefined, role: Role): void => {
    if (id === undefined) return;
    const set = roles.get(id) ?? new Set<Role>();
    set.add(role);
    roles.set(id, set);
  };
  file.approvers.changeManagers.forEach((id) => add(id, 'change-manager'));
  file.approvers.cab.members.forEach((id) => add(id, 'cab'));
  file.approvers.ecab.members.forEach((id) => add(id, 'ecab'));
  Object.values(file.processOwners).forEach((id) => add(id, 'process-owner'));
  file.services.forEach((s) => add(s.owner, 'service-owner'));
  file.teams.forEach((t) => add(t.manager, 'manager'));
  file.people.forEach((p) => add(p.manager, 'manager'));
  return roles;
}

function resolveOrganisation(file: OrganisationFile): Organisation {
  const org = file.organisation;
  const business: BusinessCalendar = {
    kind: 'business',
    timeZone: org.timeZone,
    workingHours: org.workingHours,
    holidays: org.holidays,
  };
  const inherit = (c: { timeZone?: string; workingHours?: WeekHours; holidays?: string[] }): BusinessCalendar => ({
    kind: 'business',
    timeZone: c.timeZone ?? business.timeZone,
    workingHours: c.workingHours ?? business.workingHours,
    holidays: c.holidays ?? business.holidays,
  });
  const calendars: Record<string, BusinessCalendar> = { business };
  for (const [id, c] of Object.entries(file.calendars)) calendars[id] = inherit(c);
  const named = (id: string): BusinessCalendar => calendars[id] ?? business;

  const implied = impliedRoles(file);
  const people: Person[] = file.people.map((p) => {
    const base = p.calendar !== undefined ? named(p.calendar) : business;
    const timeZone = p.timeZone ?? base.timeZone;
    const workingHours = p.workingHours ?? base.workingHours;
    const roles = [...new Set<Role>([...p.roles, ...(implied.get(p.id) ?? [])])];
    const { calendar: _calendarId, ...rest } = p;
    return { ...rest, timeZone, workingHours, roles, calendar: { kind: 'business', timeZone, workingHours, holidays: base.holidays } };
  });

  const teams: Team[] = file.teams.map((t) => ({
    ...t,
    supportHours:
      t.supportHours === '24x7'
        ? { kind: '24x7' }
        : typeof t.supportHours === 'string'
          ? named(t.supportHours)
          : inherit(t.supportHours),
  }));
  const teamCalendar = new Map(teams.map((t) => [t.id, t.supportHours]));

  const services: Service[] = file.services.map((s) => {
    const calendar: Calendar = s.supportHours === '24x7' ? { kind: '24x7' } : (teamCalendar.get(s.supportTeam) ?? business);
    // A 24x7 service has no zone of its own; its support team's calendar says where its people are.
    const teamHours = teamCalendar.get(s.supportTeam);
    const zone = calendar.kind === 'business' ? calendar.timeZone : teamHours?.kind === 'business' ? teamHours.timeZone : org.timeZone;
    return {
      ...s,
      calendar,
      targets: Object.fromEntries(
        Object.entries(s.targets).map(([id, t]) => [id, { responseMinutes: t.response, resolutionMinutes: t.resolution }]),
      ),
      maintenanceWindows: s.maintenanceWindows.map((w) => ({ ...w, timeZone: w.timeZone ?? zone })),
    };
  });

  const priorities: PrioritySettings = {
    impact: file.priorities.impact,
    urgency: file.priorities.urgency,
    matrix: file.priorities.matrix,
    levels: file.priorities.levels.map(({ response, resolution, ...rest }) => ({
      ...rest,
      responseMinutes: response,
      resolutionMinutes: resolution,
    })),
  };

  return {
    name: org.name,
    timeZone: org.timeZone,
    calendar: business,
    calendars,
    people,
    teams,
    services,
    priorities,
    approvers: file.approvers,
    processOwners: file.processOwners,
    nudges: { ...file.nudges, headsUpDays: [...file.nudges.headsUpDays].sort((a, b) => b - a) },
    majorIncidents: file.majorIncidents,
    changes: resolveChanges(file, org.timeZone),
  };
}

/**
 * The organisation file's schema: fields, then cross-references (each issue's path points at the offending node),
 * then resolution into an {@link Organisation}. Use `safeParse` to get every problem at once.
 */
export const organisationSchema = organisationFileSchema
  .superRefine((file, ctx) => {
    for (const problem of checkOrganisationReferences(file)) {
      ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }
  })
  .transform(resolveOrganisation);

/** Everything a chat identity or an id can be looked up by, built once per organisation. */
export interface OrganisationIndex {
  organisation: Organisation;
  personById: ReadonlyMap<string, Person>;
  personBySlackId: ReadonlyMap<string, Person>;
  /** Keyed by lower-case AAD object id. */
  personByTeamsId: ReadonlyMap<string, Person>;
  /** Keyed by lower-case e-mail. */
  personByEmail: ReadonlyMap<string, Person>;
  /** Keyed by lower-case web chat name. */
  personByWebchatName: ReadonlyMap<string, Person>;
  teamById: ReadonlyMap<string, Team>;
  serviceById: ReadonlyMap<string, Service>;
  teamsByPerson: ReadonlyMap<string, readonly Team[]>;
}

/** Builds the lookup maps for `org` (ids were checked unique when the file was parsed). */
export function indexOrganisation(org: Organisation): OrganisationIndex {
  const by = <K>(key: (p: Person) => K | undefined): Map<K, Person> => {
    const map = new Map<K, Person>();
    for (const p of org.people) {
      const k = key(p);
      if (k !== undefined) map.set(k, p);
    }
    return map;
  };
  const teamsByPerson = new Map<string, Team[]>();
  for (const team of org.teams) {
    for (const member of team.members) teamsByPerson.set(member, [...(teamsByPerson.get(member) ?? []), team]);
  }
  return {
    organisation: org,
    personById: by((p) => p.id),
    personBySlackId: by((p) => p.slackUserId),
    personByTeamsId: by((p) => p.teamsAadId?.toLowerCase()),
    personByEmail: by((p) => p.email.toLowerCase()),
    personByWebchatName: by((p) => p.webchatName?.toLowerCase()),
    teamById: new Map(org.teams.map((t) => [t.id, t])),
    serviceById: new Map(org.services.map((s) => [s.id, s])),
    teamsByPerson,
  };
}

/** The teams `personId` is a member of (empty for people outside every team). */
export function teamsOf(index: OrganisationIndex, personId: string): readonly Team[] {
  return index.teamsByPerson.get(personId) ?? [];
}

/** The service with this id, if any. */
export function serviceById(index: OrganisationIndex, id: string): Service | undefined {
  return index.serviceById.get(id);
}

/** The person with this id, if any. */
export function personById(index: OrganisationIndex, id: string): Person | undefined {
  return index.personById.get(id);
}

/** True when `person` holds `role` (written or implied); false for people not in the file. */
export function hasRole(person: Pick<Person, 'roles'> | undefined, role: Role): boolean {
  return person?.roles.includes(role) ?? false;
}

/** True when `personId` is a member of `team`. */
export function isTeamMember(team: Pick<Team, 'members'>, personId: string): boolean {
  return team.members.includes(personId);
}

/** `personId`'s line manager, if the file names one. */
export function managerOf(index: OrganisationIndex, personId: string): Person | undefined {
  const manager = index.personById.get(personId)?.manager;
  return manager === undefined ? undefined : index.personById.get(manager);
}

/** The owner of `process`, if the file names one (knowledge gaps for that process go to them). */
export function processOwnerOf(index: OrganisationIndex, process: ProcessId): Person | undefined {
  const id = index.organisation.processOwners[process];
  return id === undefined ? undefined : index.personById.get(id);
}

/**
 * Services whose id, name or an alias appears as whole words in `text` ("the VPN is down" → vpn), best match
 * first (longest matching phrase), for suggesting a service while someone reports an incident.
 */
export function matchServices(org: Organisation, text: string): Service[] {
  const haystack = ` ${normaliseWords(text)} `;
  const scored: { service: Service; score: number }[] = [];
  for (const service of org.services) {
    const phrases = [service.id.replace(/-/g, ' '), service.name, ...service.aliases].map(normaliseWords);
    const score = Math.max(0, ...phrases.filter((p) => p !== '' && haystack.includes(` ${p} `)).map((p) => p.length));
    if (score > 0) scored.push({ service, score });
  }
  return scored.sort((a, b) => b.score - a.score).map((s) => s.service);
}

function normaliseWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
