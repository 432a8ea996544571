import { App, HTTPReceiver, SocketModeReceiver, webApi, type Authorize } from '@slack/bolt';
import type { Route } from '../http/server';
import type { ChannelAdapter, ChannelAdapterOptions } from '../shared/channel-adapter';
import { createAckFirst, DEFAULT_ACK_FIRST, type AckFirstTimings } from './ack-first';
import { boltLogger } from './bolt-logger';
import { boltErrorHandler, createErrorSink } from './error-sink';
import { createSlackKit, DEFAULT_TIMINGS, type SlackTimings } from './interaction-kit';
import { registerActions } from './listeners/actions';
import { registerCommands } from './listeners/commands';
import { registerHome } from './listeners/home';
import { registerMessages } from './listeners/messages';
import { registerOptions } from './listeners/options';
import { registerShortcuts } from './listeners/shortcuts';
import { registerViews } from './listeners/views';
import { createModalContexts } from './modal-context';
import { cachedSelf, createEventsHandler } from './events-route';
import { createPendingForms } from './pending-forms';
import { readSlackConfig, type SlackConfig } from './slack-config';
import { createSlackOutbound } from './slack-outbound';
import { createSlackProfiles } from './slack-profiles';
import { createSlackTransport } from './slack-transport';
import { createRegistrar, type SlackSurface } from './surface';

/** The one Slack endpoint: Events API, slash commands, interactivity and options load all post here. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Knobs for tests and operators; production uses the defaults. */
export interface SlackTuning {
  /** The WebClient retry policy of Bolt's own client (tests: `{ retries: 0 }`). */
  retryConfig?: webApi.RetryOptions;
  /** Attempts per outbound call, the first included (default 5). */
  outboundAttempts?: number;
  timings?: Partial<SlackTimings>;
  /** How long a Slack profile stays in this process's memory. */
  profileMemoryTtlMs?: number;
  /** When work after an ack may run (see ack-first.ts). */
  ackFirst?: Partial<AckFirstTimings>;
}

/** What the composition root passes, plus optional tuning. */
export interface SlackAdapterOptions extends ChannelAdapterOptions {
  tuning?: SlackTuning;
}

/** The Slack adapter: its route (HTTP mode), its connection (Socket Mode), and what it registered. */
export interface SlackAdapter extends ChannelAdapter {
  readonly channel: 'slack';
  readonly mode: SlackConfig['mode'];
  /** Commands, shortcuts and events registered with Bolt: `manifest.json` must declare exactly these. */
  readonly surface: SlackSurface;
}

/**
 * Creates the Slack adapter over the real Bolt stack, or returns null (after one info line) when Slack has no
 * credentials. HTTP mode mounts Bolt's own HTTPReceiver (its signature check, 5-minute replay window and
 * url_verification) on the shared server at `POST /slack/events`; Socket Mode connects out with the app token.
 */
export async function createSlackAdapter(options: SlackAdapterOptions): Promise<SlackAdapter | null> {
  const { env, dispatcher, services, signer, tuning = {} } = options;
  const config = readSlackConfig(env);
  if ('off' in config) {
    options.logger.info(`Slack is off: ${config.off}`);
    return null;
  }
  const logger = options.logger.child({ adapter: 'slack' });
  const bolt = boltLogger(logger);
  const apiUrl = config.apiUrl ? { slackApiUrl: config.apiUrl } : {};
  const clientOptions: webApi.WebClientOptions = { logger: bolt, ...apiUrl, ...(tuning.retryConfig ? { retryConfig: tuning.retryConfig } : {}) };
  // Our own calls retry in createSlackOutbound (bounded; 429s wait Retry-After), so this client does not.
  const client = new webApi.WebClient(config.botToken, { logger: bolt, ...apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  const self = cachedSelf(client);
  const errors = createErrorSink(logger);
  const outbound = createSlackOutbound({ client, logger, ...(tuning.outboundAttempts ? { attempts: tuning.outboundAttempts } : {}) });
  const now = () => services.clock.now();
  const pendingForms = createPendingForms(services.conversations, now);
  const ackFirst = createAckFirst({ ...DEFAULT_ACK_FIRST, ...tuning.ackFirst });
  const onError = boltErrorHandler({ errors, outbound, logger });
  const render = { slackIdOf: (personId: string) => services.people.person(personId)?.slackUserId };

  const authorize: Authorize<boolean> = async () => {
    const me = await self();
    return { botToken: config.botToken, ...(me.botId ? { botId: me.botId } : {}), ...(me.botUserId ? { botUserId: me.botUserId } : {}), ...(me.teamId ? { teamId: me.teamId } : {}) };
  };
  const common = { authorize, logger: bolt, clientOptions, convoStore: false as const, extendedErrorHandler: true, ignoreSelf: true };
  let receiver: HTTPReceiver | undefined;
  let socket: SocketModeReceiver | undefined;
  let app: App;
  if (config.mode === 'socket') {
    // Built here rather than by App, to reach its client: Bolt's stop() does not wait for the disconnection.
    socket = new SocketModeReceiver({ appToken: config.appToken, logger: bolt, installerOptions: { clientOptions } });
    app = new App({ ...common, socketMode: true, receiver: socket });
  } else {
    // processBeforeResponse false: ack() answers Slack at once and the work continues after.
    // signatureVerification false: the route in front (events-route.ts) has verified every request it passes on.
    receiver = new HTTPReceiver({ signingSecret: config.signingSecret, endpoints: SLACK_EVENTS_PATH, processBeforeResponse: false, signatureVerification: false, logger: bolt });
    app = new App({ ...common, receiver });
  }

  const kit = createSlackKit({
    dispatcher,
    services,
    outbound,
    profiles: createSlackProfiles({ client, store: services.store, now, logger, ...(tuning.profileMemoryTtlMs !== undefined ? { memoryTtlMs: tuning.profileMemoryTtlMs } : {}) }),
    contexts: createModalContexts(signer, services.conversations, now),
    pendingForms,
    render,
    logger,
    errors,
    timings: { ...DEFAULT_TIMINGS, ...tuning.timings },
    ackFirst,
    onError,
  });
  const register = createRegistrar(app);
  registerCommands(register, kit);
  registerShortcuts(register, kit);
  registerMessages(register, kit);
  registerHome(register, kit);
  registerActions(register, kit);
  registerViews(register, kit);
  registerOptions(register, kit);

  app.error(onError);

  services.notifier.register(createSlackTransport({ outbound, render, pendingForms, logger }));

  const routes: Route[] =
    receiver && config.mode === 'http'
      ? [{ method: 'POST', path: SLACK_EVENTS_PATH, handle: createEventsHandler({ receiver, app, signingSecret: config.signingSecret, commands: register.surface.commands, self, ackFirst, logger }) }]
      : [];

  return {
    channel: 'slack',
    mode: config.mode,
    surface: register.surface,
    routes,
    async start() {
      if (config.mode === 'socket') {
        await app.start();
        logger.info('Slack is on (Socket Mode)');
        return;
      }
      // Learn who the bot is now, not on the first request (which must be acked within 3 seconds).
      try {
        const me = await self();
        logger.info({ team: me.teamId, botUserId: me.botUserId }, `Slack is on (HTTP at ${SLACK_EVENTS_PATH})`);
      } catch (error) {
        logger.warn({ err: error }, 'Slack is on, but auth.test failed; requests will be refused until it succeeds');
      }
    },
    async stop() {
      // Requests already acked are answered before the store closes.
      await ackFirst.drain();
      // Resolves once the client is `disconnected` (the close handshake done), not when it was asked to go.
      if (socket) await socket.client.disconnect();
    },
  };
}
