import type { RichText, Span } from '../../src/engine/message';
import type { MentionEntity } from './adaptive-card.types';
import { escapeMarkdownLine, safeLinkUrl } from './markdown-escape';

/** Who a person span can mention in Teams (an AAD object id or a Teams user id); absent: shown by name. */
export type MentionLookup = (personId: string, name: string) => { id: string; name: string } | undefined;

/** One line of text longer than this (in characters of plain text) is cut with an ellipsis. */
export const MAX_LINE_CHARS = 2_000;

/** Rich text rendered for a TextBlock or a fact: Markdown lines and the mention entities they use. */
export interface RenderedText {
  /** Each line's Markdown; list items keep their `- ` marker. */
  lines: Array<{ markdown: string; listItem: boolean }>;
  entities: MentionEntity[];
}

function spanLength(span: Span): number {
  if (typeof span === 'string') return span.length;
  if ('bold' in span) return span.bold.length;
  if ('italic' in span) return span.italic.length;
  if ('code' in span) return span.code.length;
  if ('link' in span) return span.text.length;
  return span.name.length;
}

function cutSpan(span: Span, chars: number): Span {
  const cut = (text: string) => `${Array.from(text).slice(0, Math.max(0, chars - 1)).join('')}…`;
  if (typeof span === 'string') return cut(span);
  if ('bold' in span) return { bold: cut(span.bold) };
  if ('italic' in span) return { italic: cut(span.italic) };
  if ('code' in span) return { code: cut(span.code) };
  if ('link' in span) return { ...span, text: cut(span.text) };
  return { ...span, name: cut(span.name) };
}

/** Splits spans into lines at the newlines inside plain strings; newlines inside styled spans become spaces. */
function splitLines(text: RichText): Span[][] {
  const spans = typeof text === 'string' ? [text] : text;
  const lines: Span[][] = [[]];
  for (const span of spans) {
    if (typeof span !== 'string') {
      lines[lines.length - 1]!.push(flatten(span));
      continue;
    }
    span.split('\n').forEach((part, index) => {
      if (index > 0) lines.push([]);
      if (part) lines[lines.length - 1]!.push(part);
    });
  }
  return lines;
}

function flatten(span: Exclude<Span, string>): Span {
  const oneLine = (value: string) => value.replace(/\s*\n\s*/g, ' ');
  if ('bold' in span) return { bold: oneLine(span.bold) };
  if ('italic' in span) return { italic: oneLine(span.italic) };
  if ('code' in span) return { code: oneLine(span.code) };
  if ('link' in span) return { ...span, text: oneLine(span.text) };
  return { ...span, name: oneLine(span.name) };
}

/** Keeps a line within {@link MAX_LINE_CHARS} characters of plain text, cutting the span that crosses it. */
function limitLine(spans: Span[]): Span[] {
  let used = 0;
  const kept: Span[] = [];
  for (const span of spans) {
    const length = spanLength(span);
    if (used + length <= MAX_LINE_CHARS) {
      kept.push(span);
      used += length;
      continue;
    }
    kept.push(cutSpan(span, MAX_LINE_CHARS - used));
    break;
  }
  return kept;
}

/** Emphasis markers only work hugging non-space text: keep the spaces outside them. */
function wrap(text: string, marker: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
  const [, before = '', inner = '', after = ''] = match;
  return inner ? `${before}${marker}${escapeMarkdownLine(inner)}${marker}${after}` : text;
}

/** Names inside `<at>…</at>` must match the entity exactly; keep them to characters Markdown leaves alone. */
function mentionName(name: string): string {
  return name.replace(/[<>\\`*_[\]~]/g, '').trim() || 'someone';
}

function renderSpan(span: Span, mention: MentionLookup | undefined, entities: MentionEntity[]): string {
  if (typeof span === 'string') return escapeMarkdownLine(span);
  if ('bold' in span) return wrap(span.bold, '**');
  if ('italic' in span) return wrap(span.italic, '_');
  // Teams' Markdown subset has no code style; the text is shown as it is, escaped like any other.
  if ('code' in span) return escapeMarkdownLine(span.code);
  if ('link' in span) {
    const url = safeLinkUrl(span.link);
    const text = escapeMarkdownLine(span.text.trim() || span.link);
    return url ? `[${text}](${url})` : text;
  }
  const target = mention?.(span.person, span.name);
  if (!target) return escapeMarkdownLine(span.name);
  const name = mentionName(target.name || span.name);
  const text = `<at>${name}</at>`;
  if (!entities.some((entity) => entity.text === text && entity.mentioned.id === target.id)) {
    entities.push({ type: 'mention', text, mentioned: { id: target.id, name } });
  }
  return text;
}

/** Renders rich text line by line: escaped, list items recognised, over-long lines cut. */
export function renderRichText(text: RichText, mention?: MentionLookup): RenderedText {
  const entities: MentionEntity[] = [];
  const lines = splitLines(text).map((spans) => {
    const first = spans[0];
    const listItem = typeof first === 'string' && first.startsWith('- ');
    const body = listItem ? [(first as string).slice(2), ...spans.slice(1)] : spans;
    const markdown = limitLine(body)
      .map((span) => renderSpan(span, mention, entities))
      .join('');
    return { markdown: listItem ? `- ${markdown}` : markdown, listItem };
  });
  return { lines, entities };
}

/**
 * Joins rendered lines into TextBlock text. Teams needs a blank line between paragraphs but a single newline
 * between list items (a blank line there indents the next item).
 */
export function joinLines(lines: RenderedText['lines']): string {
  let out = '';
  lines.forEach((line, index) => {
    if (index > 0) out += line.listItem && lines[index - 1]!.listItem ? '\n' : '\n\n';
    out += line.markdown;
  });
  return out;
}

/** Rich text as one string of Markdown (facts: a single value). */
export function richTextMarkdown(text: RichText, mention?: MentionLookup): { markdown: string; entities: MentionEntity[] } {
  const rendered = renderRichText(text, mention);
  return { markdown: joinLines(rendered.lines), entities: rendered.entities };
}
