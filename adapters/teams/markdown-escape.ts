import { httpUrl } from '../shared/safe-url';
/**
 * Escaping for the Markdown subset Teams renders in Adaptive Card TextBlocks and FactSets (bold, italic, lists,
 * links). Text a user typed is escaped so it is shown, never interpreted: `**x**` stays two asterisks, `[a](b)` is
 * no link, `<at>Bob</at>` mentions nobody (mentions need an entity only the renderer writes).
 *
 * Backslash escapes are CommonMark's; only the characters that can start formatting are escaped, so ordinary
 * text (record numbers, times, parentheses) reads the same in clients that show Markdown literally.
 */

/** Characters that start inline formatting anywhere in a line: emphasis, code, links, autolinks, strikethrough. */
const INLINE = /[\\`*_[\]<~]/g;
/** Block markers that only mean something at the start of a line: lists, quotes, headings, rules. */
const LINE_START = /^(\s*)([-+>#=]|\d+[.)])/;

/** Escapes one line of plain text for a TextBlock or a fact. */
export function escapeMarkdownLine(line: string): string {
  const inline = line.replace(INLINE, (char) => `\\${char}`);
  return inline.replace(LINE_START, (_match, space: string, marker: string) =>
    /^\d/.test(marker) ? `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}` : `${space}\\${marker}`,
  );
}

/** Escapes text that may span lines; each line is escaped on its own so block markers are caught everywhere. */
export function escapeMarkdown(text: string): string {
  return text.split('\n').map(escapeMarkdownLine).join('\n');
}

/** A URL safe to put in `[text](url)`: http(s) only, with the characters that would end the link encoded. */
export function safeLinkUrl(url: string): string | null {
  const parsed = httpUrl(url);
  if (!parsed) return null;
  return parsed.href.replace(/[()<>\s]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
