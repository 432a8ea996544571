/**
 * The embedded store's lock file, `DATA_DIR/.lock`: NeDB appends to its files from one process only (a second
 * writer silently loses documents — notes/mongodb.md), so a second bot process on the same directory must refuse
 * to start, with one clear line naming the holder.
 *
 * The file is created with `open(…, 'wx')` (fails if it exists) and holds the pid, host, start time, the name of
 * the Node executable and a random nonce. A lock whose process is gone (same host, and the pid is not alive, or —
 * where /proc tells — now runs another program: the pid was reused after a crash or reboot) is stale: it is logged
 * and taken over. A lock from another host cannot be checked and is refused.
 *
 * A stale lock is taken over by renaming it aside (atomic) and checking that what was moved is the very lock
 * judged stale: two processes racing to take over the same stale lock can then never remove the fresh lock the
 * faster one has just written. After writing, the file is read back, and only the process whose nonce is in it
 * proceeds.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { StoreUnavailableError } from '../../../src/store/ports';
import type { StoreLogger } from '../store-logger';

/** What the lock file holds. */
export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
  nonce: string;
  /** The basename of the holder's Node executable (`node`); tells a reused pid apart. Absent in older locks. */
  exe?: string;
}

/** A held lock: release it on close; `check()` tells /healthz whether it is still ours. */
export interface DataDirLock {
  readonly dataDir: string;
  readonly path: string;
  check(): Promise<void>;
  release(): Promise<void>;
}

/** Directories this process holds, so opening the same one twice in one process is refused too. */
const heldHere = new Set<string>();

/** A lock file younger than this that cannot be read is taken to be mid-write by another process. */
const FRESH_MS = 10_000;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function unusable(dataDir: string, error: unknown): StoreUnavailableError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`cannot use DATA_DIR ${dataDir}: ${reason}; set DATA_DIR to a folder this process can write`, { cause: error });
}

function inUse(dataDir: string, holder: LockInfo, lockPath: string, otherHost: boolean): StoreUnavailableError {
  const hint = otherHost ? ` (if that process is gone, delete ${lockPath})` : '';
  return new StoreUnavailableError(
    `DATA_DIR ${dataDir} is in use by process ${holder.pid} on host ${holder.hostname} since ${holder.startedAt}; stop it or set DATA_DIR to another folder${hint}`,
  );
}

