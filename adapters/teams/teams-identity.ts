import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Actor, ChatIdentity } from '../../src/engine/events';
import type { Logger } from '../../src/engine/logger';
import type { People } from '../../src/engine/people';
import { identityOf } from './parse-activity';

/**
 * Who sent a Teams activity. The organisation file is matched on the AAD object id first; anyone else is looked
 * up once through the connector (`TeamsInfo.getMember`: name, e-mail, UPN), so an e-mail in the organisation file
 * still finds them, and otherwise they are a member of staff known by their Teams profile.
 */

/** A member's profile as far as the bot needs it. */
interface Profile {
  name?: string;
  email?: string;
  aadObjectId?: string;
}

/** How long a looked-up profile is reused, and a failed lookup remembered (so a connector that says no is not asked every turn). */
const PROFILE_TTL_MS = 60 * 60 * 1000;
const FAILURE_TTL_MS = 5 * 60 * 1000;
const MAX_PROFILES = 5_000;

/** Resolves senders to actors, with a small per-process cache of member profiles. */
export interface TeamsIdentity {
  actorFor(context: TurnContext): Promise<Actor>;
}

/** Creates the resolver; `now` is injectable so tests need not wait out the cache. */
export function createTeamsIdentity(people: People, logger: Logger, now: () => number = Date.now): TeamsIdentity {
  const profiles = new Map<string, { profile: Profile | null; until: number }>();

  async function lookUp(context: TurnContext): Promise<Profile | null> {
    const activity = context.activity;
    const memberId = activity.from?.id;
    // Only Teams' connector answers member lookups; the Emulator and other channels do not.
    if (!memberId || activity.channelId !== 'msteams') return null;
    const tenant = (activity.conversation?.tenantId ?? '') as string;
    const key = `${tenant}:${memberId}`;
    const cached = profiles.get(key);
    if (cached && cached.until > now()) return cached.profile;
    let profile: Profile | null = null;
    try {
      const member = await TeamsInfo.getMember(context, memberId);
      profile = {
        ...(member.name ? { name: member.name } : {}),
        ...(member.email || member.userPrincipalName ? { email: member.email || member.userPrincipalName } : {}),
        ...(member.aadObjectId ? { aadObjectId: member.aadObjectId } : {}),
      };
    } catch (error) {
      logger.debug({ err: error, memberId }, 'Teams did not give the member profile; using the activity sender');
    }
    if (profiles.size >= MAX_PROFILES) profiles.delete(profiles.keys().next().value as string);
    profiles.set(key, { profile, until: now() + (profile ? PROFILE_TTL_MS : FAILURE_TTL_MS) });
    return profile;
  }

  return {
    async actorFor(context) {
      const identity = identityOf(context.activity);
      const listed = people.resolve(identity);
      if (listed.listed) return listed;
      const profile = await lookUp(context);
      if (!profile) return listed;
      const enriched: ChatIdentity = {
        ...identity,
        // The AAD object id is the stable id when the activity only had the channel account id.
        ...(!context.activity.from?.aadObjectId && profile.aadObjectId ? { userId: profile.aadObjectId } : {}),
        ...(profile.name ? { name: profile.name } : {}),
        ...(profile.email ? { email: profile.email } : {}),
      };
      return people.resolve(enriched);
    },
  };
}
