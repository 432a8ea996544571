/**
 * Shared pieces of every record: human record numbers (`INC-000123`), references to people, where a record came
 * from and where the bot posted about it, and timestamped notes. Every record is evidence for an auditor, so
 * these carry who, when and through which channel.
 */
import { z } from 'zod';

/** Prefixes of human record numbers, by record kind. */
export const RECORD_PREFIXES = {
  incident: 'INC',
  change: 'CHG',
  improvement: 'IMP',
  problem: 'PRB',
  'service-request': 'REQ',
} as const;
/** A record kind that has a human number. */
export type NumberedKind = keyof typeof RECORD_PREFIXES;
/** A record number prefix: `INC`, `CHG`, … */
export type RecordPrefix = (typeof RECORD_PREFIXES)[NumberedKind];

const PREFIXES = Object.values(RECORD_PREFIXES) as string[];

/** `formatRecordNumber('INC', 123)` → `INC-000123`; numbers past 999999 simply grow wider. */
export function formatRecordNumber(prefix: RecordPrefix, n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`record numbers start at 1 (got ${n})`);
  return `${prefix}-${String(n).padStart(6, '0')}`;
}

/**
 * Reads a record number as people type it: `INC-000123`, `inc-123`, `INC123`, `inc 123`. Null for anything
 * else (unknown prefix, zero, extra words), so "look up INC-12 please" must be tokenised by the caller first.
 */
export function parseRecordNumber(text: string): { prefix: RecordPrefix; n: number } | null {
  const match = /^\s*([a-z]{3})[-\s]?(\d{1,12})\s*$/i.exec(text);
  if (!match) return null;
  const prefix = (match[1] as string).toUpperCase();
  const n = Number(match[2]);
  if (!PREFIXES.includes(prefix) || !Number.isSafeInteger(n) || n < 1) return null;
  return { prefix: prefix as RecordPrefix, n };
}

/** Normalises a typed record number to its canonical form (`inc-12` → `INC-000012`), or null. */
export function canonicalRecordNumber(text: string): string | null {
  const parsed = parseRecordNumber(text);
  return parsed ? formatRecordNumber(parsed.prefix, parsed.n) : null;
}

/** A record id of one kind in canonical form, e.g. `recordNumberSchema('INC')` accepts only `INC-000123`. */
export function recordNumberSchema(prefix: RecordPrefix) {
  return z.string().regex(new RegExp(`^${prefix}-\\d{6,}$`), { error: `must be a record number like ${prefix}-000123` });
}

/** The chat channels the bot speaks on. */
export const CHANNELS = ['slack', 'teams', 'webchat'] as const;
/** One of {@link CHANNELS}. */
export type Channel = (typeof CHANNELS)[number];
/** A channel field. */
export const channelSchema = z.enum(CHANNELS);

/**
 * Who did something: an organisation-file person id, or for staff not named in the file an id derived from their
 * chat identity (e.g. `slack:U0123ABCD`). The name is captured at the time so the record reads well forever.
 */
export const personRefSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  email: z.string().optional(),
});
/** A reference to a person. */
export type PersonRef = z.output<typeof personRefSchema>;

/** The bot itself as an actor (auto-close, SLA watch, pre-approval), so every history entry has a `by`. */
export const SYSTEM_ACTOR: PersonRef = { id: 'system', name: 'itsm-bot' };

/** A person plus the channel they used: reporters and requesters. */
export const reporterSchema = personRefSchema.extend({ channel: channelSchema });
/** A reporter or requester. */
export type Reporter = z.output<typeof reporterSchema>;

/** Where the bot posted about a record, so the post can be updated in place later. */
export const messageRefSchema = z.object({
  channel: channelSchema,
  conversationId: z.string().min(1),
  messageId: z.string().min(1),
  /** What the post is: the team notification, the reporter's receipt, an approval card… */
  purpose: z.string().default('notification'),
});
/** A reference to a posted message. */
export type MessageRef = z.output<typeof messageRefSchema>;

/** A timestamped note by someone: work notes, progress notes, updates. */
export const noteSchema = z.object({
  at: z.date(),
  by: personRefSchema,
  text: z.string().min(1).max(4000),
});
/** A timestamped note. */
export type Note = z.output<typeof noteSchema>;

/** Text a person types into a short field: trimmed, 1..max characters. */
export function shortText(max: number, what: string) {
  return z
    .string()
    .trim()
    .min(1, { error: `${what} can't be empty` })
    .max(max, { error: `${what} must be ${max} characters or fewer` });
}

/** Text a person types into a long field: trimmed, up to max characters, empty allowed. */
export function longText(max: number, what: string) {
  return z.string().trim().max(max, { error: `${what} must be ${max} characters or fewer` });
}

/** Fields every stored record carries. */
export const recordTimestamps = {
  createdAt: z.date(),
  updatedAt: z.date(),
};
