/**
 * The organisation file as written (before cross-references are checked and defaults resolved): one zod schema
 * per section. Objects are strict so a misspelt key (`timezone:`) is reported instead of silently ignored.
 * `organisation.ts` adds the cross-reference checks and resolves the file into the {@link Organisation} model.
 */
import { z } from 'zod';
import { WEEKDAYS, type DayHours } from './business-hours';
import { durationSchema } from './duration';
import { changesFileSchema, maintenanceWindowFileSchema } from './organisation-changes.schema';
import {
  clockTimeSchema,
  isoDateSchema,
  nonEmptyTextSchema as text,
  slugSchema,
  timeZoneSchema,
} from './organisation-fields.schema';

export * from './organisation-fields.schema';
export * from './organisation-changes.schema';

/**
 * Roles a person can hold. Most are implied by the rest of the file (see `impliedRoles` in organisation.ts), so
 * `roles:` on a person only needs the ones nothing else says.
 */
export const ROLES = {
  /** First-line support: may log incidents for others, take, update and resolve any incident. */
  'service-desk': 'Service desk agent',
  /** Runs major incidents: may declare or stand down a major incident and reassign any incident. */
  'incident-manager': 'Incident manager',
  /** Owns problem records and known errors (clause 8.6.3). */
  'problem-manager': 'Problem manager',
  /** Authorises low-risk normal changes and runs the change schedule; implied by `approvers.changeManagers`. */
  'change-manager': 'Change manager',
  /** Change advisory board member: votes on medium and high risk changes; implied by `approvers.cab`. */
  cab: 'CAB member',
  /** Emergency CAB member: authorises emergency changes; implied by `approvers.ecab`. */
  ecab: 'Emergency CAB member',
  /** Owns a process and its documents; answers knowledge gaps; implied by `processOwners`. */
  'process-owner': 'Process owner',
  /** Accountable for a service in the catalogue; implied by `services[].owner`. */
  'service-owner': 'Service owner',
  /** Line manager: receives escalations and digests; implied by being anyone's or a team's manager. */
  manager: 'Manager',
  /** Internal or external auditor: may read every record and its audit trail, changes nothing. */
  auditor: 'Auditor',
  /** Runs the bot: may run scheduled jobs on demand and see operational status. */
  admin: 'Bot administrator',
} as const;
/** One of {@link ROLES}' keys. */
export type Role = keyof typeof ROLES;
/** Every role id, for enums and pickers. */
export const ROLE_IDS = Object.keys(ROLES) as [Role, ...Role[]];

/** ISO/IEC 20000-1 processes a process owner can be named for, with the clause each one evidences. */
export const PROCESSES = {
  'service-catalogue': { name: 'Service catalogue management', clause: '8.2.4' },
  asset: { name: 'Asset management', clause: '8.2.5' },
  configuration: { name: 'Configuration management', clause: '8.2.6' },
  'business-relationship': { name: 'Business relationship management', clause: '8.3.2' },
  'service-level': { name: 'Service level management', clause: '8.3.3' },
  supplier: { name: 'Supplier management', clause: '8.3.4' },
  budgeting: { name: 'Budgeting and accounting for services', clause: '8.4.1' },
  demand: { name: 'Demand management', clause: '8.4.2' },
  capacity: { name: 'Capacity management', clause: '8.4.3' },
  change: { name: 'Change management', clause: '8.5.1' },
  'design-transition': { name: 'Service design and transition', clause: '8.5.2' },
  release: { name: 'Release and deployment management', clause: '8.5.3' },
  incident: { name: 'Incident management', clause: '8.6.1' },
  'service-request': { name: 'Service request management', clause: '8.6.2' },
  problem: { name: 'Problem management', clause: '8.6.3' },
  availability: { name: 'Service availability management', clause: '8.7.1' },
  continuity: { name: 'Service continuity management', clause: '8.7.2' },
  'information-security': { name: 'Information security management', clause: '8.7.3' },
  knowledge: { name: 'Knowledge', clause: '7.6' },
  audit: { name: 'Internal audit', clause: '9.2' },
  improvement: { name: 'Nonconformity, corrective action and continual improvement', clause: '10' },
} as const;
/** One of {@link PROCESSES}' keys. */
export type ProcessId = keyof typeof PROCESSES;
/** Every process id. */
export const PROCESS_IDS = Object.keys(PROCESSES) as [ProcessId, ...ProcessId[]];

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const RANGE = /^\s*((?:[01]\d|2[0-3]):[0-5]\d)\s*-\s*((?:[01]\d|2[0-3]):[0-5]\d|24:00)\s*$/;

