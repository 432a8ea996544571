import { randomBytes } from 'node:crypto';
import type { CardElement } from '../../../adapters/teams/adaptive-card.types';
import { readCardData, signCardData } from '../../../adapters/teams/card-data';
import { escapeMarkdown, safeLinkUrl } from '../../../adapters/teams/markdown-escape';
import { renderMessage, type RenderOptions } from '../../../adapters/teams/render-adaptive-card';
import { createStateSigner } from '../../../adapters/shared/signed-state';
import type { Block, Message } from '../../../src/engine/message';
import { buttonCard, reportForm } from './desk-flow';
import type { Payload } from './teams-fixtures';

const signer = createStateSigner(randomBytes(32));
const options: RenderOptions = { signer, mode: 'split' };

function body(message: Message, extra: Partial<RenderOptions> = {}): CardElement[] {
  const cards = renderMessage(message, { ...options, ...extra });
  expect(cards).toHaveLength(1);
  return cards[0]!.body;
}

function blocks(...list: Block[]): Message {
  return { summary: 'test', blocks: list };
}

describe('Teams renderer: one converter per block kind', () => {
  it('renders a heading as a bold, wrapped TextBlock', () => {
    expect(body(blocks({ kind: 'heading', text: 'INC-000123 *VPN* down' }))).toEqual([
      { type: 'TextBlock', text: 'INC-000123 \\*VPN\\* down', size: 'Medium', weight: 'Bolder', wrap: true },
    ]);
  });

  it('renders rich text spans with Teams Markdown, and lines and list items', () => {
    const [block] = body(
      blocks({
        kind: 'text',
        text: [
          'Hello ',
          { bold: 'world' },
          ', ',
          { italic: 'really ' },
          { code: 'incident [summary]' },
          ' see ',
          { link: 'https://example.com/a (b)', text: 'the guide' },
          '\n- one\n- two\nafter',
        ],
      }),
    );
    expect(block).toEqual({
      type: 'TextBlock',
      wrap: true,
      text: 'Hello **world**, _really_ incident \\[summary\\] see [the guide](https://example.com/a%20%28b%29)\n\n- one\n- two\n\nafter',
    });
  });

  it('shows what a user typed instead of interpreting it', () => {
    const typed = '**bold** _it_ [click](https://evil.example) <at>Everyone</at> `code` ~~gone~~ \\*';
    const [block] = body(blocks({ kind: 'text', text: typed }));
    expect(block!.text).toBe('\\*\\*bold\\*\\* \\_it\\_ \\[click\\](https://evil.example) \\<at>Everyone\\</at> \\`code\\` \\~\\~gone\\~\\~ \\\\\\*');
    const cards = renderMessage(blocks({ kind: 'text', text: typed }), options);
    expect(cards[0]!.msteams?.entities).toBeUndefined();
  });

  it('escapes block markers at the start of every line', () => {
    expect(escapeMarkdown('1. one\n# title\n> quote\n+ plus\n===\n  - indented')).toBe('1\\. one\n\\# title\n\\> quote\n\\+ plus\n\\===\n  \\- indented');
    expect(escapeMarkdown('INC-000123 (P2) at 10:00.')).toBe('INC-000123 (P2) at 10:00.');
  });

  it('links only to http(s) URLs', () => {
    expect(safeLinkUrl('javascript:alert(1)')).toBeNull();
    expect(safeLinkUrl('not a url')).toBeNull();
    const [block] = body(blocks({ kind: 'text', text: [{ link: 'javascript:alert(1)', text: 'innocent [x]' }] }));
    expect(block!.text).toBe('innocent \\[x\\]');
  });

  it('mentions people Teams can reach, and names everyone else', () => {
    const message = blocks({ kind: 'text', text: ['Assigned to ', { person: 'tom', name: 'Tom *O*' }, ' and ', { person: 'sam', name: 'Sam' }] });
    const cards = renderMessage(message, { ...options, mention: (id, name) => (id === 'tom' ? { id: 'aad-tom', name } : undefined) });
    expect(cards[0]!.body[0]!.text).toBe('Assigned to <at>Tom O</at> and Sam');
    expect(cards[0]!.msteams?.entities).toEqual([{ type: 'mention', text: '<at>Tom O</at>', mentioned: { id: 'aad-tom', name: 'Tom O' } }]);
  });

  it('renders fields as a FactSet, escaped, with mentions', () => {
    const cards = renderMessage(
      blocks({ kind: 'fields', fields: [{ label: 'Service *', value: 'VPN [EU]' }, { label: 'Owner', value: [{ person: 'tom', name: 'Tom' }] }] }),
      { ...options, mention: () => ({ id: 'aad-tom', name: 'Tom' }) },
    );
    expect(cards[0]!.body).toEqual([
      { type: 'FactSet', facts: [{ title: 'Service \\*', value: 'VPN \\[EU\\]' }, { title: 'Owner', value: '<at>Tom</at>' }] },
    ]);
    expect(cards[0]!.msteams?.entities).toHaveLength(1);
  });

  it('renders context as small subtle text, and a divider as a separator above what follows', () => {
    expect(body(blocks({ kind: 'text', text: 'a' }, { kind: 'divider' }, { kind: 'context', text: 'Logged by Sam' }))).toEqual([
      { type: 'TextBlock', text: 'a', wrap: true },
      { type: 'TextBlock', text: 'Logged by Sam', wrap: true, isSubtle: true, size: 'Small', spacing: 'Small', separator: true },
    ]);
  });

  it('renders buttons as Action.Execute with a signed Action.Submit fallback', () => {
    const [, set] = body(buttonCard());
    expect(set!.type).toBe('ActionSet');
    const [take, ping] = set!.actions as Payload[];
    expect(take).toMatchObject({ type: 'Action.Execute', title: 'Take', verb: 'desk:take', style: 'positive', associatedInputs: 'none' });
    expect(take!.fallback).toEqual({ type: 'Action.Submit', title: 'Take', style: 'positive', associatedInputs: 'none', data: take!.data });
    expect(readCardData(signer, take!.data, 'desk:take')).toEqual({ kind: 'ok', payload: { k: 'a', verb: 'desk:take', value: 'INC-000001' } });
    expect(ping!.style).toBeUndefined();
  });

  it('asks before a confirmed button acts, with a show-card holding the real action', () => {
    const [set] = body(
      blocks({
        kind: 'actions',
        buttons: [{ action: 'desk:close', label: 'Close', style: 'danger', confirm: { title: 'Close it?', text: 'No undo.', yes: 'Close', no: 'Keep' } }],
      }),
    );
    const [close] = set!.actions as Payload[];
    expect(close).toMatchObject({ type: 'Action.ShowCard', title: 'Close', style: 'destructive' });
    expect(close!.card.body.map((element: CardElement) => element.text)).toEqual(['Close it?', 'No undo.']);
    expect(close!.card.actions[0]).toMatchObject({ type: 'Action.Execute', verb: 'desk:close', title: 'Close' });
  });
});

