import {
  ADAPTIVE_CARD_SCHEMA,
  type AdaptiveCard,
  type CardAction,
  type CardElement,
  type MentionEntity,
} from './adaptive-card.types';
import { escapeMarkdown } from './markdown-escape';

/**
 * Teams refuses a bot activity over about 28 KB. Cards are measured as the JSON that is sent, with room left for
 * what botbuilder adds around them (conversation, sender, recipient, service URL, reply-to id), and a message
 * that does not fit is split across several activities or shortened — never sent invalid.
 */
export const TEAMS_ACTIVITY_LIMIT_BYTES = 28_000;
/** What botbuilder and the connector add around the attachment: ids of the conversation, bot, user, reply. */
export const ENVELOPE_RESERVE_BYTES = 2_500;
/** The most one card (the attachment's content) may weigh. */
export const CARD_BUDGET_BYTES = TEAMS_ACTIVITY_LIMIT_BYTES - ENVELOPE_RESERVE_BYTES;

/** Elements that must stay together in one card (a text chunk, an input with its hint and error), with their mentions. */
export interface CardGroup {
  elements: CardElement[];
  entities: MentionEntity[];
}

/** The part of a message that must be in its last card: a form's inputs and its submit and cancel actions. */
export interface CardTail {
  groups: CardGroup[];
  actions: CardAction[];
}

/** How a message may be fitted: several activities (a new message), or exactly one (an update, an invoke response). */
export type FitMode = 'split' | 'single';

/** The size in bytes of a value as it is sent (UTF-8 JSON). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Assembles a card from groups, declaring only the mentions its elements actually use. */
export function assembleCard(groups: CardGroup[], actions: CardAction[] = []): AdaptiveCard {
  const body = groups.flatMap((group) => group.elements);
  const entities = dedupe(groups.flatMap((group) => group.entities));
  return {
    type: 'AdaptiveCard',
    $schema: ADAPTIVE_CARD_SCHEMA,
    version: '1.5',
    body,
    ...(actions.length ? { actions } : {}),
    msteams: { width: 'Full', ...(entities.length ? { entities } : {}) },
  };
}

function dedupe(entities: MentionEntity[]): MentionEntity[] {
  const seen = new Set<string>();
  return entities.filter((entity) => {
    const key = `${entity.text}\u0000${entity.mentioned.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fits(groups: CardGroup[], actions: CardAction[], budget: number): boolean {
  return jsonBytes(assembleCard(groups, actions)) <= budget;
}

const SHORTENED: CardGroup = {
  elements: [{ type: 'TextBlock', text: '…shortened to fit in Teams.', isSubtle: true, size: 'Small', wrap: true }],
  entities: [],
};

/** A card that always fits: what is sent when nothing else does, so the person still hears something. */
export function tooLargeCard(summary: string): AdaptiveCard {
  const text = Array.from(summary).slice(0, 1_000).join('');
  return assembleCard([
    { elements: [{ type: 'TextBlock', text: escapeMarkdown(text), wrap: true }], entities: [] },
    {
      elements: [{ type: 'TextBlock', text: 'This message was too large to show in Teams.', isSubtle: true, size: 'Small', wrap: true }],
      entities: [],
    },
  ]);
}

/**
 * Packs body groups and an optional tail into cards under the budget. `split` starts a new card whenever the
 * next group would not fit; `single` keeps what fits in one card and says it was shortened. A group or tail that
 * cannot fit even alone is replaced by {@link tooLargeCard}.
 */
export function packCards(
  groups: CardGroup[],
  tail: CardTail | null,
  options: { mode: FitMode; summary: string; budget?: number },
): AdaptiveCard[] {
  const budget = options.budget ?? CARD_BUDGET_BYTES;
  const tailGroups = tail?.groups ?? [];
  const tailActions = tail?.actions ?? [];
  if (tail && !fits(tailGroups, tailActions, budget)) return [tooLargeCard(options.summary)];

  if (options.mode === 'single') {
    const kept: CardGroup[] = [];
    for (const group of groups) {
      if (fits([...kept, group, ...tailGroups], tailActions, budget)) {
        kept.push(group);
        continue;
      }
      // Say that something was left out, making room for the note by dropping the last groups kept.
      kept.push(SHORTENED);
      while (kept.length > 1 && !fits([...kept, ...tailGroups], tailActions, budget)) kept.splice(kept.length - 2, 1);
      break;
    }
    return [assembleCard([...kept, ...tailGroups], tailActions)];
  }

  const cards: AdaptiveCard[] = [];
  let current: CardGroup[] = [];
  for (const group of groups) {
    if (fits([...current, group], [], budget)) {
      current.push(group);
      continue;
    }
    if (current.length) cards.push(assembleCard(current));
    current = fits([group], [], budget) ? [group] : [];
    if (!current.length) cards.push(tooLargeCard(options.summary));
  }
  if (tail) {
    if (fits([...current, ...tailGroups], tailActions, budget)) current.push(...tailGroups);
    else {
      if (current.length) cards.push(assembleCard(current));
      current = [...tailGroups];
    }
  }
  if (current.length || tailActions.length || cards.length === 0) cards.push(assembleCard(current, tailActions));
  return cards;
}
