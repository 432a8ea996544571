/**
 * A crash in the middle of an append leaves a torn last line in a NeDB datafile. NeDB skips corrupt lines only
 * while they stay under 10 % of the file (so a small file with one torn line refuses to load). Before loading, the
 * store cuts a torn last line off — and only that: corruption anywhere else is still NeDB's to refuse — keeps
 * the cut bytes next to the file for inspection, and logs it.
 */
import { open, writeFile } from 'node:fs/promises';
import type { StoreLogger } from '../store-logger';

const MAX_TAIL = 1024 * 1024;

/** Repairs `file`'s tail if it is torn; returns the number of bytes cut (0 when the file was fine or absent). */
export async function repairTornTail(file: string, logger: StoreLogger, now: Date = new Date()): Promise<number> {
  let handle;
  try {
    handle = await open(file, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return 0;
    const length = Math.min(size, MAX_TAIL);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    if (tail[length - 1] === 0x0a) return 0;

    const lastNewline = tail.lastIndexOf(0x0a);
    if (lastNewline === -1 && size > MAX_TAIL) return 0; // a last line over 1 MiB: leave it to NeDB
    const lineStart = lastNewline + 1;
    const line = tail.subarray(lineStart);
    try {
      JSON.parse(line.toString('utf8'));
      await handle.write('\n', size); // complete but unterminated: terminate it, or the next append would join it
      return 0;
    } catch {
      // torn: cut it off below
    }
    const cutAt = size - length + lineStart;
    const saved = `${file}.torn-${now.toISOString().replace(/[:.]/g, '-')}`;
    await writeFile(saved, line);
    await handle.truncate(cutAt);
    logger.warn({ file, bytes: line.length, savedTo: saved }, 'skipped a torn last line in a datafile (a write was cut off by a crash)');
    return line.length;
  } finally {
    await handle.close();
  }
}
