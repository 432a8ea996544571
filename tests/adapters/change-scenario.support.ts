import { DateTime } from 'luxon';
import { freezeWindowsDuring } from '../../src/domain/change-schedule';
import type { Organisation } from '../../src/domain/organisation';

/**
 * What the change scenarios through Slack, Teams and the web chat type into the forms (issue 7): one normal
 * change to the payroll database, high risk so the CAB decides with its quorum of two, implemented, failed and
 * backed out, then reviewed. The people are those of config/organisation.example.yaml: Nina Kowalski requests
 * and implements it (she is not on the CAB), Priya Shah and Lukas Becker approve it.
 */

/** The service the change touches (high criticality: with the riskiest answers the change is high risk). */
export const SERVICE = 'payroll';

/** The free-text fields of the change form, by input name. */
export const CHANGE_TEXT = {
  title: 'Patch the payroll database servers',
  reason: 'Security patches from the vendor (CVE fixes).',
  description: 'Monthly cumulative update on both database nodes.',
  implementationPlan: 'Fail over to node B, patch node A, fail back, patch node B.',
  backoutPlan: 'Uninstall the update and restore the VM snapshots taken before.',
  testPlan: 'Run the payroll smoke test.',
} as const;

/** What the implementer records when it went wrong. */
export const FAILURE_NOTES = 'Node B would not come back after the patch; rolled back from the snapshot.';

/** The post-implementation review. */
export const REVIEW = { objectivesMet: 'no', incidents: 'INC-000051', lessons: 'Test the failover on the staging pair first.' } as const;

/** The answer scoring the most on every risk question, by question id, with its label (what a person picks). */
export function riskiestAnswers(org: Organisation): Array<{ id: string; name: string; value: string; label: string }> {
  return org.changes.riskQuestions.map((question) => {
    const top = [...question.options].sort((a, b) => b.score - a.score)[0]!;
    return { id: question.id, name: `risk.${question.id}`, value: top.value, label: top.label };
  });
}

/** The risk score those answers give on {@link SERVICE} (answers plus the service's criticality, as the domain scores it). */
export function riskiestScore(org: Organisation): number {
  const answers = org.changes.riskQuestions.reduce((sum, question) => sum + Math.max(...question.options.map((o) => o.score)), 0);
  const criticality = org.services.find((s) => s.id === SERVICE)?.criticality;
  return answers + ({ critical: 3, high: 2, medium: 1, low: 0 } as Record<string, number>)[criticality ?? 'low']!;
}

/** A planned window as the forms take it (local `YYYY-MM-DDTHH:mm` in the requester's zone) and as instants. */
export interface PlannedWindow {
  start: string;
  end: string;
  startsAt: Date;
  endsAt: Date;
}

/**
 * A two-hour window on {@link SERVICE} at 20:00 in `zone`, at least `daysAhead` days after `after`, on a Monday to
 * Thursday evening (the payroll maintenance window) and clear of every freeze the organisation file declares for
 * the service: tests on the real clock (the web chat) must not land in the Christmas or a quarter-end freeze.
 */
export function plannedWindow(org: Organisation, after: Date, zone: string, daysAhead = 2): PlannedWindow {
  let day = DateTime.fromJSDate(after, { zone }).plus({ days: daysAhead }).set({ hour: 20, minute: 0, second: 0, millisecond: 0 });
  for (let tries = 0; tries < 800; tries++, day = day.plus({ days: 1 })) {
    if (day.weekday > 4) continue;
    const end = day.plus({ hours: 2 });
    if (freezeWindowsDuring(org, day.toJSDate(), end.toJSDate(), [SERVICE]).length > 0) continue;
    const local = (at: DateTime) => at.toFormat("yyyy-MM-dd'T'HH:mm");
    return { start: local(day), end: local(end), startsAt: day.toJSDate(), endsAt: end.toJSDate() };
  }
  throw new Error('no unfrozen window for the change within two years');
}
