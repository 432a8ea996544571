import { TurnContext } from 'botbuilder';
import type { Dispatcher } from '../../src/engine/dispatcher';
import type { Actor, Conversation } from '../../src/engine/events';
import type { Form, FormValues, Message } from '../../src/engine/message';
import type { AdaptiveCard } from './adaptive-card.types';
import type { CardDataResult, CardPayload } from './card-data';
import type { CardRenderer } from './card-renderer';
import { encodeMessageRef } from './conversation-references';
import type { FormCard, FormCards } from './form-cards';
import { readSubmission } from './form-values';
import { deliveryIdOf } from './parse-activity';

/**
 * What happens when someone presses a button or submits a form on one of the bot's cards, by Action.Execute
 * (an invoke) or Action.Submit (a message with a value): the card to show instead, and new messages to send.
 * Both paths share this, so they behave the same.
 */

/** The answer to a card action. */
export interface CardResult {
  /** The card that replaces the one acted on; absent when the card stays as it is. */
  card?: AdaptiveCard;
  /** A short note when the card stays (shown by Teams for an invoke). */
  note?: string;
  /** New messages for the conversation. */
  messages: Message[];
}

/** How long a second submission waits for the first one of the same card: 20 × 100 ms, inside Teams' invoke timeout. */
const SETTLE_POLLS = 20;
const SETTLE_POLL_MS = 100;

/** Said on the card when its data was altered on the way back. */
export const TAMPERED_TEXT = 'This card was changed on its way back to me, so I did not act on it and nothing was saved. Please start again.';
/** Said on the card when it is not one of the bot's current cards. */
export const FOREIGN_TEXT = 'This card is no longer available, so nothing was saved. Type help to see what I can do.';
/** Said when a stored form is gone (expired). */
export const EXPIRED_TEXT = 'This form has expired, so nothing was saved. Please start again.';

function notice(text: string, title = 'Nothing was saved'): Message {
  return { summary: text, blocks: [{ kind: 'heading', text: title }, { kind: 'text', text }] };
}

function displayValue(form: Form, name: string, value: FormValues[string]): string | undefined {
  const input = form.inputs.find((candidate) => candidate.name === name);
  if (!input || value === undefined || value === '') return undefined;
  const label = (option: string) =>
    input.kind === 'select' || input.kind === 'multiselect' ? (input.options.find((o) => o.value === option)?.label ?? option) : option;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.length ? value.map(label).join(', ') : undefined;
  return label(value);
}

/** What a submitted form turns into when the flow did not say: its answers, read-only. */
export function confirmationMessage(form: Form, values: FormValues, actor: Actor): Message {
  const fields = form.inputs
    .map((input) => ({ label: input.label, value: displayValue(form, input.name, values[input.name]) }))
    .filter((field): field is { label: string; value: string } => field.value !== undefined);
  return {
    summary: `${form.title}: sent`,
    blocks: [
      { kind: 'heading', text: form.title },
      ...(fields.length ? [{ kind: 'fields' as const, fields }] : []),
      { kind: 'context', text: `Sent by ${actor.name}. This form is closed.` },
    ],
  };
}

function cancelledMessage(form: Form): Message {
  return { summary: `${form.title}: cancelled`, blocks: [{ kind: 'heading', text: form.title }, { kind: 'context', text: 'Cancelled. Nothing was saved.' }] };
}

/** Everything a card action needs. */
export interface CardActionDeps {
  dispatcher: Dispatcher;
  cards: FormCards;
  renderer: CardRenderer;
}

/** One card action in a turn. */
export interface CardAction {
  context: TurnContext;
  actor: Actor;
  conversation: Conversation;
  data: CardDataResult;
  /** The submitted data without the bot's own key: the inputs' values. */
  inputs: Record<string, unknown>;
}

