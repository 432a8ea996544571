import type { webApi } from '@slack/bolt';
import type { ChatIdentity } from '../../src/engine/events';
import type { Logger } from '../../src/engine/logger';
import type { DocumentStore } from '../../src/store/ports';
import { COLLECTIONS } from '../../src/store/collections';

/**
 * Slack profiles (name, e-mail, time zone from `users.info`): what makes an unlisted member of staff known, and
 * what maps a Slack user to the organisation file by e-mail. Looked up on every interaction, so cached twice:
 * briefly in memory (per process), and for a day in the store (shared by replicas, and the fallback when Slack is
 * slow or the call fails).
 */

/** The store collection of cached profiles (one document per Slack user id). */
export const PROFILES_COLLECTION = COLLECTIONS.slackProfiles;

interface ProfileDoc {
  id: string;
  userId: string;
  name?: string;
  email?: string;
  timeZone?: string;
  fetchedAt: Date;
  [field: string]: unknown;
}

/** How long a stored profile is trusted before `users.info` is asked again. */
const STORE_TTL_MS = 24 * 60 * 60 * 1000;
const MEMORY_LIMIT = 2000;

function validZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || !zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Options of the profile cache. */
export interface SlackProfilesOptions {
  client: Pick<webApi.WebClient, 'users'>;
  store: DocumentStore;
  now: () => Date;
  logger: Logger;
  /** How long a profile stays in this process's memory (default 5 minutes). */
  memoryTtlMs?: number;
}

/** Creates the profile lookup. */
export function createSlackProfiles(options: SlackProfilesOptions) {
  const { client, store, now, logger } = options;
  const memoryTtlMs = options.memoryTtlMs ?? 5 * 60_000;
  const profiles = store.collection<ProfileDoc>(PROFILES_COLLECTION);
  const memory = new Map<string, { identity: ChatIdentity; at: number }>();

  function identityOf(doc: Pick<ProfileDoc, 'userId' | 'name' | 'email' | 'timeZone'>): ChatIdentity {
    return {
      channel: 'slack',
      userId: doc.userId,
      ...(doc.name ? { name: doc.name } : {}),
      ...(doc.email ? { email: doc.email } : {}),
      ...(doc.timeZone ? { timeZone: doc.timeZone } : {}),
    };
  }

  function remember(userId: string, identity: ChatIdentity): ChatIdentity {
    if (memory.size >= MEMORY_LIMIT) memory.delete(memory.keys().next().value!);
    memory.set(userId, { identity, at: Date.now() });
    return identity;
  }

  async function fetchProfile(userId: string): Promise<ProfileDoc> {
    const answer = await client.users.info({ user: userId });
    const user = (answer.user ?? {}) as Record<string, unknown>;
    const profile = (user.profile ?? {}) as Record<string, unknown>;
    const name = text(profile.display_name) ?? text(profile.real_name) ?? text(user.real_name) ?? text(user.name);
    const email = text(profile.email);
    const timeZone = validZone(user.tz);
    return { id: userId, userId, fetchedAt: now(), ...(name ? { name } : {}), ...(email ? { email } : {}), ...(timeZone ? { timeZone } : {}) };
  }

  return {
    /** The person's chat identity; never throws (a failed lookup gives what is stored, else the bare user id). */
    async identify(userId: string): Promise<ChatIdentity> {
      const cached = memory.get(userId);
      if (cached && Date.now() - cached.at < memoryTtlMs) return cached.identity;
      const stored = await profiles.findOne({ id: userId });
      if (stored && now().getTime() - stored.fetchedAt.getTime() < STORE_TTL_MS) return remember(userId, identityOf(stored));
      try {
        const fresh = await fetchProfile(userId);
        await profiles.updateOne({ id: userId }, { $set: fresh }, { upsert: true });
        return remember(userId, identityOf(fresh));
      } catch (error) {
        logger.warn({ err: error, userId }, 'users.info failed; using what is known of this Slack user');
        return identityOf(stored ?? { userId });
      }
    },
  };
}

/** The profile lookup. */
export type SlackProfiles = ReturnType<typeof createSlackProfiles>;
