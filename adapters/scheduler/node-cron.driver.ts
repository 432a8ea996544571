import cron from 'node-cron';
import type { CronDriver } from '../../src/engine/scheduler';

/**
 * The node-cron binding of the engine's scheduling port. Leases (one replica per run) are the engine's job;
 * node-cron only says when.
 */
export function createNodeCronDriver(): CronDriver {
  return {
    schedule(job, tick) {
      if (!cron.validate(job.schedule)) {
        throw new Error(`job ${job.name} has an invalid cron schedule "${job.schedule}"`);
      }
      const task = cron.schedule(job.schedule, () => tick(), {
        name: job.name,
        timezone: job.timeZone ?? 'UTC',
        // Missed ticks (a sleeping laptop) are not replayed: every sweep derives what is due from the records.
        suppressMissedWarning: true,
      });
      return { stop: () => void task.stop() };
    },
  };
}
