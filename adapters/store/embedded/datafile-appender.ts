/**
 * Appends to a NeDB datafile through a file handle kept open, instead of NeDB's `fs.appendFile` per write — which
 * opens, writes and closes the file every time: three trips to the thread pool and a FileHandle per write, about
 * a quarter of the CPU of an incident submit (twelve writes).
 *
 * The bytes written are exactly NeDB's (the lines its serializer writes, made by {@link lineOf}; one per document,
 * in the order of the writes: one at a time per datafile, under the collection's mutex), to the end of the file
 * (`a` mode, O_APPEND), acknowledged when the write returns — as before, and as before not fsynced. The write
 * itself is synchronous (see `append`): the event loop waits for the page cache, not for the disk. When NeDB
 * rewrites the file (compaction at load, periodically and on close: a new file renamed over the old), the handle is
 * closed first, so the next append opens the new file. A failed write closes the handle too; the next append
 * reopens.
 */
import type Datastore from '@seald-io/nedb';
import { serialize } from '@seald-io/nedb/lib/model.js';
import { writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isDate, isPlainObject } from '../../../src/store/document-rules';

/** The part of NeDB's (untyped) persistence this module replaces or calls. */
interface NedbPersistence {
  filename: string;
  inMemoryOnly: boolean;
  modes: { fileMode: number };
  afterSerialization(line: string): Promise<string>;
  persistNewStateAsync(docs: unknown[]): Promise<void>;
  persistCachedDatabaseAsync(): Promise<void>;
}

/** The longest the event loop is held by writes before they let other work in (shared by every datafile). */
const YIELD_AFTER_MS = 2;
let lastYield = 0;

/** Met by {@link lineOf} where only NeDB's own serializer knows what to write (or which error to throw). */
const UNUSUAL = Symbol('unusual');

/** A field name NeDB's serializer checks (`$…`, or containing a dot): left to it, to write or refuse. */
function unusualKey(key: string): boolean {
  return key.charCodeAt(0) === 36 || key.includes('.');
}

/**
 * True when `value` holds a Date somewhere. Throws {@link UNUSUAL} for an unusual field name or an object that is
 * not plain data (it might have a `getTime`, which NeDB's replacer would call).
 */
function holdsDate(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (isDate(value)) return true;
  if (Array.isArray(value)) return value.some(holdsDate);
  if (!isPlainObject(value)) throw UNUSUAL;
  for (const key of Object.keys(value)) {
    if (unusualKey(key)) throw UNUSUAL;
    if (holdsDate(value[key])) return true;
  }
  return false;
}

/**
 * `value` with every Date as NeDB's replacer writes it — `{ $$date: <ms> }`, or null for an invalid one (whose
 * `toJSON` is null) — so that plain `JSON.stringify` writes NeDB's line. What holds no Date is shared, not copied.
 */
function withNedbDates(value: unknown): unknown {
  if (!holdsDate(value)) return value;
  if (isDate(value)) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? null : { $$date: ms };
  }
  if (Array.isArray(value)) return value.map(withNedbDates);
  const fields = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    if (unusualKey(key)) throw UNUSUAL;
    out[key] = withNedbDates(fields[key]);
  }
  return out;
}

/**
 * One document as NeDB's `serialize` writes it, byte for byte, without its replacer: a JavaScript callback for
 * every field and value, a tenth of the CPU of a write-heavy sweep (bench/nudges.bench.ts). Anything but plain
 * data with ordinary field names — NeDB's own `$$deleted` lines included — goes to NeDB's serializer itself.
 */
export function lineOf(doc: unknown): string {
  try {
    return JSON.stringify(withNedbDates(doc));
  } catch (error) {
    if (error !== UNUSUAL) throw error;
    return serialize(doc);
  }
}

/** What the store needs back: closing the handle when the store closes. */
export interface DatafileAppender {
  close(): Promise<void>;
}

/** Makes `db` append through a kept-open handle. Call before the datafile is loaded. */
export function keepDatafileOpen(db: Datastore<Record<string, unknown>>): DatafileAppender {
  const persistence = (db as unknown as { persistence: NedbPersistence }).persistence;
  let handle: FileHandle | null = null;

  async function close(): Promise<void> {
    const current = handle;
    handle = null;
    await current?.close();
  }

  /** Appends `lines`, each ended by a newline, in one write. */
  async function append(lines: readonly string[]): Promise<void> {
    handle ??= await open(persistence.filename, 'a', persistence.modes.fileMode);
    // Encoded straight into one buffer: joining the lines (and their newlines) first would copy each line twice more.
    const bytes = Buffer.allocUnsafe(lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0));
    let end = 0;
    for (const line of lines) {
      end += bytes.write(line, end);
      bytes[end++] = 0x0a;
    }
    try {
      // A synchronous write: a few kilobytes into the page cache take microseconds, while an asynchronous write
      // costs ~35 µs of CPU in the hand-over to libuv's thread pool — more than the write itself, on every write.
      let written = 0;
      while (written < bytes.length) written += writeSync(handle.fd, bytes, written, bytes.length - written);
    } catch (error) {
      await close().catch(() => undefined);
      throw error;
    }
    // Without a trip to the thread pool, a chain of writes runs as one block of microtasks, and requests waiting on
    // their sockets (Slack's 3-second acks) would wait for all of it: once the loop has been held for a slice, go
    // back to it before acknowledging (measured in bench/slack-ack.bench.ts and bench/incident.bench.ts).
    if (performance.now() - lastYield >= YIELD_AFTER_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }

  if (persistence.inMemoryOnly) return { close: async () => undefined };

  persistence.persistNewStateAsync = async (docs: unknown[]) => {
    const lines: string[] = [];
    for (const doc of docs) lines.push(await persistence.afterSerialization(lineOf(doc)));
    if (lines.length > 0) await append(lines);
  };

  const rewrite = persistence.persistCachedDatabaseAsync.bind(persistence);
  persistence.persistCachedDatabaseAsync = async () => {
    await close();
    await rewrite();
  };

  return { close };
}
