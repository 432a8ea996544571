import type { Block, Button, Message } from '../../src/engine/message';
import type { StateSigner } from '../shared/signed-state';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard, type CardAction, type CardElement } from './adaptive-card.types';
import { signCardData } from './card-data';
import { packCards, type CardGroup, type FitMode } from './card-limits';
import { escapeMarkdown } from './markdown-escape';
import { renderFormTail } from './render-form';
import { joinLines, richTextMarkdown, renderRichText, type MentionLookup, type RenderedText } from './render-rich-text';

/**
 * Renders the neutral message model to Adaptive Cards (schema 1.5) for Teams: one converter per block kind,
 * every string escaped for Teams' Markdown subset, buttons as Action.Execute with an Action.Submit fallback for
 * clients without Universal Actions, and the result fitted under Teams' activity size limit.
 */

/** What rendering needs besides the message. */
export interface RenderOptions {
  signer: StateSigner;
  /** `split` for new messages (may become several activities); `single` for updates and invoke responses. */
  mode: FitMode;
  /** Who a person span mentions; without it people are shown by name. */
  mention?: MentionLookup;
  /** The stored card id of the message's form (required when the message has one). */
  cardId?: string;
  /** A problem with the whole submission, shown above the form's inputs. */
  formError?: string;
  /** The card budget in bytes (tests shrink it). */
  budget?: number;
}

/** A TextBlock longer than this (in characters of Markdown) is continued in the next one, so cards can split between them. */
export const MAX_TEXTBLOCK_CHARS = 6_000;
/** Facts per FactSet chunk, and the longest fact label and value kept. */
const FACTS_PER_SET = 12;
const MAX_FACT_LABEL_CHARS = 200;
/** Buttons per ActionSet: Teams shows at most five or six actions in a row. */
const BUTTONS_PER_SET = 5;
const MAX_HEADING_CHARS = 300;

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Splits rendered lines into TextBlocks of at most {@link MAX_TEXTBLOCK_CHARS}, each its own group. */
function textGroups(rendered: RenderedText, style: Record<string, unknown>): CardGroup[] {
  const groups: CardGroup[] = [];
  let chunk: RenderedText['lines'] = [];
  const flush = () => {
    if (!chunk.length) return;
    const text = joinLines(chunk);
    const entities = rendered.entities.filter((entity) => text.includes(entity.text));
    groups.push({ elements: [{ type: 'TextBlock', text, wrap: true, ...style }], entities });
    chunk = [];
  };
  for (const line of rendered.lines) {
    if (chunk.length && joinLines([...chunk, line]).length > MAX_TEXTBLOCK_CHARS) flush();
    chunk.push(line);
  }
  flush();
  return groups;
}

function buttonAction(button: Button, signer: StateSigner): CardAction {
  const data = signCardData(signer, { k: 'a', verb: button.action, ...(button.value !== undefined ? { value: button.value } : {}) });
  const style = button.style === 'primary' ? { style: 'positive' } : button.style === 'danger' ? { style: 'destructive' } : {};
  const execute: CardAction = {
    type: 'Action.Execute',
    title: button.label,
    verb: button.action,
    associatedInputs: 'none',
    data,
    ...style,
    fallback: { type: 'Action.Submit', title: button.label, associatedInputs: 'none', data, ...style },
  };
  if (!button.confirm) return execute;
  // Adaptive Cards have no confirmation dialog: the button opens a small card that asks, with the real action inside.
  return {
    type: 'Action.ShowCard',
    title: button.label,
    ...style,
    card: {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: escapeMarkdown(button.confirm.title), weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: escapeMarkdown(button.confirm.text), wrap: true },
      ],
      actions: [{ ...execute, title: button.confirm.yes, fallback: { ...(execute.fallback as CardAction), title: button.confirm.yes } }],
    },
  };
}

type Converter<K extends Block['kind']> = (block: Extract<Block, { kind: K }>, options: RenderOptions) => CardGroup[];

/** One converter per block kind. */
const converters: { [K in Block['kind']]: Converter<K> } = {
  heading: (block) => [
    {
      elements: [{ type: 'TextBlock', text: escapeMarkdown(cut(block.text, MAX_HEADING_CHARS)), size: 'Medium', weight: 'Bolder', wrap: true }],
      entities: [],
    },
  ],
  text: (block, options) => textGroups(renderRichText(block.text, options.mention), {}),
  context: (block, options) => textGroups(renderRichText(block.text, options.mention), { isSubtle: true, size: 'Small', spacing: 'Small' }),
  fields: (block, options) => {
    const groups: CardGroup[] = [];
    for (let start = 0; start < block.fields.length; start += FACTS_PER_SET) {
      const rendered = block.fields.slice(start, start + FACTS_PER_SET).map((field) => ({
        title: escapeMarkdown(cut(field.label, MAX_FACT_LABEL_CHARS)),
        ...richTextMarkdown(field.value, options.mention),
      }));
      groups.push({
        elements: [{ type: 'FactSet', facts: rendered.map((fact) => ({ title: fact.title, value: fact.markdown })) }],
        entities: rendered.flatMap((fact) => fact.entities),
      });
    }
    return groups;
  },
  divider: () => [],
  actions: (block, options) => {
    const groups: CardGroup[] = [];
    for (let start = 0; start < block.buttons.length; start += BUTTONS_PER_SET) {
      const actions = block.buttons.slice(start, start + BUTTONS_PER_SET).map((button) => buttonAction(button, options.signer));
      groups.push({ elements: [{ type: 'ActionSet', actions }], entities: [] });
    }
    return groups;
  },
};

/** Renders the message's blocks as groups; a divider draws a separator above whatever follows it. */
export function renderBlocks(blocks: Block[], options: RenderOptions): CardGroup[] {
  const groups: CardGroup[] = [];
  let separate = false;
  for (const block of blocks) {
    if (block.kind === 'divider') {
      separate = groups.length > 0;
      continue;
    }
    const rendered = (converters[block.kind] as Converter<typeof block.kind>)(block as never, options);
    const first = rendered[0]?.elements[0];
    if (separate && first) rendered[0]!.elements[0] = { ...first, separator: true } as CardElement;
    separate = false;
    groups.push(...rendered);
  }
  return groups;
}

/** Renders a message to one or more cards, in order; a form is always in the last one. */
export function renderMessage(message: Message, options: RenderOptions): AdaptiveCard[] {
  const groups = renderBlocks(message.blocks, options);
  let tail = null;
  if (message.form) {
    if (!options.cardId) throw new Error('a form needs the id of the card it is stored as');
    tail = renderFormTail(message.form, { ...options, cardId: options.cardId });
  }
  if (!groups.length && !tail) groups.push({ elements: [{ type: 'TextBlock', text: escapeMarkdown(message.summary || ' '), wrap: true }], entities: [] });
  return packCards(groups, tail, { mode: options.mode, summary: message.summary, ...(options.budget ? { budget: options.budget } : {}) });
}

/** The longest summary kept on an activity (Teams uses it in notifications). */
const MAX_SUMMARY_CHARS = 250;

/** A message activity carrying one card; `summary` is what notifications and screen readers get. */
export interface CardActivity {
  type: 'message';
  summary: string;
  attachments: Array<{ contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; content: AdaptiveCard }>;
}

/** Wraps a card in a message activity. */
export function cardActivity(card: AdaptiveCard, summary: string): CardActivity {
  return { type: 'message', summary: cut(summary, MAX_SUMMARY_CHARS), attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }] };
}
