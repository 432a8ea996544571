/**
 * Look-ups: a record number typed as a command shows the incident to the people allowed to see it; `mine` (and
 * the App Home section) lists a person's open incidents, reported or assigned.
 */
import { notAllowed } from '../../src/domain/errors';
import { isReporterOf, mayViewIncident, mayWorkOnIncident } from '../../src/domain/incident-actions';
import type { Actor } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import type { Block } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import { createIncidentRepository } from './incident.repository';
import { REFUSED, mineBlocks, mineMessage, recordMessage } from './incident-work.messages';
import { load } from './work';

/** Shows one incident, if the person may see it. */
export async function showIncident(turn: Turn, typed: string): Promise<Reply> {
  const { incident } = await load(turn, typed);
  const index = turn.services.people.index;
  if (!mayViewIncident(index, turn.actor.id, incident)) throw notAllowed(REFUSED.view(incident));
  const viewer = { timeZone: turn.actor.timeZone, mayWork: mayWorkOnIncident(index, turn.actor.id, incident), isReporter: isReporterOf(turn.actor.id, incident) };
  return { messages: [recordMessage(turn.services.org, incident, viewer)] };
}

/** `mine`: the person's open incidents. */
export async function listMine(turn: Turn): Promise<Reply> {
  const incidents = await createIncidentRepository(turn.services).listOpenForPerson(turn.actor.id);
  return { messages: [mineMessage(turn.services.org, turn.actor.id, incidents)] };
}

/** The App Home section: the same list as `mine`. */
export async function homeBlocks(services: Services, actor: Actor): Promise<Block[]> {
  const incidents = await createIncidentRepository(services).listOpenForPerson(actor.id);
  return mineBlocks(services.org, actor.id, incidents);
}