/** One day's hours: `"09:00-17:30"`, `{ start, end }`, or `closed` (output: hours or undefined). */
export const dayHoursSchema = z
  .union([z.string(), z.strictObject({ start: clockTimeSchema, end: clockTimeSchema }), z.null()])
  .transform((value, ctx): DayHours | undefined => {
    if (value === null || value === 'closed') return undefined;
    let hours: DayHours;
    if (typeof value === 'string') {
      const match = RANGE.exec(value);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a range of hours; write "09:00-17:30" or closed` });
        return z.NEVER;
      }
      hours = { start: match[1] as string, end: match[2] as string };
    } else {
      hours = value;
    }
    if (minutesOf(hours.end) <= minutesOf(hours.start)) {
      ctx.addIssue({ code: 'custom', message: `ends (${hours.end}) before it starts (${hours.start}); overnight hours are not supported, use 24x7` });
      return z.NEVER;
    }
    return hours;
  });

/** Hours for each weekday `mon`…`sun`; a weekday left out is closed. */
export const weekHoursSchema = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((d) => [d, dayHoursSchema.optional()])) as Record<
    (typeof WEEKDAYS)[number],
    z.ZodOptional<typeof dayHoursSchema>
  >,
);

/** A named calendar; anything left out comes from the `organisation` section. */
export const calendarFileSchema = z.strictObject({
  timeZone: timeZoneSchema.optional(),
  workingHours: weekHoursSchema.optional(),
  holidays: z.array(isoDateSchema).optional(),
});

/** `organisation:` — name, default zone, working hours and holidays (the `business` calendar). */
export const organisationSectionSchema = z.strictObject({
  name: text,
  timeZone: timeZoneSchema,
  workingHours: weekHoursSchema,
  holidays: z.array(isoDateSchema).default([]),
});

/** One entry of `people:` as written. */
export const personFileSchema = z.strictObject({
  id: slugSchema,
  name: text,
  email: z.email({ error: 'must be an email address, e.g. priya.shah@example.com' }),
  timeZone: timeZoneSchema.optional(),
  calendar: slugSchema.optional(),
  workingHours: weekHoursSchema.optional(),
  manager: slugSchema.optional(),
  roles: z.array(z.enum(ROLE_IDS)).default([]),
  slackUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]{6,}$/, { error: 'must be a Slack user id: U or W followed by capitals and digits' })
    .optional(),
  teamsAadId: z.guid({ error: 'must be the Microsoft Entra (AAD) object id, a GUID' }).optional(),
  webchatName: text.optional(),
});

/** One entry of `teams:` as written. */
export const teamFileSchema = z.strictObject({
  id: slugSchema,
  name: text,
  members: z.array(slugSchema).min(1, { error: 'a team needs at least one member' }),
  lead: slugSchema,
  manager: slugSchema,
  email: z.email().optional(),
  slackChannel: z
    .string()
    .regex(/^[CG][A-Z0-9]{6,}$/, { error: 'must be a Slack channel id (C… or G…), not a #name' })
    .optional(),
  teamsChannel: text.optional(),
  /** `24x7`, `business` (the organisation's hours), a calendar id from `calendars`, or an inline calendar. */
  supportHours: z.union([z.string(), calendarFileSchema]).default('business'),
});

/** Criticality of a service to the business; drives change risk. */
export const CRITICALITIES = ['critical', 'high', 'medium', 'low'] as const;

const targetOverrideSchema = z.strictObject({
  response: durationSchema.optional(),
  resolution: durationSchema.optional(),
});

/** One entry of `services:` as written (durations in `targets` parse to minutes). */
export const serviceFileSchema = z.strictObject({
  id: slugSchema,
  name: text,
  description: z.string().default(''),
  owner: slugSchema,
  supportTeam: slugSchema,
  criticality: z.enum(CRITICALITIES),
  supportHours: z.enum(['24x7', 'business']).default('business'),
  aliases: z.array(text).default([]),
  targets: z.record(z.string(), targetOverrideSchema).default({}),
  /** Weekly windows in which changes to the service are expected to run (see organisation-changes.schema.ts). */
  maintenanceWindows: z.array(maintenanceWindowFileSchema).default([]),
});

const levelWordsSchema = z.strictObject({ id: slugSchema, label: text, description: text });

/** One entry of `priorities.levels:` as written. */
export const priorityLevelFileSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9-]+$/, { error: 'must be a short id such as P1' }),
  label: text,
  description: z.string().optional(),
  response: durationSchema,
  resolution: durationSchema,
  clock: z.enum(['business', '24x7']).default('business'),
  major: z.boolean().default(false),
});

/** `priorities:` — impact and urgency words, the matrix, and the levels with their targets. */
export const prioritiesFileSchema = z.strictObject({
  impact: z.array(levelWordsSchema).min(1),
  urgency: z.array(levelWordsSchema).min(1),
  matrix: z.record(z.string(), z.record(z.string(), z.string())),
  levels: z.array(priorityLevelFileSchema).min(1),
});

/** `approvers:` — change managers, the CAB and the emergency CAB. */
export const approversFileSchema = z.strictObject({
  changeManagers: z.array(slugSchema).min(1, { error: 'name at least one change manager' }),
  cab: z.strictObject({
    members: z.array(slugSchema).min(1, { error: 'the CAB needs at least one member' }),
    quorum: z.number().int().positive(),
    rejection: z.enum(['any', 'majority']).default('any'),
  }),
  ecab: z.strictObject({
    members: z.array(slugSchema).min(1, { error: 'the emergency CAB needs at least one member' }),
    quorum: z.number().int().positive().default(1),
  }),
});

/** Who an overdue action's nudge goes to. */
export const NUDGE_RECIPIENTS = ['owner', 'manager', 'managersManager', 'processOwner'] as const;

const escalationStepSchema = z.strictObject({
  afterDaysOverdue: z.number().int().min(0),
  notify: z.array(z.enum(NUDGE_RECIPIENTS)).min(1),
});

/** The nudge schedule used for anything `nudges:` leaves out. */
export const DEFAULT_NUDGES = {
  headsUpDays: [7, 1],
  escalation: [
    { afterDaysOverdue: 1, notify: ['owner'] },
    { afterDaysOverdue: 7, notify: ['owner', 'manager'] },
    { afterDaysOverdue: 14, notify: ['owner', 'manager', 'processOwner'] },
    { afterDaysOverdue: 30, notify: ['owner', 'manager', 'managersManager', 'processOwner'] },
  ],
  digest: { weekday: 'mon', time: '09:00' },
  quietHours: 'working-hours',
} as const;

/** `nudges:` — heads-ups, the escalation ladder, the weekly digest and quiet hours. */
export const nudgesFileSchema = z.strictObject({
  headsUpDays: z.array(z.number().int().positive()).default([...DEFAULT_NUDGES.headsUpDays]),
  escalation: z
    .array(escalationStepSchema)
    .default(DEFAULT_NUDGES.escalation.map((s) => ({ afterDaysOverdue: s.afterDaysOverdue, notify: [...s.notify] }))),
  digest: z
    .strictObject({
      weekday: z.enum(WEEKDAYS),
      time: clockTimeSchema.refine((t) => t !== '24:00', { error: 'must be a time of day before 24:00' }),
    })
    .default({ ...DEFAULT_NUDGES.digest }),
  /** `working-hours`: a nudge waits for the recipient's next working hour; `none`: send whenever it is due. */
  quietHours: z.enum(['working-hours', 'none']).default('working-hours'),
});

/** A Slack channel id as the organisation file writes it (the id, never `#name`, which can be renamed). */
const slackChannelIdSchema = z
  .string()
  .regex(/^[CG][A-Z0-9]{6,}$/, { error: 'must be a Slack channel id (C… or G…), not a #name' });

/** A Teams channel conversation id (`19:…@thread.tacv2`). */
const teamsChannelIdSchema = z
  .string()
  .regex(/^19:\S+$/, { error: 'must be a Teams channel conversation id ("19:…@thread.tacv2")' });

/**
 * `majorIncidents:` — where major incidents (clause 8.6.1) are announced to top management and staff, and where
 * Teams coordinates the work (Slack opens a channel per major incident instead). Which priorities are major is
 * said on `priorities.levels[].major`.
 */
export const majorIncidentsFileSchema = z.strictObject({
  announce: z
    .strictObject({ slackChannel: slackChannelIdSchema.optional(), teamsChannel: teamsChannelIdSchema.optional() })
    .default({}),
  teamsChannel: teamsChannelIdSchema.optional(),
});

/** The whole file, field by field; cross-references are checked by `organisationSchema` in organisation.ts. */
export const organisationFileSchema = z.strictObject({
  organisation: organisationSectionSchema,
  calendars: z.record(slugSchema, calendarFileSchema).default({}),
  people: z.array(personFileSchema).min(1, { error: 'name at least one person' }),
  teams: z.array(teamFileSchema).min(1, { error: 'name at least one support team' }),
  services: z.array(serviceFileSchema).min(1, { error: 'name at least one service' }),
  priorities: prioritiesFileSchema,
  approvers: approversFileSchema,
  processOwners: z.partialRecord(z.enum(PROCESS_IDS), slugSchema).default({}),
  nudges: nudgesFileSchema.prefault({}),
  majorIncidents: majorIncidentsFileSchema.prefault({}),
  changes: changesFileSchema.prefault({}),
});

/** The file as parsed field by field, before cross-references and defaults are resolved. */
export type OrganisationFile = z.output<typeof organisationFileSchema>;
