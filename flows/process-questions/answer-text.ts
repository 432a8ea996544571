/**
 * A section's Markdown as the answer people read: whole paragraphs and list items up to a length that fits a chat
 * message (a list is never cut mid-item), inline emphasis, code and links kept as neutral spans, tables as lines.
 * The renderers escape everything, so text from a document can never become markup on a platform.
 */
import type { Span } from '../../src/engine/message';

/** A block of the section: a paragraph, a list item, or a table row, as lines of text. */
interface Piece {
  text: string;
  /** List items and table rows join with a newline; paragraphs with a blank line. */
  tight: boolean;
}

const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,3}[.)])\s+/;

function piecesOf(markdown: string): Piece[] {
  const pieces: Piece[] = [];
  let paragraph: string[] = [];
  let inFence = false;
  const flush = () => {
    if (paragraph.length > 0) pieces.push({ text: paragraph.join(' '), tight: false });
    paragraph = [];
  };
  for (const raw of markdown.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (/^\s{0,3}(```|~~~)/.test(line)) {
      flush();
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      pieces.push({ text: line, tight: true });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (/^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line)) continue; // a table's divider row
    if (/^\s*\|.*\|\s*$/.test(line)) {
      flush();
      const cells = line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim());
      pieces.push({ text: `- ${cells.join(' · ')}`, tight: true });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      const marker = /\d/.test(item[1]!) ? `${item[1]!.replace(')', '.')} ` : '- ';
      const indent = /^\s{2,}/.test(line) ? '  ' : '';
      pieces.push({ text: `${indent}${marker}${line.slice(item[0].length).trim()}`, tight: true });
      continue;
    }
    const heading = /^#{4,6}\s+(.*)$/.exec(line.trim());
    if (heading) {
      flush();
      pieces.push({ text: `**${heading[1]!.trim()}**`, tight: false });
      continue;
    }
    const quote = line.replace(/^\s*>\s?/, '');
    const last = pieces.at(-1);
    // A lazy continuation line of a list item belongs to that item.
    if (paragraph.length === 0 && last?.tight && /^\s+/.test(raw) && last.text.startsWith('-')) last.text += ` ${quote.trim()}`;
    else paragraph.push(quote.trim());
  }
  flush();
  return pieces;
}

/** Cuts a long paragraph at the last sentence end (else word) before `max`. */
function cutParagraph(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const sentence = head.search(/[.!?](?=[^.!?]*$)/);
  if (sentence > max * 0.5) return head.slice(0, sentence + 1);
  return head.replace(/\s+\S*$/, '') + '…';
}

/** The excerpt of a section's Markdown: whole pieces up to `max` characters; `cut` says whether some were left out. */
export function excerpt(markdown: string, max: number): { text: string; cut: boolean } {
  const pieces = piecesOf(markdown);
  let out = '';
  let cut = false;
  for (const [i, piece] of pieces.entries()) {
    const joiner = out === '' ? '' : piece.tight && pieces[i - 1]?.tight ? '\n' : '\n\n';
    if (out.length + joiner.length + piece.text.length > max) {
      if (out === '') out = cutParagraph(piece.text, max);
      cut = true;
      break;
    }
    out += joiner + piece.text;
  }
  return { text: out, cut };
}

const INLINE = /\*\*([^*]+)\*\*|__([^_]+)__|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)[^)]*\)|(?<![\w*])\*([^*\s][^*]*)\*(?!\w)|(?<![\w_])_([^_\s][^_]*)_(?!\w)/g;

/** Inline Markdown as spans: bold, italic, code, and links (http(s) only; any other target stays as its text). */
export function markdownSpans(text: string): Span[] {
  const spans: Span[] = [];
  let at = 0;
  for (const match of text.matchAll(INLINE)) {
    const start = match.index ?? 0;
    if (start > at) spans.push(text.slice(at, start));
    const [, bold1, bold2, code, linkText, linkUrl, italic1, italic2] = match;
    if (bold1 ?? bold2) spans.push({ bold: (bold1 ?? bold2)! });
    else if (code) spans.push({ code });
    else if (linkText && linkUrl) spans.push(/^https?:\/\//i.test(linkUrl) ? { link: linkUrl, text: linkText } : linkText);
    else spans.push({ italic: (italic1 ?? italic2)! });
    at = start + match[0].length;
  }
  if (at < text.length) spans.push(text.slice(at));
  return spans;
}
