import type { Form, Message } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import type { StateSigner } from '../shared/signed-state';
import type { AdaptiveCard } from './adaptive-card.types';
import type { FitMode } from './card-limits';
import type { FormCards } from './form-cards';
import { cardActivity, renderMessage, type CardActivity } from './render-adaptive-card';
import type { MentionLookup } from './render-rich-text';

/**
 * The adapter's rendering service: neutral messages to card activities, storing each form it sends so its
 * submission can be matched, answered with field errors, and accepted once.
 */
export interface CardRenderer {
  /** A new message: stores its form (if any) and renders it, split over several activities when it is large. */
  activities(message: Message, conversationId: string): Promise<CardActivity[]>;
  /** A message that replaces a card (an update, an invoke response): always exactly one card. */
  single(message: Message, conversationId: string): Promise<AdaptiveCard>;
  /** A stored form shown again, with the person's values and the errors to fix, under the same card id. */
  form(cardId: string, message: Message & { form: Form }, extra?: { formError?: string }): AdaptiveCard;
}

/** Mentions people Teams can notify: the organisation file's AAD ids, and unlisted staff known by their Teams id. */
export function mentionLookup(services: Services): MentionLookup {
  return (personId, name) => {
    const person = services.people.person(personId);
    if (person?.teamsAadId) return { id: person.teamsAadId, name: person.name };
    if (personId.startsWith('teams:')) return { id: personId.slice('teams:'.length), name };
    return undefined;
  };
}

/** Creates the renderer over the form-card store. */
export function createCardRenderer(options: { signer: StateSigner; cards: FormCards; services: Services }): CardRenderer {
  const { signer, cards } = options;
  const mention = mentionLookup(options.services);

  async function render(message: Message, conversationId: string, mode: FitMode): Promise<AdaptiveCard[]> {
    const cardId = message.form ? await cards.create(conversationId, message as Message & { form: Form }) : undefined;
    return renderMessage(message, { signer, mention, mode, ...(cardId ? { cardId } : {}) });
  }

  return {
    async activities(message, conversationId) {
      return (await render(message, conversationId, 'split')).map((card) => cardActivity(card, message.summary));
    },
    async single(message, conversationId) {
      const [card] = await render(message, conversationId, 'single');
      return card!;
    },
    form(cardId, message, extra = {}) {
      const [card] = renderMessage(message, { signer, mention, mode: 'single', cardId, ...extra });
      return card!;
    },
  };
}
