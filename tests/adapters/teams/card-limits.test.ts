import { randomBytes } from 'node:crypto';
import { CARD_BUDGET_BYTES, TEAMS_ACTIVITY_LIMIT_BYTES, jsonBytes } from '../../../adapters/teams/card-limits';
import { cardActivity, renderMessage, type RenderOptions } from '../../../adapters/teams/render-adaptive-card';
import { MAX_LINE_CHARS } from '../../../adapters/teams/render-rich-text';
import { createStateSigner } from '../../../adapters/shared/signed-state';
import type { Message } from '../../../src/engine/message';
import type { AdaptiveCard } from '../../../adapters/teams/adaptive-card.types';

const signer = createStateSigner(randomBytes(32));
const split: RenderOptions = { signer, mode: 'split' };

/** Every card fits, even wrapped in an activity with a generous envelope, and is a well-formed card. */
function expectSendable(cards: AdaptiveCard[], summary: string) {
  for (const card of cards) {
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(Array.isArray(card.body)).toBe(true);
    expect(jsonBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    const envelope = { conversation: { id: 'x'.repeat(300) }, from: { id: 'y'.repeat(100) }, recipient: { id: 'z'.repeat(200) }, replyToId: '1'.repeat(40), serviceUrl: 'https://smba.trafficmanager.net/emea/' };
    expect(jsonBytes({ ...cardActivity(card, summary), ...envelope })).toBeLessThanOrEqual(TEAMS_ACTIVITY_LIMIT_BYTES);
  }
}

function textOf(cards: AdaptiveCard[]): string {
  return cards.flatMap((card) => card.body.map((element) => String(element.text ?? ''))).join('\n');
}

describe('Teams card size limits', () => {
  it('splits a long text over several activities, keeping every line in order', () => {
    const lines = Array.from({ length: 600 }, (_, index) => `Line ${index}: ${'the VPN gateway dropped the tunnel again. '.repeat(3)}`);
    const message: Message = { summary: 'log', blocks: [{ kind: 'heading', text: 'Log' }, { kind: 'text', text: lines.join('\n') }] };
    const cards = renderMessage(message, split);
    expect(cards.length).toBeGreaterThan(2);
    expectSendable(cards, message.summary);
    const text = textOf(cards);
    expect(text.indexOf('Line 0:')).toBeLessThan(text.indexOf('Line 599:'));
    for (const index of [0, 150, 599]) expect(text).toContain(`Line ${index}:`);
  });

  it('cuts a single enormous line with an ellipsis instead of sending it', () => {
    const cards = renderMessage({ summary: 'x', blocks: [{ kind: 'text', text: 'x'.repeat(100_000) }] }, split);
    expectSendable(cards, 'x');
    expect(cards).toHaveLength(1);
    expect(cards[0]!.body[0]!.text).toBe(`${'x'.repeat(MAX_LINE_CHARS - 1)}…`);
  });

  it('keeps a message that must be one card (an update) in one card, saying it was shortened', () => {
    const message: Message = {
      summary: 'big',
      blocks: [
        { kind: 'text', text: Array.from({ length: 400 }, (_, i) => `row ${i} ${'*'.repeat(80)}`).join('\n') },
        { kind: 'actions', buttons: [{ action: 'desk:take', label: 'Take', value: 'INC-1' }] },
      ],
    };
    const cards = renderMessage(message, { ...split, mode: 'single' });
    expect(cards).toHaveLength(1);
    expectSendable(cards, 'big');
    expect(textOf(cards)).toContain('shortened to fit in Teams');
  });

  it('splits hundreds of fields and buttons into several sets and cards', () => {
    const message: Message = {
      summary: 'many',
      blocks: [
        { kind: 'fields', fields: Array.from({ length: 400 }, (_, i) => ({ label: `Field ${i}`, value: 'v'.repeat(120) })) },
        { kind: 'actions', buttons: Array.from({ length: 40 }, (_, i) => ({ action: 'desk:take' as const, label: `Take ${i}`, value: `INC-${i}` })) },
      ],
    };
    const cards = renderMessage(message, split);
    expectSendable(cards, 'many');
    const elements = cards.flatMap((card) => card.body);
    expect(elements.filter((element) => element.type === 'FactSet').flatMap((set) => set.facts as unknown[])).toHaveLength(400);
    const sets = elements.filter((element) => element.type === 'ActionSet');
    expect(sets.every((set) => (set.actions as unknown[]).length <= 5)).toBe(true);
    expect(sets.flatMap((set) => set.actions as unknown[])).toHaveLength(40);
  });

  it('shortens huge choice lists so a form still fits, keeping what was chosen', () => {
    const options = Array.from({ length: 6_000 }, (_, i) => ({ value: `service-${i}`, label: `Business service number ${i} with a long name` }));
    const message: Message = {
      summary: 'form',
      blocks: [{ kind: 'text', text: 'Pick one' }],
      form: {
        id: 'desk:report',
        title: 'Report',
        inputs: [{ kind: 'select', name: 'service', label: 'Service', searchable: true, options }],
        values: { service: 'service-5999' },
        submitLabel: 'Send',
      },
    };
    const cards = renderMessage(message, { ...split, cardId: 'card-1' });
    expectSendable(cards, 'form');
    const last = cards[cards.length - 1]!;
    const choiceSet = last.body.find((element) => element.type === 'Input.ChoiceSet')!;
    const choices = choiceSet.choices as Array<{ value: string }>;
    expect(choices.length).toBeLessThan(6_000);
    expect(choices.some((choice) => choice.value === 'service-5999')).toBe(true);
    expect(textOf([last])).toMatch(/Only the first \d+ of 6000 choices fit in Teams/);
    expect(last.actions?.[0]).toMatchObject({ verb: 'desk:report' });
  });

  it('puts a form in the last card when the text before it is long', () => {
    const message: Message = {
      summary: 'long form',
      blocks: [{ kind: 'text', text: Array.from({ length: 300 }, (_, i) => `Paragraph ${i} ${'lorem ipsum '.repeat(8)}`).join('\n') }],
      form: { id: 'desk:report', title: 'Report', inputs: [{ kind: 'text', name: 'summary', label: 'Summary' }], submitLabel: 'Send' },
    };
    const cards = renderMessage(message, { ...split, cardId: 'card-1' });
    expect(cards.length).toBeGreaterThan(1);
    expectSendable(cards, 'long form');
    expect(cards.slice(0, -1).every((card) => !card.actions)).toBe(true);
    expect(cards[cards.length - 1]!.body.some((element) => element.id === 'summary')).toBe(true);
  });

  it('sends a short notice instead of a form that can never fit', () => {
    const message: Message = {
      summary: 'impossible',
      blocks: [],
      form: { id: 'desk:report', title: 'Report', inputs: [], submitLabel: 'Send', state: 's'.repeat(60_000) },
    };
    const cards = renderMessage(message, { ...split, cardId: 'card-1' });
    expectSendable(cards, 'impossible');
    expect(textOf(cards)).toContain('too large to show in Teams');
  });
});
