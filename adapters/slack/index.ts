/**
 * The Slack adapter: Bolt (HTTP on the shared server, or Socket Mode), Block Kit and modals rendered from the
 * neutral message model, and the notifier's Slack transport. The composition root needs only this file.
 */
export { createSlackAdapter, SLACK_EVENTS_PATH, type SlackAdapter, type SlackAdapterOptions, type SlackTuning } from './slack.adapter';
export { requiredScopes, type SlackSurface } from './surface';
