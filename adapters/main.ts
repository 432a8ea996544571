/**
 * The composition root: parses the environment, loads the organisation file, opens the store, wires the flows
 * and adapters onto one HTTP server, and starts the scheduler. `npm start` runs this file.
 */
import { EnvError, parseEnv } from '../src/config/env';
import { createBot } from './bot';
import { createLogger } from './logging';
import { startupFailure } from './startup-errors';
import { createNodeCronDriver } from './scheduler/node-cron.driver';

/** Stop must finish within this; SIGTERM from an orchestrator is usually followed by SIGKILL after 10 s. */
const STOP_DEADLINE_MS = 9_500;

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`itsm-bot cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(env.LOG_LEVEL);
  let bot;
  try {
    bot = await createBot({ env, logger, cron: createNodeCronDriver() });
    await bot.start(env.PORT, env.HOST);
  } catch (error) {
    process.stderr.write(`itsm-bot cannot start: ${startupFailure(error, env)}\n`);
    await bot?.stop().catch(() => undefined);
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new work, finishing requests in flight');
    setTimeout(() => {
      logger.error('could not stop in time; exiting anyway');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
