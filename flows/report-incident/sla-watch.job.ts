/**
 * `incident-sla-watch`: warns the assignee and team lead when three quarters of a response or resolution target
 * has gone, and escalates to the team's manager at a breach. What is due comes from the records (an indexed query
 * on each open incident's next alert instant), never from timers in memory, so a restart loses nothing. Each
 * message carries an idempotency key per incident, target, level and person: a retry, an overlapping run or a
 * second replica sends nothing twice. The alert is recorded on the incident after it was sent.
 */
import { isDomainError } from '../../src/domain/errors';
import type { Incident } from '../../src/domain/incident';
import { dueSlaAlerts, recordSlaAlerts, type SlaAlert } from '../../src/domain/incident-actions';
import { slaCalendarFor } from '../../src/domain/sla';
import type { JobDefinition } from '../../src/engine/scheduler';
import type { Services } from '../../src/engine/services';
import { createIncidentRepository } from './incident.repository';
import { refreshTeamCards, SYSTEM_AUDIT_ACTOR, tell } from './incident-effects';
import { NEWS } from './incident-work.messages';
import { KEYS } from './report-incident.ids';
import { timeZoneOf } from '../shared/people';

function recipients(services: Services, incident: Incident, alert: SlaAlert): string[] {
  const team = services.people.index.teamById.get(incident.team);
  const people = alert.level === 'warning' ? [incident.assignee?.id, team?.lead] : [team?.manager];
  return [...new Set(people.filter((p): p is string => p !== undefined))];
}

/** One sweep at `now`: returns how many alerts were sent and recorded. */
export async function sweepSla(services: Services, now: Date): Promise<{ due: number; alerts: number; conflicts: number }> {
  const repo = createIncidentRepository(services);
  const due = await repo.listDueForSla(now);
  let alerts = 0;
  let conflicts = 0;
  for (const stored of due) {
    const { incident } = stored;
    const found = dueSlaAlerts(incident, now, slaCalendarFor(services.org, incident.service, incident.priority));
    // The stored instant can be a hair early (working-time arithmetic in fractions of a minute): the next sweep
    // finds it due. Nothing is written for it, so an idle incident never fills the audit trail.
    if (found.length === 0) continue;
    for (const alert of found) {
      for (const person of recipients(services, incident, alert)) {
        const zone = timeZoneOf(services, person);
        const message = alert.level === 'warning' ? NEWS.slaWarning(services.org, incident, alert.target, zone) : NEWS.slaBreach(services.org, incident, alert.target, zone);
        await tell(services, person, message, KEYS.sla(incident.id, alert.target, alert.level, person));
      }
    }
    try {
      const saved = await repo.save(recordSlaAlerts(incident, found, now), stored.version, {
        actor: SYSTEM_AUDIT_ACTOR,
        action: found.some((a) => a.level === 'breach') ? 'incident.sla_breached' : 'incident.sla_warned',
        before: incident,
        extra: { alerts: found.map((a) => `${a.target}:${a.level}`) },
      });
      alerts += found.length;
      if (found.some((a) => a.level === 'breach')) await refreshTeamCards(services, saved.incident);
    } catch (error) {
      // Someone changed the incident meanwhile (or another replica recorded the alert): the next sweep re-derives.
      if (!isDomainError(error, 'conflict')) throw error;
      conflicts++;
    }
  }
  return { due: due.length, alerts, conflicts };
}

/** The job definition, run every minute under the engine's lease. */
export function slaWatchJob(services: Services): JobDefinition {
  return {
    name: 'incident-sla-watch',
    description: 'Warns assignees and team leads at 75 % of an incident target and escalates breaches to the team manager, once each.',
    schedule: '* * * * *',
    leaseSeconds: 300,
    async run({ now }) {
      const result = await sweepSla(services, now);
      return { summary: `${result.alerts} SLA alerts for ${result.due} due incidents`, counts: result };
    },
  };
}
