import type { TurnContext } from 'botbuilder';
import type { Dispatcher } from '../../src/engine/dispatcher';
import type { Actor, Conversation, InboundEvent } from '../../src/engine/events';
import type { Message } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import type { StateSigner } from '../shared/signed-state';
import { ADAPTIVE_CARD_CONTENT_TYPE } from './adaptive-card.types';
import { createCardActions, type CardResult } from './card-actions';
import { readCardData } from './card-data';
import type { CardRenderer } from './card-renderer';
import { channelConversationId, channelReference, personalReference } from './conversation-references';
import type { FormCards } from './form-cards';
import { submittedData } from './form-values';
import {
  ADAPTIVE_CARD_ACTION_INVOKE,
  botWasAdded,
  conversationOf,
  deliveryIdOf,
  isPersonal,
  messageText,
  readExecute,
} from './parse-activity';
import { cardActivity } from './render-adaptive-card';
import type { TeamsIdentity } from './teams-identity';
import { welcomeMessage } from './welcome';

/**
 * One inbound Teams turn, from activity to engine and back: messages and @mentions become message events,
 * card actions (Action.Execute invokes and Action.Submit messages) become action and submit events answered by
 * a refreshed card, and the bot's installation is greeted once. Every turn also refreshes where the person or
 * channel can be reached later.
 */

/** What the turn handler needs. */
export interface TurnDeps {
  dispatcher: Dispatcher;
  services: Services;
  signer: StateSigner;
  cards: FormCards;
  renderer: CardRenderer;
  identity: TeamsIdentity;
  /** Told the service URL of every Teams activity, so proactive messages to unseen channels use the right region. */
  onServiceUrl?(serviceUrl: string): void;
}

/** The invoke answer types of Universal Actions. */
const MESSAGE_RESPONSE_TYPE = 'application/vnd.microsoft.activity.message';
const ERROR_RESPONSE_TYPE = 'application/vnd.microsoft.error';

/** Sets the HTTP answer of an invoke turn (botbuilder sends it as the response to Teams' request). */
export async function answerInvoke(context: TurnContext, status: number, body: unknown): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value: { status, body } });
}

/** Creates the turn logic handed to CloudAdapter. */
export function createTurnHandler(deps: TurnDeps): (context: TurnContext) => Promise<void> {
  const { dispatcher, services, signer, renderer, identity } = deps;
  const cardActions = createCardActions({ dispatcher, cards: deps.cards, renderer });

  async function send(context: TurnContext, conversation: Conversation, messages: readonly Message[]): Promise<void> {
    for (const message of messages) {
      const activities = await renderer.activities(message, conversation.id);
      await context.sendActivities(activities);
    }
  }

  async function saveAddress(context: TurnContext, actor: Actor): Promise<void> {
    const activity = context.activity;
    const now = services.clock.now();
    if (isPersonal(activity)) {
      await services.addresses.save({ personId: actor.id, channel: 'teams', address: personalReference(activity), now });
      return;
    }
    const conversationId = channelConversationId(activity);
    await services.addresses.saveConversation({ channel: 'teams', conversationId, address: channelReference(activity, conversationId), now });
  }

  async function onMessage(context: TurnContext, actor: Actor, conversation: Conversation): Promise<void> {
    const activity = context.activity;
    // Action.Submit (clients without Universal Actions) arrives as a message whose value is the card's data.
    if (activity.value !== undefined && activity.value !== null && typeof activity.value === 'object') {
      const result = await cardActions.handle({ context, actor, conversation, data: readCardData(signer, activity.value), inputs: submittedData(activity.value) });
      await replaceCard(context, result);
      await send(context, conversation, result.messages);
      return;
    }
    const text = messageText(activity);
    const deliveryId = deliveryIdOf(activity);
    const base = { actor, conversation, ...(deliveryId ? { deliveryId } : {}) };
    // An @mention with no words is a request for help.
    const event: InboundEvent = text ? { ...base, type: 'message', text } : { ...base, type: 'command', command: 'help', args: '' };
    const outcome = await dispatcher.dispatch(event);
    if (outcome.duplicate) return;
    await send(context, conversation, outcome.messages ?? []);
  }

  /** On the Action.Submit path the card is replaced by updating the message it was on. */
  async function replaceCard(context: TurnContext, result: CardResult): Promise<void> {
    if (!result.card) return;
    const activity = cardActivity(result.card, 'Updated card');
    if (context.activity.replyToId) {
      try {
        await context.updateActivity({ ...activity, id: context.activity.replyToId });
        return;
      } catch (error) {
        services.logger.warn({ err: error }, 'could not update the Teams card in place; sending it as a new message');
      }
    }
    await context.sendActivity(activity);
  }

  async function onInvoke(context: TurnContext, actor: Actor, conversation: Conversation): Promise<void> {
    // Other invokes (message extensions, task modules, sign-in) are not used: no answer means 501 Not Implemented.
    if (context.activity.name !== ADAPTIVE_CARD_ACTION_INVOKE) return;
    const execute = readExecute(context.activity.value);
    if (!execute) {
      await answerInvoke(context, 400, {
        statusCode: 400,
        type: ERROR_RESPONSE_TYPE,
        value: { code: 'BadRequest', message: 'The card action is not an Action.Execute with a verb.' },
      });
      return;
    }
    const result = await cardActions.handle({
      context,
      actor,
      conversation,
      data: readCardData(signer, execute.data, execute.verb),
      inputs: submittedData(execute.data),
    });
    const body = result.card
      ? { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: result.card }
      : { statusCode: 200, type: MESSAGE_RESPONSE_TYPE, value: result.note ?? 'Done.' };
    await answerInvoke(context, 200, body);
    await send(context, conversation, result.messages);
  }

  async function onConversationUpdate(context: TurnContext, actor: Actor, conversation: Conversation): Promise<void> {
    if (!botWasAdded(context.activity)) return;
    // Teams re-delivers installation events and every replica may see one: the welcome is claimed once per conversation.
    await services.idempotency.once(
      `teams:welcome:${conversation.id}`,
      async () => {
        const help = await dispatcher.dispatch({ type: 'command', command: 'help', args: '', actor, conversation });
        await send(context, conversation, [welcomeMessage(help.messages?.[0], { direct: conversation.direct, botName: context.activity.recipient?.name })]);
        return { welcomed: true };
      },
      { now: services.clock.now(), leaseMs: 60_000 },
    );
  }

  return async (context) => {
    const activity = context.activity;
    if (activity.channelId === 'msteams' && activity.serviceUrl) deps.onServiceUrl?.(activity.serviceUrl);
    const actor = await identity.actorFor(context);
    const conversation = conversationOf(activity);
    await saveAddress(context, actor);
    switch (activity.type) {
      case 'message':
        return onMessage(context, actor, conversation);
      case 'invoke':
        return onInvoke(context, actor, conversation);
      case 'conversationUpdate':
        return onConversationUpdate(context, actor, conversation);
      default:
        // installationUpdate, messageReaction, typing…: nothing to say; the address above is what matters.
        return;
    }
  };
}
