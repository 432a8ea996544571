/**
 * Object mothers: small, valid test data with one-line overrides. Tests say only what matters to them
 * (`anIncident({ status: 'resolved' })`) and get everything else from here.
 */
import type { BusinessCalendar } from '../../src/domain/business-hours';
import { createChange, type Change, type NewChange } from '../../src/domain/change';
import { createImprovement, type Improvement, type NewImprovement } from '../../src/domain/improvement';
import { createIncident, type Incident, type NewIncident } from '../../src/domain/incident';
import { organisationSchema, type Organisation, type Person } from '../../src/domain/organisation';
import type { PersonRef, Reporter } from '../../src/domain/records';
import { DEFAULT_ORGANISATION_FILE, loadOrganisation } from '../../src/config/organisation';

/** Monday to Friday, 09:00–17:30. */
export const OFFICE_HOURS = {
  mon: '09:00-17:30',
  tue: '09:00-17:30',
  wed: '09:00-17:30',
  thu: '09:00-17:30',
  fri: '09:00-17:30',
};

/**
 * The organisation file as plain data, for tests to edit freely before parsing (deliberately untyped: the point
 * of many tests is to write something the schema must refuse).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FileTree = any;

/**
 * The organisation file (as written, before parsing) of a small company: five people, two teams, three services,
 * the ISO20000.md P1–P5 matrix. Pass a function to change it: `anOrganisationFile((f) => { f.teams[0]!.lead = 'x' })`.
 */
export function anOrganisationFile(edit?: (file: FileTree) => void): FileTree {
  const file: FileTree = {
    organisation: {
      name: 'Acme Test Ltd',
      timeZone: 'Europe/London',
      workingHours: { ...OFFICE_HOURS },
      holidays: ['2026-04-06', '2026-12-25'],
    },
    calendars: { 'new-york': { timeZone: 'America/New_York', holidays: ['2026-07-03'] } },
    people: [
      { id: 'alice', name: 'Alice Adams', email: 'Alice@acme.example', roles: ['service-desk'], slackUserId: 'U0ALICE001', webchatName: 'Alice' },
      { id: 'bob', name: 'Bob Brown', email: 'bob@acme.example', manager: 'carol', teamsAadId: '11111111-2222-4333-8444-555555555555', webchatName: 'Bob' },
      { id: 'carol', name: 'Carol Clark', email: 'carol@acme.example', manager: 'dave' },
      { id: 'dave', name: 'Dave Davis', email: 'dave@acme.example' },
      { id: 'erin', name: 'Erin Evans', email: 'erin@acme.example', calendar: 'new-york', manager: 'carol' },
    ],
    teams: [
      { id: 'desk', name: 'Service Desk', members: ['alice', 'bob'], lead: 'alice', manager: 'carol', slackChannel: 'C0DESK0001' },
      { id: 'infra', name: 'Infrastructure', members: ['bob', 'erin'], lead: 'erin', manager: 'carol', supportHours: '24x7' },
    ],
    services: [
      { id: 'email', name: 'Email', owner: 'carol', supportTeam: 'infra', criticality: 'high', aliases: ['outlook', 'mail'] },
      { id: 'vpn', name: 'Remote access', owner: 'carol', supportTeam: 'infra', criticality: 'high', supportHours: '24x7', aliases: ['VPN'] },
      { id: 'laptops', name: 'Laptops', owner: 'dave', supportTeam: 'desk', criticality: 'medium', targets: { P3: { resolution: '8h' } } },
    ],
    priorities: {
      impact: [
        { id: 'high', label: 'Many people', description: 'Many people or a whole site' },
        { id: 'medium', label: 'A team', description: 'A department or team' },
        { id: 'low', label: 'One person', description: 'One person' },
      ],
      urgency: [
        { id: 'high', label: 'Stopped', description: 'Work has stopped' },
        { id: 'medium', label: 'Slowed', description: 'Work is slowed' },
        { id: 'low', label: 'Can wait', description: 'It can wait' },
      ],
      matrix: {
        high: { high: 'P1', medium: 'P2', low: 'P3' },
        medium: { high: 'P2', medium: 'P3', low: 'P4' },
        low: { high: 'P3', medium: 'P4', low: 'P5' },
      },
      levels: [
        { id: 'P1', label: 'P1 critical', response: '15m', resolution: '4h', clock: '24x7', major: true },
        { id: 'P2', label: 'P2 high', response: '1h', resolution: '8h' },
        { id: 'P3', label: 'P3 moderate', response: '4h', resolution: '24h' },
        { id: 'P4', label: 'P4 low', response: '8h', resolution: '72h' },
        { id: 'P5', label: 'P5 planning', response: 960, resolution: '160h' },
      ],
    },
    approvers: {
      changeManagers: ['carol'],
      cab: { members: ['carol', 'dave', 'alice', 'erin'], quorum: 2, rejection: 'any' },
      ecab: { members: ['carol', 'dave'] },
    },
    processOwners: { incident: 'alice', change: 'carol', improvement: 'dave' },
  };
  edit?.(file);
  return file;
}

