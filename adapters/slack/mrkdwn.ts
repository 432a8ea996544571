import type { RichText, Span } from '../../src/engine/message';
import { httpUrl } from '../shared/safe-url';

/**
 * Neutral rich text → Slack mrkdwn. Slack treats `<…>` as control sequences (`<!channel>`, `<@U…>`,
 * `<https://evil|bank>`) and `&` as the start of an entity, so every string a flow or a person wrote is escaped
 * (`&`, `<`, `>`, as Slack documents); only the renderer itself writes `<…>`, for http(s) links and for mentions of
 * people whose Slack id the organisation file gives.
 */

/** How the renderer finds a person's Slack user id (from the organisation file); undefined when unknown. */
export type SlackIdLookup = (personId: string) => string | undefined;

/** Escapes the three characters Slack's mrkdwn gives meaning to as control sequences and entities. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The URL as Slack may carry it inside `<url|text>`, or null when it is not http(s). */
export function safeSlackUrl(url: string): string | null {
  const parsed = httpUrl(url);
  if (!parsed) return null;
  // `|` ends the URL part and `>` the whole link: percent-encode them; `&` must be an entity inside `<…>`.
  return parsed.href.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/&/g, '&amp;');
}

/**
 * Wraps text in a formatting marker line by line: Slack's `*bold*` does not span lines, and a marker next to
 * whitespace is shown literally, so the spaces go outside the markers.
 */
function wrap(text: string, marker: string): string {
  return text
    .split('\n')
    .map((line) => {
      const match = /^(\s*)(.*?)(\s*)$/s.exec(line)!;
      const [, lead = '', body = '', trail = ''] = match;
      return body ? `${lead}${marker}${escapeMrkdwn(body)}${marker}${trail}` : line;
    })
    .join('\n');
}

function renderSpan(span: Span, slackIdOf: SlackIdLookup): string {
  if (typeof span === 'string') return escapeMrkdwn(span);
  if ('bold' in span) return wrap(span.bold, '*');
  if ('italic' in span) return wrap(span.italic, '_');
  // A backtick inside inline code would end it early; the modifier letter looks the same and ends nothing.
  if ('code' in span) return wrap(span.code.replace(/`/g, 'ˋ'), '`');
  if ('link' in span) {
    const url = safeSlackUrl(span.link);
    const text = escapeMrkdwn(span.text.replace(/\n/g, ' '));
    if (!url) return text;
    return text ? `<${url}|${text}>` : `<${url}>`;
  }
  const slackId = slackIdOf(span.person);
  return slackId && /^[UW][A-Z0-9]+$/.test(slackId) ? `<@${slackId}>` : escapeMrkdwn(span.name);
}

/** Rich text → mrkdwn. Lines starting with `- ` become bullets, as the neutral model says. */
export function richTextToMrkdwn(text: RichText, slackIdOf: SlackIdLookup = () => undefined): string {
  const spans = typeof text === 'string' ? [text] : text;
  const rendered = spans.map((span) => renderSpan(span, slackIdOf)).join('');
  return rendered
    .split('\n')
    .map((line) => (line.startsWith('- ') ? `• ${line.slice(2)}` : line))
    .join('\n');
}
