/** The Teams adapter's public surface: what the composition root wires in. */
export { createTeamsAdapter, type TeamsAdapter, type TeamsAdapterOptions } from './teams.adapter';
/** Outbound credentials botbuilder signs connector calls with (injectable for tests). */
export type { TeamsCredentialsFactory } from './teams-auth';
/** How throttled proactive calls are retried. */
export type { ThrottlePolicy } from './teams-transport';
