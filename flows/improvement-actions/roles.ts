/**
 * Who may do what to an entry, from the organisation file. The rule: an entry is approved (and, once done, checked
 * for effectiveness) by the owner's manager — their line manager (`people[].manager`), else the manager of a team
 * they belong to — or by the owner of the process it improves (`processOwners`). Never by the owner: clause 10
 * wants someone else to judge the owner's work. The card goes to the manager; the process owner may decide too.
 */
import type { Improvement } from '../../src/domain/improvement';
import { managerOf, processOwnerOf, type Person } from '../../src/domain/organisation';
import type { PersonRef } from '../../src/domain/records';
import type { Services } from '../../src/engine/services';

/** The person's manager: their line manager, else the manager of the first team they are a member of. */
export function managerFor(services: Services, personId: string): Person | undefined {
  const { index } = services.people;
  const line = managerOf(index, personId);
  if (line) return line;
  const team = services.org.teams.find((t) => t.members.includes(personId) && t.manager !== personId);
  return team ? services.people.person(team.manager) : undefined;
}

/** A person as records name them. */
export function refOf(person: Person): PersonRef {
  return { id: person.id, name: person.name, email: person.email };
}

/** Everyone who may approve, reject and verify the entry (never its owner). */
export function deciders(services: Services, improvement: Pick<Improvement, 'owner' | 'manager' | 'process'>): string[] {
  const manager = improvement.manager?.id ?? managerFor(services, improvement.owner.id)?.id;
  const processOwner = processOwnerOf(services.people.index, improvement.process)?.id;
  return [...new Set([manager, processOwner].filter((id): id is string => id !== undefined && id !== improvement.owner.id))];
}

/** The one who gets the card: the manager, else the process owner; undefined when nobody but the owner is named. */
export function approverOf(services: Services, improvement: Pick<Improvement, 'owner' | 'manager' | 'process'>): string | undefined {
  return deciders(services, improvement)[0];
}

/** True when `personId` may decide on (approve, reject, verify) the entry. */
export function mayDecide(services: Services, improvement: Pick<Improvement, 'owner' | 'manager' | 'process'>, personId: string): boolean {
  return deciders(services, improvement).includes(personId);
}

/**
 * The people whose actions a manager sees besides their own: members of the teams they manage (`teams[].manager`)
 * and their direct reports (`people[].manager`), without themselves.
 */
export function reportsOf(services: Services, managerId: string): string[] {
  const members = services.org.teams.filter((t) => t.manager === managerId).flatMap((t) => t.members);
  const direct = services.org.people.filter((p) => p.manager === managerId).map((p) => p.id);
  return [...new Set([...members, ...direct])].filter((id) => id !== managerId);
}

/** The person's name from the organisation file, else their id. */
export function nameOf(services: Services, personId: string): string {
  return services.people.person(personId)?.name ?? personId;
}
