import type { Block, Button, Message } from '../../../src/engine/message';
import { capBlocks, neutralActionId, renderBlocks, renderMessage, renderMessagePages, type RenderContext } from '../../../adapters/slack/render-block-kit';
import { messageProblems } from './block-kit-validator';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const context: RenderContext = { slackIdOf: (personId) => (personId === 'p-alice' ? 'U0ALICE001' : undefined) };
const render = (blocks: Block[]): Json[] => renderBlocks(blocks, context);
const message = (blocks: Block[], summary = 'summary'): Message => ({ summary, blocks });
/** Every mrkdwn string in rendered blocks. */
const mrkdwnOf = (blocks: Json[]): string[] =>
  blocks.flatMap((block) => [block.text, ...(block.fields ?? []), ...(block.elements ?? [])].filter((t) => t?.type === 'mrkdwn').map((t) => t.text));

const HOSTILE = 'hi <!channel> <!here> <@U999> <https://evil.example|your bank> & co';

describe('Block Kit renderer: escaping', () => {
  it('shows what a person typed instead of executing it, in every mrkdwn place', () => {
    const blocks = render([
      { kind: 'text', text: HOSTILE },
      { kind: 'fields', fields: [{ label: `label ${HOSTILE}`, value: HOSTILE }] },
      { kind: 'context', text: [HOSTILE] },
      { kind: 'text', text: [{ bold: HOSTILE }, { italic: HOSTILE }, { code: HOSTILE }] },
    ]);
    const texts = mrkdwnOf(blocks);
    expect(texts).toHaveLength(4);
    for (const text of texts) {
      expect(text).not.toMatch(/<[!@#]|<https?:/);
      expect(text).toContain('&lt;!channel&gt;');
      expect(text).toContain('&amp; co');
    }
    expect(blocks.every((block) => !block.text || block.text.type !== 'mrkdwn' || block.text.verbatim === true)).toBe(true);
  });

  it('writes http(s) links as Slack links with escaped text, and never other schemes', () => {
    const [section] = render([
      { kind: 'text', text: [{ link: 'https://intranet.example/a|b>c?x=1&y=2', text: 'the <b> & page' }, ' ', { link: 'javascript:alert(1)', text: 'click' }] },
    ]);
    expect(section.text.text).toBe('<https://intranet.example/a%7Cb%3Ec?x=1&amp;y=2|the &lt;b&gt; &amp; page> click');
  });

  it('mentions people whose Slack id the organisation file gives, and names the others', () => {
    const [section] = render([{ kind: 'text', text: [{ person: 'p-alice', name: 'Alice' }, ' and ', { person: 'p-bob', name: 'Bob <!here>' }] }]);
    expect(section.text.text).toBe('<@U0ALICE001> and Bob &lt;!here&gt;');
  });

  it('formats bold, italic and code per line, and turns "- " lines into bullets', () => {
    const [section] = render([{ kind: 'text', text: ['- one\n- ', { bold: ' two \nthree' }, '\n', { code: 'a`b' }, ' ', { italic: 'it' }] }]);
    expect(section.text.text).toBe('• one\n•  *two* \n*three*\n`aˋb` _it_');
  });

  it('leaves plain text in headers and buttons as written (plain_text is never parsed)', () => {
    const [header, actions] = render([
      { kind: 'heading', text: 'Incident <!channel>' },
      { kind: 'actions', buttons: [{ action: 'desk:take', label: 'Take <@U1>', value: 'INC-1' }] },
    ]);
    expect(header.text).toEqual({ type: 'plain_text', text: 'Incident <!channel>', emoji: true });
    expect(actions.elements[0].text.text).toBe('Take <@U1>');
  });
});

describe('Block Kit renderer: limits', () => {
  it('splits a long text into sections of at most 3,000 characters, losing nothing', () => {
    const line = 'word '.repeat(150).trim();
    const text = Array.from({ length: 30 }, (_, i) => `${i}: ${line}`).join('\n') + '\n' + 'x'.repeat(7000);
    const blocks = render([{ kind: 'text', text }]);
    expect(blocks.length).toBeGreaterThan(3);
    expect(messageProblems({ blocks })).toEqual([]);
    expect(blocks.map((block) => block.text.text).join('').replace(/\n/g, '')).toBe(text.replace(/\n/g, ''));
  });

  it('never cuts an entity or a link in half when splitting', () => {
    const text = [`${'&'.repeat(2999)}`, { link: 'https://example.com/x', text: 'y'.repeat(50) }];
    const blocks = render([{ kind: 'text', text }]);
    for (const block of blocks) {
      expect(block.text.text).not.toMatch(/&[a-z]*$/);
      expect((block.text.text.match(/</g) ?? []).length).toBe((block.text.text.match(/>/g) ?? []).length);
    }
    expect(messageProblems({ blocks })).toEqual([]);
  });

  it('pages a message of more than 50 blocks, and caps one that must stay one message', () => {
    const many = message(Array.from({ length: 120 }, (_, i) => ({ kind: 'text' as const, text: `paragraph ${i}` })));
    const pages = renderMessagePages(many, context);
    expect(pages.map((page) => page.blocks.length)).toEqual([50, 50, 20]);
    pages.forEach((page) => expect(messageProblems(page)).toEqual([]));
    const single = renderMessage(many, context);
    expect(single.blocks).toHaveLength(50);
    expect(single.blocks[49]).toMatchObject({ type: 'context', elements: [{ text: '…and 71 more parts not shown here.' }] });
    expect(messageProblems(single)).toEqual([]);
  });

  it('cuts fields to ten per section and 2,000 characters each', () => {
    const fields = Array.from({ length: 25 }, (_, i) => ({ label: `L${i} `.repeat(100), value: 'v <&> '.repeat(800) }));
    const blocks = render([{ kind: 'fields', fields }]);
    expect(blocks.map((block) => block.fields.length)).toEqual([10, 10, 5]);
    expect(messageProblems({ blocks })).toEqual([]);
    expect(blocks[0].fields[0].text.endsWith('…')).toBe(true);
  });

  it('cuts buttons to 25 per actions block and 75 characters, keeps their ids unique and reversible', () => {
    const buttons: Button[] = Array.from({ length: 30 }, (_, i) => ({ action: 'desk:take', label: `Take record number ${i} `.repeat(10), value: `INC-${i}` }));
    const blocks = render([{ kind: 'actions', buttons }]);
    expect(blocks.map((block) => block.elements.length)).toEqual([25, 5]);
    expect(messageProblems({ blocks })).toEqual([]);
    const ids = blocks.flatMap((block) => block.elements.map((element: Json) => element.action_id));
    expect(ids.slice(0, 3)).toEqual(['desk:take', 'desk:take#2', 'desk:take#3']);
    expect(new Set(ids.map(neutralActionId))).toEqual(new Set(['desk:take']));
    expect(neutralActionId('desk:step#x')).toBe('desk:step#x');
  });

  it('renders confirm dialogs within their limits, and leaves out a button whose value Slack cannot carry', () => {
    const [actions] = render([
      {
        kind: 'actions',
        buttons: [
          { action: 'desk:close', label: 'Close', style: 'danger', value: 'INC-1', confirm: { title: 'T'.repeat(200), text: 'Sure? '.repeat(100), yes: 'Y'.repeat(40), no: 'No' } },
          { action: 'desk:big', label: 'Big', value: 'x'.repeat(2001) },
        ],
      },
    ]);
    expect(actions.elements).toHaveLength(1);
    expect(actions.elements[0].confirm).toMatchObject({ style: 'danger', deny: { text: 'No' } });
    expect(messageProblems({ blocks: [actions] })).toEqual([]);
  });

  it('cuts headers, context and the fallback text, and drops empty blocks', () => {
    const body = renderMessage(
      message(
        [
          { kind: 'heading', text: 'H'.repeat(500) },
          { kind: 'heading', text: '  ' },
          { kind: 'context', text: 'c'.repeat(5000) },
          { kind: 'text', text: '' },
          { kind: 'divider' },
        ],
        's'.repeat(50_000),
      ),
      context,
    );
    expect(body.blocks.map((block: Json) => block.type)).toEqual(['header', 'context', 'divider']);
    expect(messageProblems(body)).toEqual([]);
    expect(Array.from(body.text).length).toBeLessThanOrEqual(40_000);
  });

  it('caps a view to its block limit with a note', () => {
    const blocks = render(Array.from({ length: 150 }, () => ({ kind: 'divider' as const })));
    expect(capBlocks(blocks, 100)).toHaveLength(100);
    expect(capBlocks(blocks.slice(0, 3), 100)).toHaveLength(3);
  });
});
