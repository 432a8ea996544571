import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript, startScript } from '../support/process';

/** `npm run job` is `tsx adapters/job.ts`. */
const JOB = 'adapters/job.ts';

describe('npm run job', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'itsm-job-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the scheduled jobs without opening the store', async () => {
    const run = await runScript(JOB, ['--list'], { DATA_DIR: join(dir, 'never') });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^audit-verify\s+30 2 \* \* \*\s+Checks the hash chain/m);
    expect(run.stdout).toMatch(/^housekeeping\s+/m);
  });

  it('runs one job once, now, against the configured store', async () => {
    const run = await runScript(JOB, ['audit-verify'], { DATA_DIR: join(dir, 'data') });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toMatch(/^audit-verify: audit trail intact: 0 events checked \(\d+ ms\)$/);
    expect(run.code).toBe(0);
  });

  it('names the jobs there are when asked for one that does not exist', async () => {
    const run = await runScript(JOB, ['audit-verfy'], { DATA_DIR: join(dir, 'data') });
    expect(run.code).toBe(3);
    expect(run.stderr.trim()).toBe('audit-verfy: not run: there is no job called "audit-verfy" (jobs: audit-verify, housekeeping, incident-sla-watch, incident-auto-close, change-nudges, improvement-nudges, improvement-digest)');
  });

  it('explains its usage', async () => {
    const run = await runScript(JOB, [], {});
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('usage: npm run job -- --list | npm run job -- <job-name>');
  });

  it('refuses to open an embedded store the running bot holds, saying why', async () => {
    const dataDir = join(dir, 'data');
    const bot = startScript('adapters/main.ts', [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    await bot.logLine('itsm-bot is listening');
    try {
      const run = await runScript(JOB, ['housekeeping'], { DATA_DIR: dataDir });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^itsm-bot job: .*in use by process \d+/);
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exited;
    }
  });
});
