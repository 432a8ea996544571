/**
 * What only the embedded store does: the DATA_DIR lock (a second process refused with one clear line, a stale
 * lock taken over, released on close), persistence across restarts, torn-line repair, compaction on close, and
 * clear messages for a DATA_DIR it cannot use.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createEmbeddedStore } from '../../adapters/store/embedded/embedded-store';
import { isProcessAlive } from '../../adapters/store/embedded/data-dir-lock';
import { openStore } from '../../adapters/store/open-store';
import { createAuditLog } from '../../src/store/audit-log';
import { DuplicateKeyError, StoreUnavailableError, type DocumentStore } from '../../src/store/ports';

interface Logged {
  level: 'info' | 'warn';
  obj: unknown;
  msg: string | undefined;
}

function recordingLogger() {
  const lines: Logged[] = [];
  return {
    lines,
    info: (obj: object | string, msg?: string) => lines.push({ level: 'info', obj, msg }),
    warn: (obj: object | string, msg?: string) => lines.push({ level: 'warn', obj, msg }),
  };
}

const IN_USE = /^DATA_DIR \S+ is in use by process (\d+) on host (\S+) since (\S+); stop it or set DATA_DIR to another folder$/;

let root = '';
let dir = '';
const open: DocumentStore[] = [];

async function openEmbedded(dataDir = dir, logger = recordingLogger()): Promise<DocumentStore> {
  const store = await createEmbeddedStore({ dataDir, logger, autocompactionMs: 0 });
  open.push(store);
  return store;
}

async function refusal(promise: Promise<unknown>): Promise<StoreUnavailableError> {
  const error = await promise.then(
    () => new Error('expected StoreUnavailableError, but the store opened'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  return error as StoreUnavailableError;
}

/** Runs tests/support/hold-embedded-store.ts: a real second process holding DATA_DIR. */
async function secondProcess(dataDir: string): Promise<{ child: ChildProcessWithoutNullStreams; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../support/hold-embedded-store.ts'), dataDir], {
    cwd: join(__dirname, '../..'),
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('exit', (code) => reject(new Error(`second process exited (${code}): ${err}`)));
  });
  return { child, line };
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await exited(child as unknown as ChildProcessWithoutNullStreams);
  const pid = child.pid as number;
  expect(isProcessAlive(pid)).toBe(false);
  return pid;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'itsm-embedded-'));
});
beforeEach(async () => {
  dir = await mkdtemp(join(root, 'data-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the DATA_DIR lock', () => {
  test('a second process on the same DATA_DIR is refused with one clear line; it may start once the first stops', async () => {
    const first = await secondProcess(dir);
    expect(first.line).toMatch(/^READY \d+$/);
    const pid = Number(first.line.split(' ')[1]);
    try {
      const error = await refusal(openEmbedded());
      expect(error.message).toMatch(IN_USE);
      expect(error.message).toContain(`is in use by process ${pid} on host ${hostname()} since `);
      expect(error.message.split('\n')).toHaveLength(1);
    } finally {
      first.child.stdin.end();
      await exited(first.child);
    }
    const store = await openEmbedded();
    expect(await store.collection('things').countDocuments({ id: `from-${pid}` })).toBe(1);
  }, 20_000);

  test('the second process is refused too, while this one holds the directory', async () => {
    await openEmbedded();
    const other = await secondProcess(dir);
    expect(other.line).toMatch(/^REFUSED DATA_DIR .* is in use by process \d+ on host .* since .*; stop it or set DATA_DIR to another folder$/);
    expect(other.line).toContain(`process ${process.pid} `);
    await exited(other.child);
  }, 20_000);

  test('a lock held by another live process (here: our parent) is refused', async () => {
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid: process.ppid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', nonce: 'x' }));
    const error = await refusal(openEmbedded());
    expect(error.message).toMatch(IN_USE);
    expect(error.message).toContain(`process ${process.ppid} on host ${hostname()} since 2026-01-01T00:00:00.000Z`);
  });

  test('a stale lock (its process is gone) is logged and taken over', async () => {
    const pid = await deadPid();
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', nonce: 'old' }));
    const logger = recordingLogger();
    const store = await openEmbedded(dir, logger);
    await store.ping();
    const lock = JSON.parse(await readFile(join(dir, '.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(process.pid);
    expect(logger.lines).toContainEqual({ level: 'warn', obj: expect.objectContaining({ stalePid: pid }), msg: expect.stringMatching(/no longer running/) });
  });

  test('a process killed while holding the lock leaves a stale lock that the next start takes over', async () => {
    const holder = await secondProcess(dir);
    holder.child.kill('SIGKILL');
    await exited(holder.child);
    const logger = recordingLogger();
    const store = await openEmbedded(dir, logger);
    expect(await store.collection('things').countDocuments({})).toBe(1);
    expect(logger.lines.some((line) => line.level === 'warn')).toBe(true);
  }, 20_000);

  const procTellsExecutables = existsSync(`/proc/${process.pid}/exe`);
  (procTellsExecutables ? test : test.skip)(
    `a stale lock whose pid was reused by another program is taken over${procTellsExecutables ? '' : ' — SKIPPED: no /proc/<pid>/exe here'}`,
    async () => {
      const other = spawn('sleep', ['30']); // alive, but not Node: the pid of a crashed bot, reused after a reboot
      try {
        await writeFile(
          join(dir, '.lock'),
          JSON.stringify({ pid: other.pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', nonce: 'old', exe: basename(process.execPath) }),
        );
        const logger = recordingLogger();
        await openEmbedded(dir, logger);
        expect(JSON.parse(await readFile(join(dir, '.lock'), 'utf8'))).toMatchObject({ pid: process.pid, exe: basename(process.execPath) });
        expect(logger.lines).toContainEqual({ level: 'warn', obj: expect.objectContaining({ stalePid: other.pid }), msg: expect.stringMatching(/no longer running/) });
      } finally {
        other.kill();
      }
    },
  );

  test('a live holder running the recorded executable is still refused', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 30_000)']);
    try {
      await writeFile(
        join(dir, '.lock'),
        JSON.stringify({ pid: holder.pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', nonce: 'x', exe: basename(process.execPath) }),
      );
      expect((await refusal(openEmbedded())).message).toMatch(IN_USE);
    } finally {
      holder.kill();
    }
  });

  test('two processes racing to take over one stale lock: exactly one opens the directory', async () => {
    const pid = await deadPid();
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', nonce: 'old' }));
    const racers = await Promise.all([secondProcess(dir), secondProcess(dir)]);
    try {
      const lines = racers.map((r) => r.line).sort();
      expect(lines[0]).toMatch(/^READY \d+$/);
      expect(lines[1]).toMatch(/^REFUSED DATA_DIR .* is in use by process \d+ /);
      expect(JSON.parse(await readFile(join(dir, '.lock'), 'utf8')).pid).toBe(Number(lines[0]?.split(' ')[1]));
      expect((await readdir(dir)).filter((file) => file.startsWith('.lock.'))).toEqual([]);
    } finally {
      racers.forEach((r) => r.child.stdin.end());
      await Promise.all(racers.map((r) => exited(r.child)));
    }
  }, 30_000);

  test('a lock from another host is refused, with where to delete it', async () => {
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid: 1, hostname: 'elsewhere', startedAt: '2026-01-01T00:00:00.000Z', nonce: 'x' }));
    const error = await refusal(openEmbedded());
    expect(error.message).toContain('in use by process 1 on host elsewhere since 2026-01-01T00:00:00.000Z; stop it or set DATA_DIR to another folder');
    expect(error.message).toContain(`delete ${join(dir, '.lock')}`);
  });

  test('an unreadable lock file is refused while fresh (being written), taken over once old', async () => {
    await writeFile(join(dir, '.lock'), '');
    expect((await refusal(openEmbedded())).message).toMatch(/being opened by another process/);
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, '.lock'), old, old);
    await openEmbedded();
  });

  test('the same directory cannot be opened twice in one process', async () => {
    await openEmbedded();
    expect((await refusal(openEmbedded())).message).toMatch(/in use by this process/);
  });

  test('close releases the lock; ping fails once the lock file is gone', async () => {
    const store = await openEmbedded();
    await store.close();
    expect(await readdir(dir)).not.toContain('.lock');
    const again = await openEmbedded();
    await rm(join(dir, '.lock'));
    await expect(again.ping()).rejects.toThrow(/lock file .* was removed or replaced/);
  });
});

describe('files', () => {
  test('creates DATA_DIR when missing, and openStore picks the embedded store without MONGODB_URI', async () => {
    const nested = join(dir, 'a', 'b');
    const store = await openStore({ dataDir: nested, logger: recordingLogger() });
    open.push(store);
    expect(store.kind).toBe('embedded');
    await store.collection('things').insertOne({ id: 't1' });
    expect(await readdir(nested)).toEqual(expect.arrayContaining(['.lock', 'things.db']));
  });

  test('a DATA_DIR that cannot be created is refused with a clear message', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const error = await refusal(openEmbedded(join(file, 'data')));
    expect(error.message).toMatch(/^cannot use DATA_DIR .*not-a-dir\/data: .*; set DATA_DIR to a folder this process can write$/);
  });

  test('documents, Dates and unique indexes survive close and reopen', async () => {
    const first = await openEmbedded();
    await first.ensureIndexes([{ collection: 'things', keys: { id: 1 }, unique: true }]);
    const at = new Date('2026-05-01T10:00:00.000Z');
    await first.collection('things').insertMany([{ id: 't1', at, nested: { at } }, { id: 't2' }]);
    await first.collection('things').updateOne({ id: 't2' }, { $set: { n: 2 } });
    await first.collection('things').deleteOne({ id: 't1' });
    await first.collection('things').insertOne({ id: 't1', at, nested: { at } });
    await first.close();

    const second = await openEmbedded();
    const things = second.collection('things');
    expect(await things.find({}, { sort: { id: 1 } })).toEqual([{ id: 't1', at, nested: { at } }, { id: 't2', n: 2 }]);
    expect((await things.findOne({ id: 't1' }))?.at).toBeInstanceOf(Date);
    await expect(things.insertOne({ id: 't1' })).rejects.toBeInstanceOf(DuplicateKeyError);
  });

  test('a torn last line (a crash mid-write) is cut off, kept aside and logged; the rest loads', async () => {
    const first = await openEmbedded();
    await first.collection('things').insertMany([{ id: 't1' }, { id: 't2' }]);
    await first.close();
    const torn = '{"id":"t3","half":"writ';
    await appendFile(join(dir, 'things.db'), torn);

    const logger = recordingLogger();
    const second = await openEmbedded(dir, logger);
    expect((await second.collection('things').find({}, { sort: { id: 1 } })).map((d) => d.id)).toEqual(['t1', 't2']);
    expect(logger.lines).toContainEqual({ level: 'warn', obj: expect.objectContaining({ bytes: Buffer.byteLength(torn) }), msg: expect.stringMatching(/torn last line/) });
    expect((await readdir(dir)).some((file) => file.startsWith('things.db.torn-'))).toBe(true);
    await second.collection('things').insertOne({ id: 't4' });
    await second.close();

    const third = await openEmbedded();
    expect((await third.collection('things').find({}, { sort: { id: 1 } })).map((d) => d.id)).toEqual(['t1', 't2', 't4']);
  });

  test('a complete last line without its newline is kept, and the next write does not join it', async () => {
    const first = await openEmbedded();
    await first.collection('things').insertOne({ id: 't1' });
    await first.close();
    await appendFile(join(dir, 'things.db'), '{"id":"t2","_id":"abcdefghijklmnop"}');
    const second = await openEmbedded();
    await second.collection('things').insertOne({ id: 't3' });
    await second.close();
    const third = await openEmbedded();
    expect((await third.collection('things').find({}, { sort: { id: 1 } })).map((d) => d.id)).toEqual(['t1', 't2', 't3']);
  });

  test('a badly corrupt datafile stops start-up, naming the file', async () => {
    await writeFile(join(dir, 'things.db'), 'garbage\n{"id":"t1","_id":"aaaaaaaaaaaaaaaa"}\nmore garbage\n');
    const error = await refusal(openEmbedded());
    expect(error.message).toContain(`cannot load ${join(dir, 'things.db')}`);
    expect(await readdir(dir)).not.toContain('.lock');
  });

  test('close compacts each datafile to one line per document', async () => {
    const store = await openEmbedded();
    const things = store.collection('things');
    await things.insertOne({ id: 't1', n: 0 });
    for (let i = 0; i < 30; i++) await things.updateOne({ id: 't1' }, { $inc: { n: 1 } });
    const before = (await readFile(join(dir, 'things.db'), 'utf8')).trim().split('\n').length;
    expect(before).toBeGreaterThan(30);
    await store.close();
    const after = (await readFile(join(dir, 'things.db'), 'utf8')).trim().split('\n');
    expect(after).toHaveLength(1);
    expect(JSON.parse(after[0] as string)).toMatchObject({ id: 't1', n: 30 });
  });

  test('TTL expiry follows the store clock, swept periodically — not the wall clock at read time', async () => {
    let now = new Date('2020-01-01T00:00:00Z'); // a clock in the past, as a test or a replay injects it
    const store = await createEmbeddedStore({ dataDir: dir, logger: recordingLogger(), autocompactionMs: 0, ttlSweepMs: 20, clock: () => now });
    open.push(store);
    await store.ensureIndexes([{ collection: 'sessions', keys: { expiresAt: 1 }, expireAfterSeconds: 0 }]);
    const sessions = store.collection('sessions');
    await sessions.insertMany([
      { id: 'live-by-store-clock', expiresAt: new Date('2021-01-01T00:00:00Z') },
      { id: 'expired', expiresAt: new Date('2019-12-31T00:00:00Z') },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await sessions.find({})).map((d) => d.id)).toEqual(['live-by-store-clock']);
    now = new Date('2021-06-01T00:00:00Z');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await sessions.countDocuments({})).toBe(0);
  });

  test('after a restart, a trail whose tail was cut keeps showing the cut once new events are appended', async () => {
    const event = (n: number) => ({
      at: new Date(Date.UTC(2026, 2, 2, 9, 0, n)),
      actor: { id: 'ada', name: 'Ada Lovelace' },
      action: 'incident.updated',
      record: { kind: 'incident', id: 'INC-000001' },
      after: { n },
    });
    const first = await openEmbedded();
    const audit = createAuditLog(first);
    for (let n = 1; n <= 5; n++) await audit.append(event(n));
    await first.collection('audit').deleteMany({ seq: { $gte: 4 } }); // someone with file access cuts the tail
    await first.close();

    const second = await openEmbedded(); // a new process: nothing cached about the head
    const again = createAuditLog(second);
    expect((await again.append(event(6))).seq).toBe(6);
    expect((await again.append(event(7))).seq).toBe(7);
    const report = await again.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ seq: 6, problem: expect.stringMatching(/events 4–5 are missing/) }]);
  });

  test('a closed store refuses work', async () => {
    const store = await openEmbedded();
    const things = store.collection('things');
    await store.close();
    await expect(things.insertOne({ id: 'late' })).rejects.toThrow(/closed/);
    expect(() => store.collection('things')).toThrow(/closed/);
    await expect(store.ping()).rejects.toThrow(/closed/);
  });
});