describe('Teams renderer: forms', () => {
  const message = reportForm('VPN down');
  function form(extra: Partial<RenderOptions> = {}, override: Partial<NonNullable<Message['form']>> = {}) {
    const cards = renderMessage({ ...message, form: { ...message.form!, ...override } }, { ...options, mode: 'single', cardId: 'card-1', ...extra });
    const card = cards[0]!;
    const inputs = Object.fromEntries(card.body.filter((element) => String(element.type).startsWith('Input.')).map((element) => [element.id, element]));
    return { card, inputs };
  }

  it('renders every input kind with its label and the values to show', () => {
    const { inputs } = form({}, { values: { impact: 'high', services: ['vpn', 'mail'], since: '2026-03-02T09:30', urgent: true } });
    expect(inputs.summary).toEqual({ type: 'Input.Text', id: 'summary', label: 'Summary', isRequired: true, errorMessage: 'Summary is required.', maxLength: 200, value: 'VPN down' });
    expect(inputs.details).toMatchObject({ type: 'Input.Text', isMultiline: true });
    expect(inputs.impact).toEqual({
      type: 'Input.ChoiceSet',
      id: 'impact',
      label: 'Impact',
      style: 'compact',
      choices: [{ title: 'Just me', value: 'low' }, { title: 'Many people', value: 'high' }],
      value: 'high',
    });
    expect(inputs.services).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: true, value: 'vpn,mail' });
    expect(inputs.since__date).toMatchObject({ type: 'Input.Date', label: 'Since', value: '2026-03-02' });
    expect(inputs.since__time).toMatchObject({ type: 'Input.Time', value: '09:30' });
    expect(inputs.urgent).toEqual({ type: 'Input.Toggle', id: 'urgent', label: 'Urgent', title: 'Yes', valueOn: 'true', valueOff: 'false', value: 'true' });
  });

  it('renders dates, numbers, searchable choices and minimum lengths with client-side checks', () => {
    const { inputs } = form({}, {
      inputs: [
        { kind: 'date', name: 'due', label: 'Due', required: true, min: '2026-01-01', max: '2026-12-31' },
        { kind: 'number', name: 'users', label: 'Users affected', min: 1, max: 5000, initial: 3 },
        { kind: 'select', name: 'service', label: 'Service', searchable: true, options: [{ value: 'erp', label: 'ERP' }] },
        { kind: 'text', name: 'why', label: 'Why', minLength: 10 },
      ],
    });
    expect(inputs.due).toEqual({ type: 'Input.Date', id: 'due', label: 'Due', isRequired: true, errorMessage: 'Due is required.', min: '2026-01-01', max: '2026-12-31' });
    expect(inputs.users).toEqual({ type: 'Input.Number', id: 'users', label: 'Users affected', min: 1, max: 5000, errorMessage: 'Enter a number from 1 to 5000.', value: 3 });
    expect(inputs.service).toMatchObject({ style: 'filtered' });
    expect(inputs.why).toMatchObject({ regex: '^[\\s\\S]{10,}$', errorMessage: 'Why needs at least 10 characters.' });
  });

  it('shows the flow’s field errors in red under their inputs, and form-level problems above them', () => {
    const { card } = form({ formError: 'This form was changed.' }, { errors: { summary: 'Give the incident a *short* summary.', _form: 'Try again later.' } });
    const texts = card.body.filter((element) => element.color === 'Attention').map((element) => element.text);
    expect(texts).toEqual(['This form was changed.', 'Try again later.', 'Give the incident a \\*short\\* summary.']);
    const summaryAt = card.body.findIndex((element) => element.id === 'summary');
    expect(card.body[summaryAt + 1]).toMatchObject({ color: 'Attention' });
  });

  it('submits with Action.Execute (Action.Submit as fallback) carrying the signed form, card and state', () => {
    const { card } = form();
    const [submit, cancel] = card.actions as Payload[];
    expect(submit).toMatchObject({ type: 'Action.Execute', title: 'Report', verb: 'desk:report', associatedInputs: 'auto', style: 'positive' });
    expect(submit!.fallback).toMatchObject({ type: 'Action.Submit', data: submit!.data });
    expect(readCardData(signer, submit!.data, 'desk:report')).toEqual({ kind: 'ok', payload: { k: 's', verb: 'desk:report', card: 'card-1', state: 'draft-1' } });
    expect(cancel).toMatchObject({ type: 'Action.Execute', title: 'Cancel', associatedInputs: 'none' });
    expect(readCardData(signer, cancel!.data, 'desk:report')).toEqual({ kind: 'ok', payload: { k: 'c', verb: 'desk:report', card: 'card-1' } });
  });

  it('needs the stored card id of a form', () => {
    expect(() => renderMessage(message, options)).toThrow('a form needs the id of the card it is stored as');
  });
});

describe('card data', () => {
  it('refuses data that was altered, signed for another verb, or is not ours', () => {
    const data = signCardData(signer, { k: 'a', verb: 'desk:take', value: 'INC-1' });
    const token = data.__itsm!;
    expect(readCardData(signer, { __itsm: `${token.slice(0, -2)}xx` }).kind).toBe('tampered');
    expect(readCardData(signer, data, 'desk:close').kind).toBe('tampered');
    expect(readCardData(createStateSigner(randomBytes(32)), data).kind).toBe('tampered');
    expect(readCardData(signer, { action: 'approve' }).kind).toBe('foreign');
    expect(readCardData(signer, 'text').kind).toBe('foreign');
    expect(readCardData(signer, { __itsm: signer.sign('{"k":"x"}') }).kind).toBe('tampered');
  });
});
