import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { createLocks } from '../store/locks';
import type { Clock } from './clock';
import type { Logger } from './logger';

/** What a job may report while it runs and at its end. */
export interface JobContext {
  now: Date;
  logger: Logger;
  /** Reports progress on long work and keeps the job's lease alive. */
  progress(note: string): Promise<void>;
}

export interface JobResult {
  /** One line for logs and for `npm run job`. */
  summary: string;
  counts?: Record<string, number>;
}

/** A named, scheduled sweep. Jobs derive what is due from the records, so a restart loses nothing. */
export interface JobDefinition {
  /** Kebab-case, unique: the name operators type in `npm run job -- <name>`. */
  name: string;
  description: string;
  /** A cron expression (5 fields, or 6 with seconds), in UTC unless `timeZone` is given. */
  schedule: string;
  timeZone?: string;
  /**
   * How long the lease lasts before another replica may take over a run that died (default 10 minutes). A live
   * run renews it every third of that, so a long sweep is never run twice side by side.
   */
  leaseSeconds?: number;
  run(context: JobContext): Promise<JobResult>;
}

/** The outcome of one attempt to run a job. */
export type JobRun =
  | { status: 'completed'; job: string; result: JobResult; durationMs: number }
  | { status: 'skipped'; job: string; reason: string }
  | { status: 'failed'; job: string; error: string; durationMs: number };

/** The scheduling port: the node-cron binding lives in adapters/scheduler. */
export interface CronDriver {
  /** Throws with a clear message when the expression is invalid. */
  schedule(job: Pick<JobDefinition, 'name' | 'schedule' | 'timeZone'>, tick: () => void): { stop(): void };
}

/** Runs jobs once each under a lease: the same path for the scheduled run and for an operator's `npm run job`. */
export interface JobRunner {
  readonly jobs: readonly JobDefinition[];
  run(name: string): Promise<JobRun>;
}

const DEFAULT_LEASE_SECONDS = 600;

interface JobRunnerOptions {
  jobs: readonly JobDefinition[];
  locks: ReturnType<typeof createLocks>;
  clock: Clock;
  logger: Logger;
  /** Who holds leases taken by this process (default: host, pid and a random part). */
  owner?: string;
}

/** Creates the runner; job names must be unique. */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { jobs, locks, clock, logger } = options;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const byName = new Map<string, JobDefinition>();
  for (const job of jobs) {
    if (byName.has(job.name)) throw new Error(`two jobs share the name ${job.name}`);
    byName.set(job.name, job);
  }

  async function run(name: string): Promise<JobRun> {
    const job = byName.get(name);
    if (!job) {
      const known = [...byName.keys()].join(', ') || 'none';
      return { status: 'skipped', job: name, reason: `there is no job called "${name}" (jobs: ${known})` };
    }
    const ttlMs = (job.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
    const lockName = `job:${job.name}`;
    const jobLogger = logger.child({ job: job.name });
    const started = Date.now();
    const failed = (error: unknown): JobRun => {
      const durationMs = Date.now() - started;
      jobLogger.error({ err: error, durationMs }, 'job failed');
      return { status: 'failed', job: job.name, error: error instanceof Error ? error.message : String(error), durationMs };
    };

    try {
      if (!(await locks.acquire(lockName, owner, { now: clock.now(), ttlMs }))) {
        const holder = await locks.holder(lockName, clock.now());
        const reason = holder
          ? `another run holds its lease (${holder.owner}, until ${holder.expiresAt.toISOString()})`
          : 'another run holds its lease';
        logger.info({ job: job.name, reason }, 'job skipped');
        return { status: 'skipped', job: job.name, reason };
      }
    } catch (error) {
      // The store is unreachable: this tick fails, the next one tries again.
      return failed(error);
    }

    const renew = () => locks.renew(lockName, owner, { now: clock.now(), ttlMs });
    // A long sweep keeps its lease on its own, so another replica never starts the same job beside it.
    const keepAlive = setInterval(() => {
      renew().catch((error: unknown) => jobLogger.warn({ err: error }, 'lease renewal failed'));
    }, Math.max(1000, Math.floor(ttlMs / 3)));
    keepAlive.unref();
    try {
      const result = await job.run({
        now: clock.now(),
        logger: jobLogger,
        progress: async (note) => {
          jobLogger.info({ note }, 'job progress');
          await renew();
        },
      });
      const durationMs = Date.now() - started;
      jobLogger.info({ ...result, durationMs }, 'job completed');
      return { status: 'completed', job: job.name, result, durationMs };
    } catch (error) {
      return failed(error);
    } finally {
      clearInterval(keepAlive);
      await locks.release(lockName, owner).catch((error: unknown) => jobLogger.warn({ err: error }, 'lease release failed'));
    }
  }

  return { jobs, run };
}

/** A running schedule; `stop()` stops new runs and waits for the ones in flight. */
export interface Scheduler {
  stop(): Promise<void>;
}

/** Schedules every job of the runner on the cron driver. A run still going when the next tick comes is not doubled. */
export function startScheduler(runner: JobRunner, cron: CronDriver, logger: Logger): Scheduler {
  const inFlight = new Map<string, Promise<JobRun>>();
  const tasks = runner.jobs.map((job) =>
    cron.schedule(job, () => {
      if (inFlight.has(job.name)) {
        logger.info({ job: job.name }, 'job still running from the last tick; this tick skipped');
        return;
      }
      const running = runner
        .run(job.name)
        .catch((error: unknown): JobRun => {
          logger.error({ err: error, job: job.name }, 'job run failed unexpectedly');
          return { status: 'failed', job: job.name, error: String(error), durationMs: 0 };
        })
        .finally(() => inFlight.delete(job.name));
      inFlight.set(job.name, running);
    }),
  );
  logger.info({ jobs: runner.jobs.map((job) => `${job.name} (${job.schedule})`) }, 'scheduler started');
  return {
    async stop() {
      for (const task of tasks) task.stop();
      await Promise.allSettled(inFlight.values());
    },
  };
}
