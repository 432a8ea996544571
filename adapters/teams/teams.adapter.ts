import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CloudAdapter, type TurnContext } from 'botbuilder';
import { textMessage } from '../../src/engine/message';
import type { Transport } from '../../src/engine/notifier';
import type { ChannelAdapter, ChannelAdapterOptions } from '../shared/channel-adapter';
import { ADAPTIVE_CARD_CONTENT_TYPE } from './adaptive-card.types';
import { createCardRenderer } from './card-renderer';
import { createFormCards } from './form-cards';
import { messagesRoute } from './messages-route';
import { ADAPTIVE_CARD_ACTION_INVOKE } from './parse-activity';
import { cardActivity, renderMessage } from './render-adaptive-card';
import { authMode, createAuthentication, type TeamsCredentialsFactory } from './teams-auth';
import { createTeamsIdentity } from './teams-identity';
import { createTeamsTransport, type ThrottlePolicy } from './teams-transport';
import { answerInvoke, createTurnHandler } from './teams-turn';

/** Options for {@link createTeamsAdapter}: the composition root's, plus seams for tests. */
export interface TeamsAdapterOptions extends ChannelAdapterOptions {
  /** Where botbuilder's own endpoint settings are read from (default: `process.env`). */
  settings?: Record<string, string | undefined>;
  /** Outbound credentials (tests: a factory whose token is fixed, so no call to Microsoft Entra is made). */
  credentialsFactory?: TeamsCredentialsFactory;
  /** Retrying throttled proactive calls (tests: an instant sleep). */
  throttle?: ThrottlePolicy;
  /** Judges whether a request comes from this machine in Emulator mode (tests: a fake remote address). */
  isLocal?: (req: IncomingMessage) => boolean;
}

/** The Teams adapter: its route, its transport (already registered with the notifier) and a no-op lifecycle. */
export interface TeamsAdapter extends ChannelAdapter {
  readonly channel: 'teams';
  readonly transport: Transport;
  readonly mode: 'jwt' | 'emulator';
}

const SORRY = (reference: string) =>
  `Something went wrong on our side and nothing was saved. Please try again; if it keeps happening, quote reference ${reference}.`;

/**
 * Plugs Microsoft Teams into the engine through botbuilder's CloudAdapter. Always on: with MICROSOFT_APP_ID every
 * request's token is verified; without it the endpoint serves the Bot Framework Emulator on this machine only.
 */
export async function createTeamsAdapter(options: TeamsAdapterOptions): Promise<TeamsAdapter> {
  const { env, dispatcher, services, signer, logger } = options;
  const mode = authMode(env);
  const authentication = createAuthentication(env, options.settings ?? process.env, options.credentialsFactory);
  const adapter = new CloudAdapter(authentication);
  const cards = createFormCards(services.store, services.clock);
  const renderer = createCardRenderer({ signer, cards, services });
  let lastServiceUrl: string | undefined;

  // The one error sink: logged with a reference the person is told, so support can find the log line.
  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    const reference = randomUUID().slice(0, 8);
    const activity = context.activity;
    logger.error({ err: error, reference, activityType: activity.type, activityName: activity.name, activityId: activity.id }, 'Teams turn failed');
    const message = textMessage(SORRY(reference));
    const [card] = renderMessage(message, { signer, mode: 'single' });
    try {
      if (activity.type === 'invoke' && activity.name === ADAPTIVE_CARD_ACTION_INVOKE) {
        await answerInvoke(context, 200, { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card });
      } else if (activity.type === 'message' || activity.type === 'conversationUpdate') {
        await context.sendActivity(cardActivity(card!, message.summary));
      }
    } catch (sendError) {
      logger.warn({ err: sendError, reference }, 'could not tell the Teams user about the failure');
    }
  };

  const logic = createTurnHandler({
    dispatcher,
    services,
    signer,
    cards,
    renderer,
    identity: createTeamsIdentity(services.people, logger),
    onServiceUrl: (url) => {
      lastServiceUrl = url;
    },
  });

  const transport = createTeamsTransport({
    adapter,
    appId: mode.kind === 'jwt' ? mode.appId : '',
    renderer,
    logger,
    ...(options.throttle ? { throttle: options.throttle } : {}),
    serviceUrl: () => lastServiceUrl,
  });
  services.notifier.register(transport);

  if (mode.kind === 'jwt') {
    logger.info({ appId: mode.appId, appType: mode.appType }, 'Teams is on: /api/messages verifies Bot Framework tokens for this app');
  } else {
    logger.info('Teams is on in Bot Framework Emulator mode (no MICROSOFT_APP_ID): /api/messages is unauthenticated and answers this machine only');
  }

  return {
    channel: 'teams',
    mode: mode.kind,
    transport,
    routes: [messagesRoute({ adapter, logic, authenticated: mode.kind === 'jwt', logger, ...(options.isLocal ? { isLocal: options.isLocal } : {}) })],
    // Teams holds no connection of its own: everything arrives over the shared HTTP server.
    async start() {},
    async stop() {},
  };
}
