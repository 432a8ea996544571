/**
 * The collection names the product uses, in one place so repositories, {@link INDEXES} and operators agree.
 * The DESIGN calls the idempotency-key collection `notifications`; it is named `idempotency` because it guards
 * every at-most-once side effect (proactive messages, record creation on replayed submissions), not only
 * notifications.
 */
export const COLLECTIONS = {
  incidents: 'incidents',
  changes: 'changes',
  improvements: 'improvements',
  questions: 'questions',
  knowledgeGaps: 'knowledge_gaps',
  audit: 'audit',
  counters: 'counters',
  conversations: 'conversations',
  addresses: 'addresses',
  idempotency: 'idempotency',
  locks: 'locks',
  webchatInbox: 'webchat_inbox',
  /** Form cards sent on Teams, so errors are shown on the same card and a form is submitted once (adapters/teams). */
  teamsCards: 'teams_cards',
  /** Slack profiles (name, e-mail, time zone) kept for a day, so a Slack outage does not make people strangers. */
  slackProfiles: 'slack_profiles',
  /** Installation settings, e.g. the key that signs state handed to chat platforms (adapters/shared). */
  settings: 'settings',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];
