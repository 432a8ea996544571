/**
 * The change-enablement part of the resolved organisation model (clause 8.5.1): the standard change catalogue, the
 * risk questionnaire and bands, freeze windows with their boundaries as instants, approval reminder intervals in
 * minutes, and the shape of a service's maintenance windows. organisation.ts re-exports these types.
 */
import type { Weekday } from './business-hours';
import { DEFAULT_RISK_BANDS, RISK_QUESTIONS, type RiskBands, type RiskQuestion } from './change-risk';
import { localBoundaryInstant } from './organisation-changes.schema';
import type { OrganisationFile } from './organisation.schema';

/**
 * A weekly maintenance window: on each of `days`, `start` to `end` local time in `timeZone`; an `end` at or before
 * `start` runs into the next day. See change-schedule.ts for the instants it covers.
 */
export interface MaintenanceWindow {
  days: Weekday[];
  start: string;
  end: string;
  /** The window's own zone, else the service's support calendar's, else the organisation's. */
  timeZone: string;
}

/** A pre-approved standard change template from `changes.standardCatalogue`. */
export interface StandardChangeTemplate {
  id: string;
  title: string;
  description: string;
  /** The services it may be used on. */
  services: string[];
  implementationPlan: string;
  backoutPlan: string;
  testPlan: string;
  /** Its typical length: a planned end defaults to the start plus this. */
  durationMinutes: number;
  /** The team that usually carries it out, if the file says. */
  implementerTeam?: string;
}

/** A freeze (blackout) window: only emergency changes may run on its services between `start` and `end`. */
export interface FreezeWindow {
  id: string;
  name: string;
  start: Date;
  end: Date;
  /** The services frozen; undefined freezes every service. */
  services?: string[];
  /** Why, in plain words; shown to the requester whose change it blocks. */
  reason: string;
}

/** When pending approvers are reminded and the change managers told that a decision is late. */
export interface ApprovalReminderSettings {
  /** Remind approvers who have not decided this often after submission. */
  everyMinutes: number;
  /** Escalate to the change managers this long before the planned start if still undecided. */
  escalateBeforeMinutes: number;
}

/** Change enablement settings (clause 8.5.1); a file without `changes:` gets these with the defaults. */
export interface ChangeSettings {
  /** Pre-approved standard change templates (empty: no standard changes). */
  standardCatalogue: StandardChangeTemplate[];
  /** The risk questionnaire; {@link RISK_QUESTIONS} unless the file sets its own. */
  riskQuestions: RiskQuestion[];
  /** Score bands; {@link DEFAULT_RISK_BANDS} (3 / 8) unless the file sets its own. */
  riskBands: RiskBands;
  freezeWindows: FreezeWindow[];
  approvalReminders: ApprovalReminderSettings;
}

/** The `changes:` section resolved: defaults filled in, freeze boundaries as instants in `timeZone`. */
export function resolveChanges(file: OrganisationFile, timeZone: string): ChangeSettings {
  const { standardCatalogue, riskQuestions, riskBands, freezeWindows, approvalReminders } = file.changes;
  const instant = (value: string, edge: 'start' | 'end'): Date => {
    const at = localBoundaryInstant(value, timeZone, edge);
    // The field schema has already refused anything this cannot read.
    if (at === null) throw new Error(`unreadable freeze boundary "${value}"`);
    return at;
  };
  return {
    standardCatalogue: standardCatalogue.map(({ duration, ...t }) => ({ ...t, durationMinutes: duration })),
    riskQuestions: riskQuestions ?? RISK_QUESTIONS.map((q) => ({ ...q, options: [...q.options] })),
    riskBands: riskBands ?? { ...DEFAULT_RISK_BANDS },
    freezeWindows: freezeWindows.map((w) => ({ ...w, start: instant(w.start, 'start'), end: instant(w.end, 'end') })),
    approvalReminders: { everyMinutes: approvalReminders.every, escalateBeforeMinutes: approvalReminders.escalateBefore },
  };
}