/** The basename of the program a pid runs, where /proc says (Linux, same user); undefined when it cannot tell. */
async function executableOf(pid: number): Promise<string | undefined> {
  try {
    return basename(await readlink(`/proc/${pid}/exe`)).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock's holder may still be running on this host: its pid is alive and, where /proc can tell, runs
 * the same executable the lock recorded. A live pid running another program (a shell, a daemon started after a
 * reboot) took over the number of a process that is gone.
 */
export async function mayStillHold(holder: LockInfo): Promise<boolean> {
  if (!isProcessAlive(holder.pid)) return false;
  if (!holder.exe) return true;
  const running = await executableOf(holder.pid);
  return running === undefined || running === holder.exe;
}

/** Whether a process with this pid exists on this host (EPERM: it exists, under another user). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

async function readLock(lockPath: string): Promise<LockInfo | null> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return null;
    return {
      pid: parsed.pid,
      hostname: parsed.hostname,
      startedAt: String(parsed.startedAt ?? 'an unknown time'),
      nonce: String(parsed.nonce ?? ''),
      ...(typeof parsed.exe === 'string' && parsed.exe ? { exe: parsed.exe } : {}),
    };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw error;
    return null;
  }
}

async function writeLock(lockPath: string, info: LockInfo): Promise<void> {
  const handle = await open(lockPath, 'wx');
  try {
    await handle.writeFile(`${JSON.stringify(info)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates `dataDir` if missing and takes its lock, or throws {@link StoreUnavailableError} saying who holds it or
 * why the directory cannot be used.
 */
export async function acquireDataDirLock(dataDirInput: string, logger: StoreLogger): Promise<DataDirLock> {
  const wanted = resolve(dataDirInput);
  try {
    await mkdir(wanted, { recursive: true });
  } catch (error) {
    throw unusable(wanted, error);
  }
  const dataDir = await realpath(wanted).catch(() => wanted);
  const lockPath = join(dataDir, '.lock');
  const mine: LockInfo = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    nonce: randomUUID(),
    exe: basename(process.execPath),
  };
  if (heldHere.has(dataDir)) {
    throw new StoreUnavailableError(
      `DATA_DIR ${dataDir} is in use by this process (${process.pid}) already; close the other store or set DATA_DIR to another folder`,
    );
  }
  heldHere.add(dataDir); // before any await, so two opens racing in this process cannot both proceed
  try {
    return await takeLock(dataDir, lockPath, mine, logger);
  } catch (error) {
    heldHere.delete(dataDir);
    throw error;
  }
}

async function takeLock(dataDir: string, lockPath: string, mine: LockInfo, logger: StoreLogger): Promise<DataDirLock> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      await writeLock(lockPath, mine);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw unusable(dataDir, error);
      let holder: LockInfo | null;
      try {
        holder = await readLock(lockPath);
      } catch {
        continue; // removed between our open and our read: try again
      }
      if (!holder) {
        const age = Date.now() - (await stat(lockPath).then((s) => s.mtimeMs, () => 0));
        if (age < FRESH_MS) {
          throw new StoreUnavailableError(
            `DATA_DIR ${dataDir} is being opened by another process right now (${lockPath} is being written); stop it or set DATA_DIR to another folder`,
          );
        }
        logger.warn({ dataDir, lockPath }, 'DATA_DIR lock file is unreadable and old: taking it over');
      } else {
        const otherHost = holder.hostname !== mine.hostname;
        if (otherHost) throw inUse(dataDir, holder, lockPath, true);
        // Our own pid with someone else's nonce: a previous run of this program (e.g. pid 1 in a restarted container).
        const earlierRunOfOurs = holder.pid === process.pid;
        if (!earlierRunOfOurs && (await mayStillHold(holder))) throw inUse(dataDir, holder, lockPath, false);
        logger.warn(
          { dataDir, stalePid: holder.pid, staleHost: holder.hostname, since: holder.startedAt },
          'DATA_DIR lock was left by a process that is no longer running: taking it over',
        );
      }
      await removeStaleLock(dataDir, lockPath, holder, mine);
      continue;
    }

    // Read back: a racing takeover may have replaced our file between its unlink and our open.
    const written = await readLock(lockPath).catch(() => null);
    if (!written || written.nonce !== mine.nonce) {
      if (written) throw inUse(dataDir, written, lockPath, written.hostname !== mine.hostname);
      continue;
    }
    return lockHandle(dataDir, lockPath, mine);
  }
  throw new StoreUnavailableError(`could not take the lock ${lockPath}: other processes keep taking it; stop them or set DATA_DIR to another folder`);
}

/**
 * Removes the lock judged stale — and only it. Between reading it and removing it, another process may have taken
 * it over and written its own: so the file is first renamed aside (atomic: of two racers only one moves it), then
 * checked to be the one judged stale (same nonce, or the same unreadable content). Anything else is put back, or —
 * when a third process has written a lock meanwhile — left for that one.
 */
async function removeStaleLock(dataDir: string, lockPath: string, stale: LockInfo | null, mine: LockInfo): Promise<void> {
  const aside = `${lockPath}.stale-${mine.nonce}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return; // another process took it over first: look again
    throw unusable(dataDir, error);
  }
  const moved = await readLock(aside).catch(() => null);
  const isTheStaleOne = stale === null ? moved === null : moved?.nonce === stale.nonce;
  if (!isTheStaleOne) {
    // A fresh lock of a process that won the race: put it back where it belongs.
    await link(aside, lockPath).catch((error: unknown) => {
      if (errorCode(error) !== 'EEXIST') throw unusable(dataDir, error);
    });
  }
  await unlink(aside).catch(() => undefined);
}

function lockHandle(dataDir: string, lockPath: string, mine: LockInfo): DataDirLock {
  let released = false;
  return {
    dataDir,
    path: lockPath,
    async check() {
      if (released) throw new Error('the embedded store is closed');
      const current = await readLock(lockPath).catch(() => null);
      if (!current || current.nonce !== mine.nonce) {
        throw new Error(`the lock file ${lockPath} was removed or replaced; another process may be writing DATA_DIR ${dataDir}`);
      }
    },
    async release() {
      if (released) return;
      released = true;
      heldHere.delete(dataDir);
      const current = await readLock(lockPath).catch(() => null);
      if (current?.nonce === mine.nonce) await unlink(lockPath).catch(() => undefined);
    },
  };
}
