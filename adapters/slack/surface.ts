import type { App } from '@slack/bolt';
import { WEB_API_METHODS } from './slack-outbound';

/**
 * What the adapter registers with Slack, recorded as it registers it, so that a test can hold `manifest.json`
 * to exactly this: the slash commands, shortcut callback ids, event subscriptions, and the bot scopes those and
 * the Web API methods we call need.
 */

/** Bot scopes each Web API method the adapter calls needs. */
export const METHOD_SCOPES: Record<(typeof WEB_API_METHODS)[number], string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  // Rooms for major incidents are public channels the bot creates, so it is a member and may invite and set the topic.
  'conversations.create': ['channels:manage'],
  'conversations.invite': ['channels:manage'],
  'conversations.open': ['im:write'],
  'conversations.setTopic': ['channels:manage'],
  // users.info gives name and time zone; the e-mail (which maps a person to the organisation file) needs its own scope.
  'users.info': ['users:read', 'users:read.email'],
  'views.open': [],
  'views.update': [],
  'views.publish': [],
};

/** Bot scopes each event subscription needs. */
export const EVENT_SCOPES: Record<string, string[]> = {
  'message.im': ['im:history'],
  app_mention: ['app_mentions:read'],
  app_home_opened: [],
};

/**
 * Scopes for what the code does beyond single calls: team notifications post into the team's channel named in
 * the organisation file, which the bot may not have been invited to.
 */
export const EXTRA_SCOPES = ['chat:write.public'];

/** What the adapter registered. */
export interface SlackSurface {
  commands: string[];
  shortcuts: string[];
  /** Event subscriptions as the manifest names them (`message.im`, not Bolt's `message`). */
  events: string[];
  /** Whether interactivity (buttons, modals) and the options load URL are used. */
  interactivity: boolean;
  options: boolean;
}

type Listener = (...args: never[]) => Promise<void>;

/**
 * Registers listeners on the Bolt app and records them. Events are given as subscriptions (`message.im`);
 * Bolt hears them by event type (`message`), and the listener filters the channel type.
 */
export function createRegistrar(app: App) {
  const surface: SlackSurface = { commands: [], shortcuts: [], events: [], interactivity: false, options: false };
  const register = {
    surface,
    command(name: string, listener: Listener): void {
      surface.commands.push(name);
      app.command(name, listener as never);
    },
    event(subscription: string, listener: Listener): void {
      surface.events.push(subscription);
      app.event(subscription.split('.')[0]!, listener as never);
    },
    shortcut(callbackId: string, listener: Listener): void {
      surface.shortcuts.push(callbackId);
      app.shortcut(callbackId, listener as never);
    },
    action(listener: Listener): void {
      surface.interactivity = true;
      app.action(/.*/, listener as never);
    },
    view(listener: Listener): void {
      surface.interactivity = true;
      app.view({ type: 'view_submission', callback_id: /.*/ }, listener as never);
    },
    options(actionId: string, listener: Listener): void {
      surface.options = true;
      app.options({ action_id: actionId }, listener as never);
    },
  };
  return register;
}

/** The registrar listeners receive. */
export type Registrar = ReturnType<typeof createRegistrar>;

/** Every bot scope the registered surface and the adapter's Web API calls need, sorted. */
export function requiredScopes(surface: SlackSurface): string[] {
  const scopes = new Set<string>(EXTRA_SCOPES);
  if (surface.commands.length > 0 || surface.shortcuts.length > 0) scopes.add('commands');
  for (const event of surface.events) for (const scope of EVENT_SCOPES[event] ?? []) scopes.add(scope);
  for (const method of WEB_API_METHODS) for (const scope of METHOD_SCOPES[method]) scopes.add(scope);
  return [...scopes].sort();
}
