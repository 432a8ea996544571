import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript, startScript } from '../support/process';

/** `npm run import:actions` is `tsx adapters/import-actions.ts`. */
const IMPORT = 'adapters/import-actions.ts';
const FIXTURES = join('tests', 'fixtures', 'import');

describe('npm run import:actions', () => {
  let dir: string;
  let dataDir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'itsm-import-'));
    dataDir = join(dir, 'data');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const importFile = (file: string, args: string[] = []) => runScript(IMPORT, [...args, file], { DATA_DIR: dataDir });

  it('imports a good file (exit 0) with a summary, and a rerun skips what is already there', async () => {
    const run = await importFile(join(FIXTURES, 'good.csv'));
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toEqual([
      'importing 3 rows from good.csv into the embedded store…',
      'good.csv: 3 imported, 0 skipped as already imported, 0 rejected (3 rows)',
      'warning: 1 imported entry is past the target date (overdue: the nudges will start)',
      'warning: 1 entry names a raiser not in the organisation file (kept as written)',
      '',
    ]);
    expect(run.code).toBe(0);

    const again = await importFile(join(FIXTURES, 'good.csv'));
    expect(again.stdout).toContain('good.csv: 0 imported, 3 skipped as already imported, 0 rejected (3 rows)');
    expect(again.code).toBe(0);

    // The audit trail is whole: one creation event per entry, chained.
    const verified = await runScript('adapters/job.ts', ['audit-verify'], { DATA_DIR: dataDir });
    expect(verified.stdout).toMatch(/^audit-verify: audit trail intact: 3 events checked/);
  });

  it('imports the good rows and lists every bad one with its line and reason (exit 1)', async () => {
    const run = await importFile(join(FIXTURES, 'bad-rows.csv'));
    expect(run.stdout).toContain('bad-rows.csv: 2 imported, 0 skipped as already imported, 7 rejected (9 rows)');
    expect(run.stderr.trim().split('\n')).toEqual([
      'line 3: title: empty',
      'line 4: owner: "someone.else@example.com" is not in the organisation file (give their id, name or e-mail)',
      'line 5: target date: "31/01/2099" is not a date written YYYY-MM-DD',
      'line 6: correction: a corrective action must say what was done at once to contain it; root cause: a corrective action must say why it happened',
      'line 7: status: "finished"; write one of proposed, approved, in progress, done, verified, rejected',
      'line 8: ref: "B-1" is also on line 2',
      'line 9: has 12 fields but the header has 11 (a missing or extra comma, or a quote not closed on the line before?)',
    ]);
    expect(run.code).toBe(1);
  });

  it('shows progress every 500 rows', async () => {
    const file = join(dir, 'big.csv');
    const rows = Array.from({ length: 1100 }, (_, i) => `BIG-${i + 1},Action ${i + 1},improvement,staff idea,mei-chen,low,2099-01-01`);
    writeFileSync(file, ['ref,title,type,source,owner,priority,target date', ...rows].join('\n'));
    const run = await importFile(file);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('…'))).toEqual([
      '… 500 of 1100 rows (500 imported, 0 already imported)',
      '… 1000 of 1100 rows (1000 imported, 0 already imported)',
    ]);
    expect(run.stdout).toContain('big.csv: 1100 imported, 0 skipped as already imported, 0 rejected (1100 rows)');
    expect(run.code).toBe(0);
  }, 60_000);

  it('refuses a file missing a required column before opening the store (exit 2)', async () => {
    const run = await importFile(join(FIXTURES, 'missing-column.csv'));
    expect(run.stderr.trim()).toBe(
      `itsm-bot import: ${join(FIXTURES, 'missing-column.csv')}: the header has no "owner" column (it has: ref, title, type, source, priority, target date); nothing imported`,
    );
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses an unreadable file and a file that is not UTF-8 (exit 2)', async () => {
    const missing = await importFile(join(dir, 'nope.csv'));
    expect(missing.stderr).toMatch(/^itsm-bot import: cannot read .*nope\.csv: ENOENT/);
    expect(missing.code).toBe(2);
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(latin1, Buffer.from('title,type,source,owner,priority,target date\nM\xfcller,improvement,complaint,mei-chen,low,2099-01-01\n', 'latin1'));
    const garbled = await importFile(latin1);
    expect(garbled.stderr.trim()).toBe(`itsm-bot import: ${latin1}: the file is not UTF-8 text; save it as "CSV UTF-8" and try again; nothing imported`);
    expect(garbled.code).toBe(2);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('checks without writing with --check', async () => {
    const run = await importFile(join(FIXTURES, 'bad-rows.csv'), ['--check']);
    expect(run.stdout.trim()).toBe('bad-rows.csv: 9 rows checked: 2 good, 7 rejected, 1 overdue; nothing written (--check)');
    expect(run.stderr).toContain('line 3: title: empty');
    expect(run.code).toBe(1);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('explains its usage and the columns', async () => {
    const none = await runScript(IMPORT, [], { DATA_DIR: dataDir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^usage: npm run import:actions -- \[--check\] <file.csv>/);
    const help = await runScript(IMPORT, ['--help'], { DATA_DIR: dataDir });
    expect(help.code).toBe(0);
    for (const column of ['ref', 'title', 'description', 'type', 'source', 'source record', 'owner', 'process', 'priority', 'target date', 'status', 'nonconformity', 'correction', 'root cause', 'raised by']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${column} +(required|optional) `, 'm'));
    }
  });

  it('refuses to open an embedded store the running bot holds, importing nothing (exit 2)', async () => {
    const bot = startScript('adapters/main.ts', [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    await bot.logLine('itsm-bot is listening');
    try {
      const run = await importFile(join(FIXTURES, 'good.csv'));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^itsm-bot import: .*in use by process \d+.*; nothing imported/);
      expect(run.stdout).toBe('');
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exited;
    }
  });
});
