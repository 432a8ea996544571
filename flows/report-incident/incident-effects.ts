/**
 * What follows a saved change: the team card refreshed in place, people told in words, the card posted once for
 * a new incident. Every proactive send carries an idempotency key derived from the record and its version, so a
 * retry, a redelivery or a second replica never tells anyone twice.
 */
import { isDomainError } from '../../src/domain/errors';
import type { Incident } from '../../src/domain/incident';
import type { MessageRef } from '../../src/domain/records';
import type { Message } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import { SYSTEM_AUDIT_ACTOR, tell } from '../shared/actors';
import type { IncidentRepository, StoredIncident } from './incident.repository';
import { teamCard } from './incident-work.messages';
import { KEYS } from './report-incident.ids';

export { auditActor, personRef, SYSTEM_AUDIT_ACTOR, tell } from '../shared/actors';

const TEAM_CARD = 'team-card';

/**
 * A major incident's room (its Slack channel, or the Teams major-incident channel): `conversationId` is where
 * changes are posted, `messageId` the card posted there (the conversation id itself when none could be posted).
 */
export const MAJOR_ROOM = 'major-room';

/** A copy of the team card to refresh: the team's own copies, and the one in a major incident's room. */
function isTeamCardCopy(ref: Incident['messages'][number]): boolean {
  return ref.purpose === TEAM_CARD || (ref.purpose === MAJOR_ROOM && ref.messageId !== ref.conversationId);
}

/** Refreshes every copy of the team card; a platform failing to update one copy does not undo the change. */
export async function refreshTeamCards(services: Services, incident: Incident): Promise<void> {
  const card = teamCard(services.org, incident);
  for (const ref of incident.messages.filter(isTeamCardCopy)) {
    try {
      await services.notifier.update({ channel: ref.channel, ref: ref.messageId }, card);
    } catch (error) {
      services.logger.warn({ err: error, incident: incident.id, channel: ref.channel }, 'team card could not be updated');
    }
  }
}

/** Tells each person once for this version of the record, leaving out whoever made the change. */
export async function tellAll(
  services: Services,
  stored: StoredIncident,
  actorId: string,
  messages: ReadonlyArray<{ person: string | undefined; message: Message }>,
): Promise<void> {
  const seen = new Set<string>([actorId]);
  for (const { person, message } of messages) {
    if (!person || seen.has(person)) continue;
    seen.add(person);
    await tell(services, person, message, KEYS.reporterNote(stored.incident.id, stored.version, person));
  }
}

/**
 * Posts the team card for a new incident (once: the key is the incident's) and keeps where it went on the record,
 * so later changes update it in place. Safe to call again: a repeat finds the stored deliveries and refs.
 */
export async function announceToTeam(services: Services, repo: IncidentRepository, stored: StoredIncident): Promise<StoredIncident> {
  if (stored.incident.messages.some((m) => m.purpose === TEAM_CARD)) return stored;
  const result = await services.notifier.notify({ team: stored.incident.team }, teamCard(services.org, stored.incident), {
    key: KEYS.teamCard(stored.incident.id),
  });
  const refs: MessageRef[] = result.deliveries.map((d) => ({ channel: d.ref.channel, conversationId: d.to, messageId: d.ref.ref, purpose: TEAM_CARD }));
  if (refs.length === 0) return stored;
  let current = stored;
  // Someone may take the incident while the card is on its way: keep the refs on whatever version is current.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (current.incident.messages.some((m) => m.purpose === TEAM_CARD)) return current;
    try {
      const next = { ...current.incident, messages: [...current.incident.messages, ...refs] };
      return await repo.save(next, current.version, { actor: SYSTEM_AUDIT_ACTOR, action: 'incident.team_notified', before: current.incident, extra: { deliveries: refs.length } });
    } catch (error) {
      if (!isDomainError(error, 'conflict')) throw error;
      current = await repo.get(stored.incident.id);
    }
  }
  return current;
}
