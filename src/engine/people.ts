import { indexOrganisation, type Organisation, type OrganisationIndex, type Person } from '../domain/organisation';
import type { Actor, ChatIdentity } from './events';

/** Resolves chat identities to people: the organisation file's person where one matches, else a member of staff. */
export interface People {
  readonly index: OrganisationIndex;
  resolve(identity: ChatIdentity): Actor;
  /** The organisation file's person with this id, if any. */
  person(id: string): Person | undefined;
}

function listedPerson(index: OrganisationIndex, identity: ChatIdentity): Person | undefined {
  const byPlatform =
    identity.channel === 'slack'
      ? index.personBySlackId.get(identity.userId)
      : identity.channel === 'teams'
        ? index.personByTeamsId.get(identity.userId.toLowerCase())
        : index.personByWebchatName.get(identity.userId.trim().toLowerCase());
  return byPlatform ?? (identity.email ? index.personByEmail.get(identity.email.trim().toLowerCase()) : undefined);
}

/**
 * Creates the resolver. Matching order: the platform's own id written in the organisation file (Slack user id,
 * Teams AAD id, web chat name), then e-mail. Anyone else is staff, known by their chat profile, with no roles.
 */
export function createPeople(org: Organisation): People {
  const index = indexOrganisation(org);
  return {
    index,
    person: (id) => index.personById.get(id),
    resolve(identity) {
      const person = listedPerson(index, identity);
      if (person) {
        return {
          id: person.id,
          name: person.name,
          email: person.email,
          timeZone: person.timeZone,
          listed: true,
          roles: person.roles,
          identity,
        };
      }
      const name = identity.name?.trim() || identity.userId;
      return {
        id: `${identity.channel}:${identity.channel === 'webchat' ? identity.userId.trim().toLowerCase() : identity.userId}`,
        name,
        ...(identity.email ? { email: identity.email } : {}),
        timeZone: identity.timeZone ?? org.timeZone,
        listed: false,
        roles: [],
        identity,
      };
    },
  };
}
