import type { types } from '@slack/bolt';
import type { Block, Button, Message } from '../../src/engine/message';
import { chunk, LIMITS, splitMrkdwn, truncate, truncateMrkdwn } from './limits';
import { escapeMrkdwn, richTextToMrkdwn, type SlackIdLookup } from './mrkdwn';

/**
 * Neutral blocks → Block Kit, one converter per block kind. Pure: no I/O, no clock. Every converter cuts to
 * Slack's limits itself (see limits.ts), so whatever a flow says, the payload is one Slack accepts.
 */

type SlackBlock = types.KnownBlock;

/** What rendering needs besides the message: how to mention people. */
export interface RenderContext {
  slackIdOf: SlackIdLookup;
}

/** One Slack message body: the fallback text (notifications, screen readers) and the blocks. */
export interface SlackMessageBody {
  text: string;
  blocks: SlackBlock[];
}

/** Slack wants each button's action_id unique within its block; a flow may repeat one (a "Take" per record). */
const DUPLICATE_SUFFIX = '#';

/** The neutral action id behind a rendered action_id (undoes the de-duplicating suffix). */
export function neutralActionId(actionId: string): string {
  const at = actionId.lastIndexOf(DUPLICATE_SUFFIX);
  return at > 0 && /^\d+$/.test(actionId.slice(at + 1)) ? actionId.slice(0, at) : actionId;
}

function plain(text: string, max: number): types.PlainTextElement {
  // Slack refuses empty plain text; a lone space is refused too, so an invisible-looking dot stands in.
  const value = truncate(text.trim() || '·', max);
  return { type: 'plain_text', text: value, emoji: true };
}

/** mrkdwn with `verbatim: true`: Slack then links and mentions only what is written as `<…>` (which we escape). */
function mrkdwn(text: string): types.MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

function renderButton(button: Button, actionId: string): types.Button | null {
  // A value cut short would hand the flow something it never wrote: leave such a button out instead.
  if (button.value !== undefined && button.value.length > LIMITS.buttonValue) return null;
  if (actionId.length > LIMITS.id) return null;
  const element: types.Button = { type: 'button', action_id: actionId, text: plain(button.label, LIMITS.buttonText) };
  if (button.value !== undefined && button.value !== '') element.value = button.value;
  if (button.style) element.style = button.style;
  if (button.confirm) {
    element.confirm = {
      title: plain(button.confirm.title, LIMITS.confirmTitle),
      text: plain(button.confirm.text, LIMITS.confirmText),
      confirm: plain(button.confirm.yes, LIMITS.confirmButton),
      deny: plain(button.confirm.no, LIMITS.confirmButton),
      ...(button.style === 'danger' ? { style: 'danger' as const } : {}),
    };
  }
  return element;
}

function renderButtons(buttons: readonly Button[]): types.Button[] {
  const seen = new Map<string, number>();
  const out: types.Button[] = [];
  for (const button of buttons) {
    const count = (seen.get(button.action) ?? 0) + 1;
    seen.set(button.action, count);
    const element = renderButton(button, count === 1 ? button.action : `${button.action}${DUPLICATE_SUFFIX}${count}`);
    if (element) out.push(element);
  }
  return out;
}

/** One converter per neutral block kind. */
const converters: { [K in Block['kind']]: (block: Extract<Block, { kind: K }>, context: RenderContext) => SlackBlock[] } = {
  heading: (block) => (block.text.trim() ? [{ type: 'header', text: plain(block.text, LIMITS.headerText) }] : []),

  text: (block, { slackIdOf }) =>
    splitMrkdwn(richTextToMrkdwn(block.text, slackIdOf), LIMITS.sectionText).map((piece) => ({ type: 'section', text: mrkdwn(piece) })),

  fields: (block, { slackIdOf }) =>
    chunk(block.fields, LIMITS.fields).map((fields) => ({
      type: 'section',
      fields: fields.map((field) =>
        mrkdwn(truncateMrkdwn(`*${escapeMrkdwn(field.label.replace(/\n/g, ' ').trim() || '·')}*\n${richTextToMrkdwn(field.value, slackIdOf)}`, LIMITS.fieldText)),
      ),
    })),

  context: (block, { slackIdOf }) => {
    const text = richTextToMrkdwn(block.text, slackIdOf);
    return text.trim() ? [{ type: 'context', elements: [mrkdwn(truncateMrkdwn(text, LIMITS.contextText))] }] : [];
  },

  divider: () => [{ type: 'divider' }],

  actions: (block) =>
    chunk(renderButtons(block.buttons), LIMITS.actionsElements).map((elements) => ({ type: 'actions', elements })),
};

/** Neutral blocks → Block Kit blocks (not yet cut to a surface's block count). */
export function renderBlocks(blocks: readonly Block[], context: RenderContext): SlackBlock[] {
  return blocks.flatMap((block) => (converters[block.kind] as (b: Block, c: RenderContext) => SlackBlock[])(block, context));
}

/** A context block saying how much was left out, for surfaces that cannot page. */
function moreNotShown(count: number): SlackBlock {
  return { type: 'context', elements: [mrkdwn(`…and ${count} more ${count === 1 ? 'part' : 'parts'} not shown here.`)] };
}

/** Cuts a block list to `max`, ending with a note of what was left out. */
export function capBlocks(blocks: SlackBlock[], max: number): SlackBlock[] {
  if (blocks.length <= max) return blocks;
  return [...blocks.slice(0, max - 1), moreNotShown(blocks.length - (max - 1))];
}

/** The notification text: the summary, escaped, within the fallback limit. */
export function fallbackText(summary: string): string {
  return truncateMrkdwn(escapeMrkdwn(summary.trim() || '…'), LIMITS.fallbackText);
}

/** A message as one or more Slack messages of at most 50 blocks each (a long message is paged, not cut). */
export function renderMessagePages(message: Message, context: RenderContext): SlackMessageBody[] {
  const blocks = renderBlocks(message.blocks, context);
  const text = fallbackText(message.summary);
  if (blocks.length <= LIMITS.messageBlocks) return [{ text, blocks }];
  return chunk(blocks, LIMITS.messageBlocks).map((page) => ({ text, blocks: page }));
}

/** A message as exactly one Slack message (for `chat.update`, which replaces one message): cut to 50 blocks. */
export function renderMessage(message: Message, context: RenderContext): SlackMessageBody {
  return { text: fallbackText(message.summary), blocks: capBlocks(renderBlocks(message.blocks, context), LIMITS.messageBlocks) };
}
