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
import Datastore from '@seald-io/nedb';
import { createEmbeddedStore } from '../../adapters/store/embedded/embedded-store';
import { ensureSecondaryIndex, isSecondaryIndex } from '../../adapters/store/embedded/secondary-index';
import { isProcessAlive } from '../../adapters/store/embedded/data-dir-lock';
import { openStore } from '../../adapters/store/open-store';
import { createAuditLog } from '../../src/store/audit-log';
import { DuplicateKeyError, type DocumentStore } from '../../src/store/ports';
import { refusal } from '../support/store-refusal';

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

  test('appends after a periodic compaction go to the rewritten file', async () => {
    const store = await createEmbeddedStore({ dataDir: dir, logger: recordingLogger(), autocompactionMs: 25 });
    open.push(store);
    const things = store.collection('things');
    await things.insertOne({ id: 't1', n: 0 });
    for (let i = 0; i < 5; i++) await things.updateOne({ id: 't1' }, { $inc: { n: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 120)); // compacted at least once (a new file renamed over the old)
    expect((await readFile(join(dir, 'things.db'), 'utf8')).trim().split('\n')).toHaveLength(1);
    await things.insertOne({ id: 't2' });
    await things.updateOne({ id: 't1' }, { $inc: { n: 1 } });
    const lines = (await readFile(join(dir, 'things.db'), 'utf8')).trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    await store.close();
    open.splice(open.indexOf(store), 1);
    const again = await openEmbedded();
    expect(await again.collection('things').find({}, { sort: { id: 1 } })).toEqual([{ id: 't1', n: 6 }, { id: 't2' }]);
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

describe('indexes', () => {
  test("NeDB's own sparse option leaves Date values out of the index (why the store keeps missing values out itself)", async () => {
    const db = new Datastore();
    await db.ensureIndexAsync({ fieldName: 'at', sparse: true });
    await db.insertAsync([{ at: new Date('2026-01-01T00:00:00Z') }, {}, { at: new Date('2026-02-01T00:00:00Z') }]);
    expect(await db.findAsync({ at: { $lte: new Date('2027-01-01T00:00:00Z') } })).toHaveLength(0);
  });

  test('a secondary index leaves out documents without a value (missing, null) and keeps every other, Dates included', async () => {
    const db = new Datastore<Record<string, unknown>>();
    await ensureSecondaryIndex(db, 'at');
    await ensureSecondaryIndex(db, 'who.id');
    const at = new Date('2026-01-01T00:00:00Z');
    const docs = (await db.insertAsync([{ n: 1, at, who: { id: 'a' } }, { n: 2 }, { n: 3, at: null, who: null }, { n: 4, at: new Date(at.getTime() + 1), who: [{ id: 'b' }] }])) as unknown as Array<Record<string, unknown>>;
    const entries = (field: string) => (db as unknown as { indexes: Record<string, { getAll(): unknown[] }> }).indexes[field]!.getAll().length;
    expect(isSecondaryIndex(db, 'at')).toBe(true);
    expect(entries('at')).toBe(2);
    expect(entries('who.id')).toBe(2); // a path through an array is indexed as NeDB always did
    await db.updateAsync({ _id: docs[1]!._id }, { $set: { at } });
    await db.updateAsync({ _id: docs[0]!._id }, { $unset: { at: true } });
    expect(entries('at')).toBe(2);
    expect((await db.findAsync({ at: { $lte: new Date(at.getTime() + 1) } })).map((d) => d.n).sort()).toEqual([2, 4]);
    await db.removeAsync({}, { multi: true });
    expect(entries('at')).toBe(0);
  });

  test('a value many documents share: each has a key of its own, lookups by value, $in and ranges stay exact', async () => {
    const db = new Datastore<Record<string, unknown>>();
    await ensureSecondaryIndex(db, 'service');
    const docs = (await db.insertAsync(Array.from({ length: 300 }, (_, n) => ({ n, service: ['vpn', 'wms', 'erp'][n % 3] })))) as unknown as Array<Record<string, unknown>>;
    const tree = (db as unknown as { indexes: Record<string, { getAll(): unknown[]; tree: { tree: { data: unknown[]; left?: unknown; right?: unknown } } }> }).indexes.service!;
    expect(tree.tree.tree.data).toHaveLength(1); // one document per tree node, not one node per service
    for (const doc of docs.filter((d) => (d.n as number) % 2 === 0)) await db.removeAsync({ _id: doc._id }, {});
    await db.updateAsync({ n: 1 }, { $set: { service: 'erp' } });
    const ns = async (query: Record<string, unknown>) => ((await db.findAsync(query)) as Array<{ n: number }>).map((d) => d.n).sort((a, b) => a - b);
    expect(await ns({ service: 'vpn' })).toEqual(Array.from({ length: 300 }, (_, n) => n).filter((n) => n % 3 === 0 && n % 2 === 1));
    expect((await ns({ service: { $in: ['wms', 'erp'] } })).length).toBe(100);
    expect(await ns({ service: 'erp' })).toContain(1);
    expect((await ns({ service: { $gt: 'vpn' } })).length).toBe(49); // wms, less the one moved to erp
    expect((await ns({ service: { $gte: 'vpn' } })).length).toBe(50 + 49);
    expect((await ns({ service: { $lt: 'vpn' } })).length).toBe(51); // erp, with the one moved
    expect(tree.getAll()).toHaveLength(150);
  });

  test('an update that leaves an indexed value alone keeps its place in the tree and finds the new copy', async () => {
    const db = new Datastore<Record<string, unknown>>();
    await ensureSecondaryIndex(db, 'status');
    await ensureSecondaryIndex(db, 'tags');
    const [doc] = (await db.insertAsync([{ n: 1, status: 'open', tags: ['a', 'b'], note: 'first' }])) as unknown as Array<Record<string, unknown>>;
    await db.insertAsync(Array.from({ length: 50 }, (_, n) => ({ n: n + 2, status: 'open', tags: ['c'] })));
    const index = (field: string) => (db as unknown as { indexes: Record<string, { getAll(): Array<Record<string, unknown>> }> }).indexes[field]!;
    for (const note of ['second', 'third']) await db.updateAsync({ _id: doc!._id }, { $set: { note } });
    const found = (await db.findAsync({ status: 'open', n: 1 })) as Array<Record<string, unknown>>;
    expect(found.map((d) => d.note)).toEqual(['third']);
    expect(((await db.findAsync({ tags: 'b' })) as Array<Record<string, unknown>>).map((d) => d.note)).toEqual(['third']);
    // The tree holds the stored copy, not a stale one, and no entry twice.
    expect(index('status').getAll().filter((d) => d._id === doc!._id).map((d) => d.note)).toEqual(['third']);
    expect(index('tags').getAll().filter((d) => d._id === doc!._id)).toHaveLength(2);
    // Changing the value still moves it.
    await db.updateAsync({ _id: doc!._id }, { $set: { status: 'closed', tags: ['b', 'd'] } });
    expect(await db.findAsync({ status: 'open', n: 1 })).toEqual([]);
    expect(((await db.findAsync({ tags: 'd' })) as Array<Record<string, unknown>>).map((d) => d.n)).toEqual([1]);
    expect(await db.findAsync({ tags: 'a' })).toEqual([]);
    expect(index('status').getAll()).toHaveLength(51);
  });

  test('queries through secondary indexes return what MongoDB would, across writes and a restart', async () => {
    const specs = [
      { collection: 'jobs', keys: { dueAt: 1, status: 1 } },
      { collection: 'jobs', keys: { 'owner.id': 1, status: 1 } },
    ] as const;
    const first = await openEmbedded();
    await first.ensureIndexes([...specs]);
    const t = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
    const jobs = first.collection('jobs');
    await jobs.insertMany([
      { id: 'j1', status: 'open', dueAt: t(1), owner: { id: 'ann' } },
      { id: 'j2', status: 'open', dueAt: t(5) },
      { id: 'j3', status: 'done', owner: { id: 'ann' } },
      { id: 'j4', status: 'open', dueAt: null, owner: null },
    ]);
    const due = async (store: DocumentStore, minutes: number) =>
      (await store.collection('jobs').find({ status: 'open', dueAt: { $lte: t(minutes) } }, { sort: { dueAt: 1 } })).map((d) => d.id);
    expect(await due(first, 10)).toEqual(['j1', 'j2']);
    await jobs.updateOne({ id: 'j1' }, { $unset: { dueAt: '' }, $set: { status: 'done' } });
    await jobs.updateOne({ id: 'j3' }, { $set: { dueAt: t(2), status: 'open' } });
    expect(await due(first, 10)).toEqual(['j3', 'j2']);
    expect((await jobs.find({ 'owner.id': 'ann' }, { sort: { id: 1 } })).map((d) => d.id)).toEqual(['j1', 'j3']);
    expect((await jobs.find({ dueAt: null }, { sort: { id: 1 } })).map((d) => d.id)).toEqual(['j1', 'j4']);
    expect((await jobs.find({ dueAt: { $exists: false } })).map((d) => d.id)).toEqual(['j1']);
    await first.close();

    const second = await openEmbedded();
    await second.ensureIndexes([...specs]);
    expect(await due(second, 10)).toEqual(['j3', 'j2']);
    expect(await due(second, 3)).toEqual(['j3']);
  });

  test('an index an earlier version recorded and no spec asks for any more is dropped; unique indexes stay', async () => {
    const first = await openEmbedded();
    await first.ensureIndexes([
      { collection: 'jobs', keys: { id: 1 }, unique: true },
      { collection: 'jobs', keys: { status: 1, dueAt: 1 } },
      { collection: 'jobs', keys: { code: 1 }, unique: true, sparse: true },
    ]);
    await first.collection('jobs').insertMany([{ id: 'j1', status: 'open', dueAt: new Date('2026-01-01T00:00:00Z') }, { id: 'j2', status: 'open' }]);
    await first.close();

    const logger = recordingLogger();
    const second = await openEmbedded(dir, logger);
    await second.ensureIndexes([
      { collection: 'jobs', keys: { id: 1 }, unique: true },
      { collection: 'jobs', keys: { dueAt: 1, status: 1 } },
    ]);
    expect(logger.lines).toContainEqual({ level: 'info', obj: { collection: 'jobs', index: 'status' }, msg: 'dropped an index no longer used' });
    await expect(second.collection('jobs').insertOne({ id: 'j3', code: 'x' })).resolves.toBeUndefined();
    await expect(second.collection('jobs').insertOne({ id: 'j4', code: 'x' })).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await second.collection('jobs').countDocuments({ status: 'open' })).toBe(2);
    await second.close();
    const indexLines = (await readFile(join(dir, 'jobs.db'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { $$indexCreated?: { fieldName: string } })
      .flatMap((line) => (line.$$indexCreated ? [line.$$indexCreated.fieldName] : []));
    expect(indexLines.sort()).toEqual(['code', 'dueAt', 'id']);
  });
});