/** The small organisation of {@link anOrganisationFile}, parsed and resolved. */
export function anOrganisation(edit?: (file: FileTree) => void): Organisation {
  return organisationSchema.parse(anOrganisationFile(edit));
}

let example: Organisation | undefined;
/** The bundled example organisation (Northwind Logistics), loaded once per test file. */
export function exampleOrganisation(): Organisation {
  example ??= loadOrganisation(DEFAULT_ORGANISATION_FILE);
  return example;
}

/** A London business calendar, Monday–Friday 09:00–17:30, with the given holidays. */
export function aLondonCalendar(holidays: string[] = []): BusinessCalendar {
  return {
    kind: 'business',
    timeZone: 'Europe/London',
    workingHours: Object.fromEntries(Object.keys(OFFICE_HOURS).map((d) => [d, { start: '09:00', end: '17:30' }])),
    holidays,
  };
}

/** A resolved person (not tied to an organisation file). */
export function aPerson(overrides: Partial<Person> = {}): Person {
  const calendar = aLondonCalendar();
  return {
    id: 'pat-jones',
    name: 'Pat Jones',
    email: 'pat.jones@acme.example',
    timeZone: calendar.timeZone,
    workingHours: calendar.workingHours,
    calendar,
    roles: [],
    ...overrides,
  };
}

/** A reference to a person. */
export function aPersonRef(overrides: Partial<PersonRef> = {}): PersonRef {
  return { id: 'bob', name: 'Bob Brown', ...overrides };
}

/** A reporter on the web chat. */
export function aReporter(overrides: Partial<Reporter> = {}): Reporter {
  return { id: 'dave', name: 'Dave Davis', channel: 'webchat', ...overrides };
}

/** Monday 2 March 2026, 10:00 London (GMT). */
export const A_MONDAY_MORNING = new Date('2026-03-02T10:00:00Z');

/**
 * A new incident on the small organisation's `email` service (P2 by default), then any overrides — use them for
 * state (`status`, `assignee`) that would otherwise take several actions to reach.
 */
export function anIncident(
  overrides: Partial<Incident> = {},
  input: Partial<NewIncident> = {},
  ctx: { number?: number; now?: Date; organisation?: Organisation } = {},
): Incident {
  const incident = createIncident(
    { summary: 'Outlook will not open', description: 'It crashes on start.', service: 'email', impact: 'medium', urgency: 'high', ...input },
    { number: ctx.number ?? 123, now: ctx.now ?? A_MONDAY_MORNING, reporter: aReporter(), organisation: ctx.organisation ?? anOrganisation() },
  );
  return { ...incident, ...overrides };
}

/** A normal change on `email`, low risk, planned for the next day, then any overrides. */
export function aChange(
  overrides: Partial<Change> = {},
  input: Partial<NewChange> = {},
  ctx: { number?: number; now?: Date; organisation?: Organisation } = {},
): Change {
  const now = ctx.now ?? A_MONDAY_MORNING;
  const change = createChange(
    {
      type: 'normal',
      title: 'Raise the mailbox size limit',
      description: 'Raise the limit from 50 GB to 100 GB for all staff.',
      services: ['email'],
      reason: 'Staff are hitting the limit.',
      implementationPlan: 'Run the mailbox policy script.',
      backoutPlan: 'Run it again with the old limit.',
      testPlan: 'Check three mailboxes.',
      plannedStart: new Date(now.getTime() + 24 * 3600_000),
      plannedEnd: new Date(now.getTime() + 25 * 3600_000),
      riskAnswers: { reach: 'few', outage: 'none', tested: 'fully', backout: 'easy', experience: 'often' },
      ...input,
    },
    { number: ctx.number ?? 45, now, requester: aReporter({ id: 'bob', name: 'Bob Brown' }), organisation: ctx.organisation ?? anOrganisation() },
  );
  return { ...change, ...overrides };
}

/** An improvement owned by bob, due 31 March 2026, then any overrides. */
export function anImprovement(
  overrides: Partial<Improvement> = {},
  input: Partial<NewImprovement> = {},
  ctx: { number?: number; now?: Date } = {},
): Improvement {
  const improvement = createImprovement(
    {
      title: 'Add a VPN status page',
      description: 'People report the VPN down when it is their home Wi-Fi.',
      source: { kind: 'incident', ref: 'INC-000123' },
      owner: aPersonRef(),
      targetDate: '2026-03-31',
      ...input,
    },
    { number: ctx.number ?? 12, now: ctx.now ?? A_MONDAY_MORNING, raisedBy: aReporter(), timeZone: 'Europe/London', manager: { id: 'carol', name: 'Carol Clark' } },
  );
  return { ...improvement, ...overrides };
}
