/**
 * The slice of the Adaptive Card 1.5 schema the renderer writes. Kept loose (extra properties allowed) because
 * the schema is large and Teams adds its own `msteams` properties; the renderer's tests pin the shapes it uses.
 */

/** Any card element: TextBlock, FactSet, ActionSet, Container, Input.*. */
export interface CardElement {
  type: string;
  [property: string]: unknown;
}

/** Any card action: Action.Execute, Action.Submit, Action.ShowCard, Action.OpenUrl. */
export interface CardAction {
  type: string;
  title: string;
  [property: string]: unknown;
}

/** A Teams mention written into a card: `<at>Name</at>` in a TextBlock or fact, plus this entity. */
export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

/** A whole card as sent in an attachment. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardAction[];
  msteams?: { width?: 'Full'; entities?: MentionEntity[] };
}

/** The attachment content type of an Adaptive Card (also the invoke response type of a refreshed card). */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** The schema URL every card declares. */
export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
