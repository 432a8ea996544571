/**
 * Block Kit's documented limits, in one place. Slack refuses a whole payload (`invalid_blocks`) when one field is
 * too long, so every renderer cuts to these numbers itself rather than hoping the content is small.
 *
 * Where Slack's reference pages and `@slack/types` disagree we take the smaller number: option text and option
 * values are 75 characters in `@slack/types` (150 for values on some reference pages).
 */
export const LIMITS = {
  /** Blocks in one message (`chat.postMessage`, `chat.update`, `response_url`). */
  messageBlocks: 50,
  /** Blocks in a modal or the App Home tab. */
  viewBlocks: 100,
  /** A section's text, and any mrkdwn text object. */
  sectionText: 3000,
  /** One section field. */
  fieldText: 2000,
  /** Fields in one section. */
  fields: 10,
  /** A header block's plain text. */
  headerText: 150,
  /** One context element's text (we use one element per context block). */
  contextText: 2000,
  /** Elements in one actions block. */
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  /** action_id and block_id. */
  id: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Modal title, submit and close labels. */
  modalTitle: 24,
  modalButton: 24,
  callbackId: 255,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  /** plain_text_input's max_length and initial value. */
  textInput: 3000,
  /** Options in a static (multi-)select; more go through an external select. */
  selectOptions: 100,
  /** Options in a checkboxes element. */
  checkboxOptions: 10,
  optionText: 75,
  optionValue: 75,
  optionDescription: 75,
  /** The notification fallback `text` of a message. */
  fallbackText: 40_000,
} as const;

/** The ellipsis that marks text we cut. */
export const ELLIPSIS = '…';

/** Cuts plain text to `max` characters (code points, so no half emoji), ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(0, max - 1)).join('') + ELLIPSIS;
}

/** The length Slack counts: code points. */
export function lengthOf(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * Cuts mrkdwn to `max` characters without leaving half an entity (`&am…`) or half a link or mention
 * (`<https://…|te…`), either of which Slack would show as garbage or refuse.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (lengthOf(text) <= max) return text;
  return safeHead(text, max - 1) + ELLIPSIS;
}

/** The longest start of mrkdwn within `max` characters that does not end inside an entity or a `<…>` sequence. */
function safeHead(text: string, max: number): string {
  let cut = Array.from(text).slice(0, Math.max(0, max)).join('');
  const openAngle = cut.lastIndexOf('<');
  if (openAngle > cut.lastIndexOf('>')) cut = cut.slice(0, openAngle);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return cut;
}

/**
 * Splits mrkdwn into pieces of at most `max` characters, at line ends where it can and never inside an entity or
 * a `<…>` sequence, so a long text becomes several sections instead of one refused payload.
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const pieces: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim()) pieces.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const joined = current ? `${current}\n${line}` : line;
    if (lengthOf(joined) <= max) {
      current = joined;
      continue;
    }
    push();
    let rest = line;
    while (lengthOf(rest) > max) {
      let head = safeHead(rest, max);
      // A single `<…>` longer than the limit: cut it anyway rather than loop forever.
      if (!head) head = Array.from(rest).slice(0, max).join('');
      pieces.push(head);
      rest = rest.slice(head.length);
    }
    current = rest;
  }
  push();
  return pieces;
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
