import { createJobRunner, startScheduler, type CronDriver, type JobDefinition } from '../../src/engine/scheduler';
import { createHarness, type Harness } from '../support/harness';

function job(name: string, run: JobDefinition['run'], extra: Partial<JobDefinition> = {}): JobDefinition {
  return { name, description: `the ${name} job`, schedule: '*/5 * * * *', run, ...extra };
}

/** A cron driver whose ticks the test fires by hand. */
function manualCron() {
  const ticks = new Map<string, () => void>();
  const driver: CronDriver = {
    schedule(definition, tick) {
      ticks.set(definition.name, tick);
      return { stop: () => ticks.delete(definition.name) };
    },
  };
  return { driver, tick: (name: string) => ticks.get(name)?.(), scheduled: () => [...ticks.keys()] };
}

describe('job runner', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(() => harness.close());

  const runnerFor = (jobs: JobDefinition[], owner: string) =>
    createJobRunner({ jobs, locks: harness.services.locks, clock: harness.clock, logger: harness.logger, owner });

  it('runs a job once and reports its result', async () => {
    const run = await runnerFor([job('sweep', async ({ now }) => ({ summary: `swept at ${now.toISOString()}`, counts: { due: 3 } }))], 'a').run('sweep');
    expect(run).toMatchObject({ status: 'completed', job: 'sweep', result: { summary: 'swept at 2026-03-02T09:00:00.000Z', counts: { due: 3 } } });
  });

  it('lets only one of two replicas run a job at a time (the lease)', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const slow = job('sweep', async () => {
      runs += 1;
      await blocked;
      return { summary: 'done' };
    });
    const first = runnerFor([slow], 'replica-1').run('sweep');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await runnerFor([slow], 'replica-2').run('sweep');
    expect(second).toMatchObject({ status: 'skipped' });
    expect(second.status === 'skipped' && second.reason).toContain('replica-1');
    release();
    await expect(first).resolves.toMatchObject({ status: 'completed' });
    expect(runs).toBe(1);
    await expect(runnerFor([slow], 'replica-2').run('sweep')).resolves.toMatchObject({ status: 'completed' });
  });

  it('lets another replica take over when a run died holding its lease', async () => {
    await harness.services.locks.acquire('job:sweep', 'crashed-replica', { now: harness.clock.now(), ttlMs: 60_000 });
    const runner = runnerFor([job('sweep', async () => ({ summary: 'ok' }), { leaseSeconds: 60 })], 'replica-2');
    await expect(runner.run('sweep')).resolves.toMatchObject({ status: 'skipped' });
    harness.clock.advance(61_000);
    await expect(runner.run('sweep')).resolves.toMatchObject({ status: 'completed' });
  });

  it('reports a failing job and releases its lease', async () => {
    const runner = runnerFor([job('broken', async () => Promise.reject(new Error('no connection')))], 'a');
    await expect(runner.run('broken')).resolves.toMatchObject({ status: 'failed', error: 'no connection' });
    expect(await harness.services.locks.holder('job:broken', harness.clock.now())).toBeNull();
  });

  it('names the known jobs when asked for one that does not exist', async () => {
    const run = await runnerFor([job('sweep', async () => ({ summary: 'ok' }))], 'a').run('swep');
    expect(run).toEqual({ status: 'skipped', job: 'swep', reason: 'there is no job called "swep" (jobs: sweep)' });
  });

  it('refuses two jobs with one name', () => {
    const twice = [job('sweep', async () => ({ summary: '' })), job('sweep', async () => ({ summary: '' }))];
    expect(() => runnerFor(twice, 'a')).toThrow('two jobs share the name sweep');
  });

  it('schedules every job, skips a tick while the last run is still going, and waits for it on stop', async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const cron = manualCron();
    const runner = runnerFor([job('slow', async () => { runs += 1; await blocked; return { summary: 'done' }; }), job('other', async () => ({ summary: 'ok' }))], 'a');
    const scheduler = startScheduler(runner, cron.driver, harness.logger);
    expect(cron.scheduled()).toEqual(['slow', 'other']);
    cron.tick('slow');
    await new Promise((resolve) => setTimeout(resolve, 20));
    cron.tick('slow');
    const stopped = scheduler.stop();
    release();
    await stopped;
    expect(runs).toBe(1);
    expect(cron.scheduled()).toEqual([]);
  });
});

describe('job runner when the store fails', () => {
  it('reports the run as failed instead of crashing the process', async () => {
    const harness = await createHarness();
    try {
      const brokenLocks = { ...harness.services.locks, acquire: async () => Promise.reject(new Error('connection reset')) };
      const runner = createJobRunner({ jobs: [job('sweep', async () => ({ summary: 'never' }))], locks: brokenLocks, clock: harness.clock, logger: harness.logger, owner: 'a' });
      await expect(runner.run('sweep')).resolves.toMatchObject({ status: 'failed', error: 'connection reset' });
    } finally {
      await harness.close();
    }
  });

  it('keeps a long run\'s lease alive without the job asking', async () => {
    const harness = await createHarness();
    try {
      let renewals = 0;
      const locks = { ...harness.services.locks, renew: async (...args: Parameters<typeof harness.services.locks.renew>) => { renewals += 1; return harness.services.locks.renew(...args); } };
      const runner = createJobRunner({
        jobs: [job('long', async () => { await new Promise((resolve) => setTimeout(resolve, 2300)); return { summary: 'done' }; }, { leaseSeconds: 3 })],
        locks,
        clock: harness.clock,
        logger: harness.logger,
        owner: 'a',
      });
      await expect(runner.run('long')).resolves.toMatchObject({ status: 'completed' });
      expect(renewals).toBeGreaterThanOrEqual(2);
    } finally {
      await harness.close();
    }
  });
});
