import type { Conversation } from '../../src/engine/events';
import type { MessageRef } from '../../src/engine/message';

/**
 * Small parsers for what Slack sends: message text with its `<…>` markup, slash-command text, and where a message
 * lives (serialised into the engine's opaque {@link MessageRef}).
 */

/** Undoes the three entities Slack escapes in message and command text. */
export function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Slack message text → the plain words a person typed: mentions of the bot removed, other mentions, channels and
 * links as they read on screen (`@name`, `#channel`, `label`), entities undone. Flows see words, never markup.
 */
export function slackTextToPlain(text: string, botUserId?: string): string {
  const replaced = text.replace(/<([^<>]*)>/g, (_whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) {
      const id = target.slice(1);
      if (botUserId && id === botUserId) return ' ';
      return `@${label ?? id}`;
    }
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    if (target.startsWith('!')) {
      const special = target.slice(1);
      if (label) return label;
      return special.startsWith('subteam^') ? '@group' : `@${special.split('^')[0]}`;
    }
    return label ?? target;
  });
  return unescapeEntities(replaced).replace(/[ \t]+/g, ' ').trim();
}

/** `/itsm incident VPN down` → `{ command: 'incident', args: 'VPN down' }`; empty text → the empty command (help). */
export function splitCommand(text: string): { command: string; args: string } {
  const plain = unescapeEntities(text ?? '').trim();
  const match = /^(\S+)\s*([\s\S]*)$/.exec(plain);
  return match ? { command: match[1]!, args: match[2]!.trim() } : { command: '', args: '' };
}

/** Where a Slack message lives: its channel and ts, or (ephemeral messages, which have no ts to update) a response URL. */
export interface SlackRef {
  /** Channel id. */
  c?: string;
  /** Message ts. */
  ts?: string;
  /** Response URL of an ephemeral message (valid for 30 minutes, five uses). */
  u?: string;
}

/** Serialises a Slack message location into the engine's opaque reference. */
export function toMessageRef(ref: SlackRef): MessageRef {
  return { channel: 'slack', ref: JSON.stringify(ref) };
}

/** The Slack location behind an engine reference, or null when it is not one of ours. */
export function fromMessageRef(ref: MessageRef | undefined): SlackRef | null {
  if (!ref || ref.channel !== 'slack') return null;
  try {
    const parsed = JSON.parse(ref.ref) as unknown;
    if (!parsed || typeof parsed !== 'object') return null;
    const { c, ts, u } = parsed as Record<string, unknown>;
    const out: SlackRef = {};
    if (typeof c === 'string') out.c = c;
    if (typeof ts === 'string') out.ts = ts;
    if (typeof u === 'string') out.u = u;
    return (out.c && out.ts) || out.u ? out : null;
  } catch {
    return null;
  }
}

/** True for a one-to-one conversation (Slack DM ids start with D). */
export function isDirectChannel(channelId: string | undefined): boolean {
  return typeof channelId === 'string' && channelId.startsWith('D');
}

/** The neutral conversation for a Slack channel (and thread). Without a channel, the person's DM with the bot. */
export function conversationOf(channelId: string | undefined, userId: string, threadTs?: string): Conversation {
  if (!channelId) return { channel: 'slack', id: `dm:${userId}`, direct: true };
  return { channel: 'slack', id: channelId, direct: isDirectChannel(channelId), ...(threadTs ? { threadId: threadTs } : {}) };
}
