/**
 * Operators' job runner: `npm run job -- --list` lists the scheduled jobs; `npm run job -- <name>` runs one once,
 * now, against the configured store, under the same lease as the scheduled run (so never beside it).
 */
import { EnvError, parseEnv } from '../src/config/env';
import { allJobs, openFoundation } from './bot';
import { createLogger } from './logging';
import { startupFailure } from './startup-errors';
import { createJobRunner } from '../src/engine/scheduler';
import type { Services } from '../src/engine/services';

const USAGE = 'usage: npm run job -- --list | npm run job -- <job-name>';

/** Job definitions only capture the services; listing them needs no store, so none is opened. */
function listingServices(): Services {
  return new Proxy({} as Services, {
    get(_target, property) {
      throw new Error(`listing jobs does not use services (${String(property)} was asked for)`);
    },
  });
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (!first || first === '--help' || first === '-h' || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return first === '--help' || first === '-h' ? 0 : 2;
  }
  if (first === '--list') {
    for (const job of allJobs(listingServices())) {
      process.stdout.write(`${job.name.padEnd(22)} ${job.schedule.padEnd(16)} ${job.description}\n`);
    }
    return 0;
  }
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`itsm-bot job: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL);
  let services: Services;
  try {
    services = await openFoundation(env, logger);
  } catch (error) {
    process.stderr.write(`itsm-bot job: ${startupFailure(error, env)}\n`);
    return 1;
  }
  try {
    const runner = createJobRunner({ jobs: allJobs(services), locks: services.locks, clock: services.clock, logger });
    const run = await runner.run(first);
    switch (run.status) {
      case 'completed':
        process.stdout.write(`${run.job}: ${run.result.summary} (${run.durationMs} ms)\n`);
        return 0;
      case 'skipped':
        process.stderr.write(`${run.job}: not run: ${run.reason}\n`);
        return 3;
      case 'failed':
        process.stderr.write(`${run.job}: failed after ${run.durationMs} ms: ${run.error}\n`);
        return 1;
    }
  } finally {
    await services.store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`itsm-bot job: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
