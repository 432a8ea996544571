/**
 * NeDB's datafile lines — one document per line, as NeDB's `serialize` writes it, byte for byte — encoded straight
 * into one reusable buffer for the appender's write (datafile-appender.ts).
 *
 * NeDB's `serialize` is `JSON.stringify` with a replacer: a JavaScript callback for every field and value, dates
 * written as `{"$$date":<ms>}` (an invalid date, whose `toJSON` is null, as `null`), field names checked. Going
 * through a JavaScript string as well, each line was built in pieces, joined, then copied again into the buffer
 * written — a tenth of the CPU of a write-heavy sweep, and most of what it allocated (bench/nudges.bench.ts). This
 * writes the same JSON into the buffer as it walks the document. Whatever is not plain data with ordinary field
 * names — NeDB's own `$$deleted` lines, a value with a `toJSON` of its own, a class instance — is written by NeDB's
 * serializer itself, which then also throws what it throws.
 */
import { serialize } from '@seald-io/nedb/lib/model.js';
import { isDate, isPlainObject } from '../../../src/store/document-rules';

/** Met where only NeDB's own serializer knows what to write (or which error to throw). */
const UNUSUAL = Symbol('unusual');

/** The buffer is kept between writes, but not when one write made it larger than this. */
const KEPT_BYTES = 1 << 20;

let buffer = Buffer.allocUnsafe(1 << 16);
let end = 0;

function room(bytes: number): void {
  if (end + bytes <= buffer.length) return;
  const larger = Buffer.allocUnsafe(Math.max(buffer.length * 2, end + bytes));
  buffer.copy(larger, 0, 0, end);
  buffer = larger;
}

/** Text known to be ASCII (punctuation, digits, literals), byte by byte: most writes are short. */
function ascii(text: string): void {
  room(text.length);
  for (let i = 0; i < text.length; i++) buffer[end++] = text.charCodeAt(i);
}

/**
 * A string in quotes. Printable ASCII without quotes or backslashes — nearly every string — is copied byte by
 * byte; anything else is left to `JSON.stringify` (its escapes, and the UTF-8 of the rest).
 */
function string(text: string): void {
  room(text.length + 2);
  const start = end;
  buffer[end++] = 0x22;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || code > 0x7e) {
      end = start;
      const json = JSON.stringify(text);
      room(json.length * 3);
      end += buffer.write(json, end, 'utf8');
      return;
    }
    buffer[end++] = code;
  }
  buffer[end++] = 0x22;
}

/** JSON leaves a field holding one of these out, and writes null for an array item holding one. */
function skipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function value(item: unknown): void {
  if (item === null) return ascii('null');
  switch (typeof item) {
    case 'string':
      return string(item);
    case 'number':
      return ascii(Number.isFinite(item) ? String(item) : 'null');
    case 'boolean':
      return ascii(item ? 'true' : 'false');
    case 'object':
      break;
    default:
      throw UNUSUAL;
  }
  if (isDate(item)) {
    const ms = item.getTime();
    return ascii(Number.isNaN(ms) ? 'null' : `{"$$date":${ms}}`);
  }
  if (Array.isArray(item)) {
    ascii('[');
    for (let i = 0; i < item.length; i++) {
      if (i > 0) ascii(',');
      if (skipped(item[i])) ascii('null');
      else value(item[i]);
    }
    return ascii(']');
  }
  // NeDB's replacer writes any object with a `getTime` method as a date; JSON calls a `toJSON` first: both are left to them.
  if (!isPlainObject(item) || typeof item.toJSON === 'function' || typeof item.getTime === 'function') throw UNUSUAL;
  ascii('{');
  let first = true;
  for (const key of Object.keys(item)) {
    // NeDB refuses `$…` and dotted names (except its own `$$` fields) even when their value is left out.
    if (key.charCodeAt(0) === 36 || key.includes('.')) throw UNUSUAL;
    const inner = item[key];
    if (skipped(inner)) continue;
    if (!first) ascii(',');
    first = false;
    string(key);
    ascii(':');
    value(inner);
  }
  ascii('}');
}

/**
 * The lines of `docs`, each ended by a newline: a view of the shared buffer, valid until the next call (write it
 * at once). Throws what NeDB's serializer throws for a document it refuses.
 */
export function encodeLines(docs: readonly unknown[]): Buffer {
  if (buffer.length > KEPT_BYTES) buffer = Buffer.allocUnsafe(1 << 16);
  end = 0;
  for (const doc of docs) {
    const start = end;
    try {
      value(doc);
    } catch (error) {
      if (error !== UNUSUAL) throw error;
      end = start;
      const line = serialize(doc);
      room(line.length * 3);
      end += buffer.write(line, end, 'utf8');
    }
    ascii('\n');
  }
  return buffer.subarray(0, end);
}
