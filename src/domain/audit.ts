/**
 * Audit events: the evidence an ISO/IEC 20000 auditor reads — who did what to which record, when, through which
 * channel, under which clause, with the record before and after. Events form a hash chain: each event's `hash`
 * is SHA-256 over the canonical JSON of every other field, `prevHash` (the previous event's hash) included, so an
 * edited, removed or re-ordered event breaks the chain where it happened. The store keeps them append-only
 * (src/store/audit-log.ts); this file holds the shapes and the hashing rules, which are pure.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { channelSchema } from './records';

/** The `prevHash` of the first event: there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a SHA-256 hex digest' });

/**
 * Who acted: a person (by organisation-file or chat-derived id) or the bot itself (`system`), and the channel used.
 * Other fields of a person reference (an email) are dropped: the event names the actor, the organisation file
 * describes them.
 */
export const auditActorSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  channel: channelSchema.optional(),
});
export type AuditActor = z.output<typeof auditActorSchema>;

/** What was acted on: a record kind (`incident`, `change`, …) and its id (`INC-000123`). */
export const auditRecordRefSchema = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9_-]*$/, { error: 'must be a lower-case record kind' }),
  id: z.string().min(1).max(200),
});
export type AuditRecordRef = z.output<typeof auditRecordRefSchema>;

/** `<kind>.<verb>` in lower case, e.g. `incident.created`, `change.approved`, `improvement.target_date_moved`. */
export const auditActionSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, { error: 'must look like incident.created' });

/** An ISO/IEC 20000-1 clause number such as `8.6.1` or `10.2`. */
export const iso20000ClauseSchema = z.string().regex(/^\d{1,2}(\.\d{1,2}){0,3}$/, { error: 'must be a clause number like 8.6.1' });

/** A snapshot of the record (or of the fields that changed). */
const snapshotSchema = z.record(z.string(), z.unknown());

/** What a caller hands to the audit log; the log assigns `seq`, `prevHash` and `hash`. */
export const auditEventInputSchema = z
  .object({
    at: z.date(),
    actor: auditActorSchema,
    action: auditActionSchema,
    record: auditRecordRefSchema,
    before: snapshotSchema.optional(),
    after: snapshotSchema.optional(),
    clause: iso20000ClauseSchema.optional(),
  })
  .strict();
export type AuditEventInput = z.input<typeof auditEventInputSchema>;

/** A sealed event as stored: its place in the chain (`seq` from 1) and the two hashes. */
export const auditEventSchema = auditEventInputSchema
  .extend({ seq: z.number().int().positive(), prevHash: hashSchema, hash: hashSchema })
  .strict();
export type AuditEvent = z.output<typeof auditEventSchema>;

/** A Date from any realm (a store or `structuredClone` may hand back another realm's Date). */
function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

/**
 * JSON with object keys sorted at every level, so equal content always hashes alike whatever order a store
 * returns fields in. Dates become `{"$date":"<ISO>"}` (distinct from a string holding the same text); `undefined`
 * object fields are left out (the stores do not keep them) and become `null` in arrays, as in JSON.
 * Throws on values a store cannot round-trip exactly: non-finite numbers, bigints, functions, class instances.
 */
export function canonicalJson(value: unknown): string {
  return writeCanonical(value, '');
}

/** Quoted object keys: a log's events use the same few dozen field names over and over. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** True when `keys` are sorted already (many objects are written in that order): no sort, and its copy, needed. */
function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/**
 * `out` followed by the canonical JSON of `value`. Written onto one string as it goes (V8 joins the pieces lazily),
 * not as arrays of entries mapped and joined at every level: an audit event's snapshots are hashed on every write.
 */
function writeCanonical(value: unknown, out: string): string {
  if (value === null) return `${out}null`;
  if (isDate(value)) {
    if (Number.isNaN(value.getTime())) throw new TypeError('cannot hash an invalid Date');
    return `${out}{"$date":${JSON.stringify(value.toISOString())}}`;
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return out + JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot hash the number ${value}`);
      return out + JSON.stringify(Object.is(value, -0) ? 0 : value);
    case 'object': {
      if (Array.isArray(value)) {
        let text = `${out}[`;
        for (let i = 0; i < value.length; i++) {
          if (i > 0) text += ',';
          text = value[i] === undefined ? `${text}null` : writeCanonical(value[i], text);
        }
        return `${text}]`;
      }
      const proto = Object.getPrototypeOf(value) as object | null;
      if (proto !== null && Object.getPrototypeOf(proto) !== null) throw new TypeError('cannot hash a class instance; use plain data');
      const fields = value as Record<string, unknown>;
      const keys = Object.keys(fields);
      if (!inOrder(keys)) keys.sort(); // the default sort compares UTF-16 code units, as `<` on two strings does
      let text = `${out}{`;
      let first = true;
      for (const key of keys) {
        const inner = fields[key];
        if (inner === undefined) continue;
        if (!first) text += ',';
        first = false;
        text = writeCanonical(inner, `${text}${quotedKey(key)}:`);
      }
      return `${text}}`;
    }
    default:
      throw new TypeError(`cannot hash a ${typeof value}`);
  }
}

/**
 * SHA-256 (hex) over the canonical JSON of every field of the event except `hash` itself. The audit log's verify
 * hashes the document exactly as stored (not a parsed copy), so an added field breaks the hash too.
 */
export function computeAuditHash(event: Record<string, unknown>): string {
  const { hash: _ignored, ...content } = event;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A copy with every string made well-formed (a lone surrogate becomes U+FFFD, as BSON's UTF-8 makes it) and
 * `undefined` fields dropped, so what is hashed is exactly what a store gives back.
 */
function asStored<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map((item) => asStored(item)) as T;
  if (isDate(value) || value === null || typeof value !== 'object') return value;
  const fields = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) if (fields[key] !== undefined) out[key] = asStored(fields[key]);
  return out as T;
}

/** Validates the input and seals it as event number `seq`, chained to `prevHash`. Throws a ZodError on bad input. */
export function sealAuditEvent(input: AuditEventInput, seq: number, prevHash: string): AuditEvent {
  const unsealed = asStored({ ...auditEventInputSchema.parse(input), seq, prevHash });
  return { ...unsealed, hash: computeAuditHash(unsealed) };
}