/** Creates the handler shared by Action.Execute and Action.Submit. */
export function createCardActions(deps: CardActionDeps) {
  const { dispatcher, cards, renderer } = deps;

  function sourceOf(context: TurnContext) {
    const activity = context.activity;
    return activity.replyToId ? encodeMessageRef(TurnContext.getConversationReference(activity), activity.replyToId) : undefined;
  }

  async function button(action: CardAction, payload: Extract<CardPayload, { k: 'a' }>): Promise<CardResult> {
    const { context, actor, conversation } = action;
    const source = sourceOf(context);
    const outcome = await dispatcher.dispatch({
      type: 'action',
      action: payload.verb,
      ...(payload.value !== undefined ? { value: payload.value } : {}),
      ...(source ? { source } : {}),
      ...(deliveryIdOf(context.activity) ? { deliveryId: deliveryIdOf(context.activity)! } : {}),
      actor,
      conversation,
    });
    const messages = outcome.duplicate ? [] : (outcome.messages ?? []);
    if (outcome.update) return { card: await renderer.single(outcome.update, conversation.id), messages };
    // The card stays as it is; what the flow said arrives as messages, so the invoke only acknowledges.
    return { note: 'Done.', messages };
  }

  /** The card's face once it can no longer be submitted: its confirmation, or that it was cancelled. */
  async function closed(card: FormCard, conversationId: string): Promise<CardResult | null> {
    if (card.status === 'submitted' && card.confirmation) return { card: await renderer.single(card.confirmation, conversationId), messages: [] };
    if (card.status === 'cancelled') return { card: await renderer.single(cancelledMessage(card.message.form), conversationId), messages: [] };
    return null;
  }

  /** The card once a submission running elsewhere has finished, waiting briefly for it (Teams waits a few seconds). */
  async function settled(id: string): Promise<FormCard | null> {
    for (let attempt = 0; attempt < SETTLE_POLLS; attempt += 1) {
      const card = await cards.get(id);
      if (!card || card.status !== 'submitting') return card;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
    return cards.get(id);
  }

  async function submit(action: CardAction, payload: Extract<CardPayload, { k: 's' }>): Promise<CardResult> {
    const { context, actor, conversation } = action;
    const card = await cards.get(payload.card);
    if (!card) return { card: await renderer.single(notice(EXPIRED_TEXT), conversation.id), messages: [] };
    if (card.message.form.id !== payload.verb) return { card: await renderer.single(notice(TAMPERED_TEXT), conversation.id), messages: [] };
    const done = await closed(card, conversation.id);
    if (done) return done;

    const { values, errors } = readSubmission(card.message.form, action.inputs);
    const again = (fieldErrors: Record<string, string>, formError?: string): CardResult => ({
      card: renderer.form(card.id, { ...card.message, form: { ...card.message.form, values, errors: fieldErrors } }, formError ? { formError } : {}),
      messages: [],
    });
    if (Object.keys(errors).length) return again(errors);

    if (!(await cards.claim(card.id))) {
      // Another submission of this card (a double click, a second device) is running: show its outcome.
      const now = await settled(card.id);
      const shown = now && (await closed(now, conversation.id));
      if (shown) return shown;
      // The other submission was refused and the form is open again: show it, with what was typed here.
      if (now?.status === 'open') return again({}, 'This form was being sent from somewhere else. Check it and send it again.');
      return { card: await renderer.single(notice('This form is being sent already. Give it a moment.', card.message.form.title), conversation.id), messages: [] };
    }
    const source = sourceOf(context);
    const outcome = await dispatcher.dispatch({
      type: 'submit',
      form: payload.verb,
      values,
      ...(payload.state !== undefined ? { state: payload.state } : {}),
      ...(source ? { source } : {}),
      ...(deliveryIdOf(context.activity) ? { deliveryId: deliveryIdOf(context.activity)! } : {}),
      actor,
      conversation,
    });
    if (outcome.errors && Object.keys(outcome.errors).length) {
      await cards.release(card.id);
      return again(outcome.errors);
    }
    // No flow took it (a refusal such as "not allowed", or a failure with a reference): the form stays open.
    if (!outcome.flowId) {
      await cards.release(card.id);
      return again({}, (outcome.messages ?? []).map((message) => message.summary).join(' ') || 'That did not work. Please try again.');
    }
    const confirmation = outcome.update ?? confirmationMessage(card.message.form, values, actor);
    await cards.complete(card.id, confirmation);
    return { card: await renderer.single(confirmation, conversation.id), messages: outcome.duplicate ? [] : (outcome.messages ?? []) };
  }

  async function cancel(action: CardAction, payload: Extract<CardPayload, { k: 'c' }>): Promise<CardResult> {
    const card = await cards.get(payload.card);
    if (!card || card.message.form.id !== payload.verb) return { card: await renderer.single(notice(EXPIRED_TEXT), action.conversation.id), messages: [] };
    if (card.status === 'open') await cards.cancel(card.id);
    const now = (await cards.get(card.id)) ?? card;
    return (await closed(now, action.conversation.id)) ?? { card: await renderer.single(cancelledMessage(card.message.form), action.conversation.id), messages: [] };
  }

  return {
    /** Handles one card action; nothing reaches a flow unless the card's data is intact. */
    async handle(action: CardAction): Promise<CardResult> {
      const { data, conversation } = action;
      if (data.kind === 'foreign') return { card: await renderer.single(notice(FOREIGN_TEXT), conversation.id), messages: [] };
      if (data.kind === 'tampered') return { card: await renderer.single(notice(TAMPERED_TEXT), conversation.id), messages: [] };
      const payload = data.payload;
      if (payload.k === 'a') return button(action, payload);
      if (payload.k === 's') return submit(action, payload);
      return cancel(action, payload);
    },
  };
}
