/**
 * Appends to a NeDB datafile through a file handle kept open, instead of NeDB's `fs.appendFile` per write — which
 * opens, writes and closes the file every time: three trips to the thread pool and a FileHandle per write, about
 * a quarter of the CPU of an incident submit (twelve writes).
 *
 * The bytes written are exactly NeDB's (the lines its serializer writes, encoded by datafile-lines.ts; one per
 * document, in the order of the writes: one at a time per datafile, under the collection's mutex), to the end of
 * the file (`a` mode, O_APPEND), acknowledged when the write returns — as before, and as before not fsynced. The
 * write itself is synchronous (see `append`): the event loop waits for the page cache, not for the disk. When NeDB
 * rewrites the file (compaction at load, periodically and on close: a new file renamed over the old), the handle
 * is closed first, so the next append opens the new file. A failed write closes the handle too; the next append
 * reopens.
 */
import type Datastore from '@seald-io/nedb';
import { writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { encodeLines } from './datafile-lines';

/** The part of NeDB's (untyped) persistence this module replaces or calls. */
interface NedbPersistence {
  filename: string;
  inMemoryOnly: boolean;
  modes: { fileMode: number };
  persistNewStateAsync(docs: unknown[]): Promise<void>;
  persistCachedDatabaseAsync(): Promise<void>;
}

/** The longest the event loop is held by writes before they let other work in (shared by every datafile). */
const YIELD_AFTER_MS = 2;
let lastYield = 0;

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

  /** Appends the lines of `docs` in one write. */
  async function append(docs: readonly unknown[]): Promise<void> {
    handle ??= await open(persistence.filename, 'a', persistence.modes.fileMode);
    const bytes = encodeLines(docs); // the encoder's own buffer: written before anything else can encode
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

  // NeDB would pass each line through `afterSerialization`: the embedded store's datafiles have no serialization
  // hooks (embedded-store.ts gives NeDB a file name only), so the lines go to the file as they are.
  persistence.persistNewStateAsync = (docs: unknown[]) => (docs.length > 0 ? append(docs) : Promise.resolve());

  const rewrite = persistence.persistCachedDatabaseAsync.bind(persistence);
  persistence.persistCachedDatabaseAsync = async () => {
    await close();
    await rewrite();
  };

  return { close };
}
