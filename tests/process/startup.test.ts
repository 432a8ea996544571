import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript, startScript } from '../support/process';

/**
 * Start-up and shutdown as an operator sees them: `npm start` is `tsx adapters/main.ts` (plus a V8 flag that only
 * tunes the garbage collector).
 */
const MAIN = 'adapters/main.ts';

describe('starting and stopping the bot', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'itsm-start-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts with no configuration: embedded store, example organisation, web chat and health check', async () => {
    const dataDir = join(dir, 'data');
    const bot = startScript(MAIN, [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    const listening = await bot.logLine('itsm-bot is listening');
    const base = `http://127.0.0.1:${listening.port as number}`;

    const page = await fetch(base + '/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>itsm-bot — web chat</title>');
    const health = await fetch(base + '/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'embedded', channels: { webchat: true } });
    expect(existsSync(join(dataDir, '.lock'))).toBe(true);

    const started = Date.now();
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(join(dataDir, '.lock'))).toBe(false);
    expect(bot.stdout()).toContain('itsm-bot stopped');
  });

  it('refuses a bad environment variable with one line naming it, and writes nothing', async () => {
    const dataDir = join(dir, 'never');
    const run = await runScript(MAIN, [], { PORT: 'http', DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe('itsm-bot cannot start: PORT must be a whole number between 0 and 65535');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a broken organisation file with its file, line and path, and writes nothing', async () => {
    const config = join(dir, 'org.yaml');
    const example = readFileSync(join(__dirname, '..', '..', 'config', 'organisation.example.yaml'), 'utf8');
    const lines = example.split('\n');
    const at = lines.findIndex((line) => /^\s+timeZone:/.test(line));
    lines[at] = lines[at]!.replace(/timeZone:.*/, 'timeZone: Mars/Olympus_Mons');
    writeFileSync(config, lines.join('\n'));
    const dataDir = join(dir, 'never');
    const run = await runScript(MAIN, [], { ITSM_CONFIG: config, DATA_DIR: dataDir, PORT: '0' });
    expect(run.code).toBe(1);
    const line = run.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain(`${config}:${at + 1}:`);
    expect(line).toContain('timeZone');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a DATA_DIR another running bot holds', async () => {
    const dataDir = join(dir, 'data');
    const first = startScript(MAIN, [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    await first.logLine('itsm-bot is listening');
    try {
      const second = await runScript(MAIN, [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/^itsm-bot cannot start: .*in use by process \d+/);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  });

  it('refuses an unreachable MongoDB with one line, without showing the password', async () => {
    const run = await runScript(MAIN, [], { MONGODB_URI: 'mongodb://ops:hunter2@127.0.0.1:9/?serverSelectionTimeoutMS=500', PORT: '0' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^itsm-bot cannot start: cannot reach MongoDB/);
    expect(run.stderr).not.toContain('hunter2');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says so plainly when the port is taken', async () => {
    const first = startScript(MAIN, [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'a') });
    const listening = await first.logLine('itsm-bot is listening');
    try {
      const second = await runScript(MAIN, [], { PORT: String(listening.port), HOST: '127.0.0.1', DATA_DIR: join(dir, 'b') });
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toBe(`itsm-bot cannot start: port ${String(listening.port)} on 127.0.0.1 is already in use; stop what is using it or set PORT to another port`);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  });
});
