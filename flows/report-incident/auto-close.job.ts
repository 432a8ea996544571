/**
 * `incident-auto-close`: a resolved incident whose reporter has not answered for three working days (in the
 * reporter's own calendar) is closed, audited, and the reporter told. Candidates come from an indexed query on the
 * resolution time; each is then checked against the reporter's calendar.
 */
import { isDomainError } from '../../src/domain/errors';
import { closeIncident } from '../../src/domain/incident-actions';
import { autoCloseDueAt } from '../../src/domain/incident-sla';
import { SYSTEM_ACTOR } from '../../src/domain/records';
import type { JobDefinition } from '../../src/engine/scheduler';
import type { Services } from '../../src/engine/services';
import { createIncidentRepository } from './incident.repository';
import { refreshTeamCards, SYSTEM_AUDIT_ACTOR, tell } from './incident-effects';
import { relayMajorChange } from './major-incident';
import { NEWS } from './incident-work.messages';
import { KEYS } from './report-incident.ids';
import { calendarOf } from '../shared/people';

/** Three working days always span at least two whole calendar days: resolved later than this cannot be due. */
const SHORTEST_WAIT_MS = 2 * 24 * 60 * 60 * 1000;

/** One sweep at `now`: returns how many incidents were closed. */
export async function sweepAutoClose(services: Services, now: Date): Promise<{ candidates: number; closed: number }> {
  const repo = createIncidentRepository(services);
  const candidates = await repo.listResolvedBefore(new Date(now.getTime() - SHORTEST_WAIT_MS));
  let closed = 0;
  for (const stored of candidates) {
    const due = autoCloseDueAt(stored.incident, calendarOf(services, stored.incident.reporter.id));
    if (!due || now.getTime() < due.getTime()) continue;
    try {
      const saved = await repo.save(closeIncident(stored.incident, { actor: SYSTEM_ACTOR, now, how: 'auto' }), stored.version, {
        actor: SYSTEM_AUDIT_ACTOR,
        action: 'incident.closed',
        before: stored.incident,
        extra: { how: 'auto' },
      });
      closed++;
      await refreshTeamCards(services, saved.incident);
      await tell(services, saved.incident.reporter.id, NEWS.autoClosed(saved.incident), KEYS.autoClosed(saved.incident.id, saved.incident.reporter.id));
      await relayMajorChange(services, saved);
    } catch (error) {
      // The reporter answered at this very moment: their answer wins, this incident is left alone.
      if (!isDomainError(error, 'conflict')) throw error;
    }
  }
  return { candidates: candidates.length, closed };
}

/** The job definition, run hourly under the engine's lease. */
export function autoCloseJob(services: Services): JobDefinition {
  return {
    name: 'incident-auto-close',
    description: 'Closes resolved incidents the reporter has not answered for three working days, and tells them.',
    schedule: '7 * * * *',
    async run({ now }) {
      const result = await sweepAutoClose(services, now);
      return { summary: `${result.closed} of ${result.candidates} resolved incidents closed automatically`, counts: result };
    },
  };
}
