import type { AddressInfo } from 'node:net';
import { flows } from '../flows';
import { sharedKnowledge } from '../flows/process-questions';
import type { Env } from '../src/config/env';
import { DEFAULT_ORGANISATION_FILE, loadOrganisation } from '../src/config/organisation';
import { systemClock, type Clock } from '../src/engine/clock';
import { coreJobs } from '../src/engine/core-jobs';
import { createDispatcher, type Dispatcher } from '../src/engine/dispatcher';
import type { Logger } from '../src/engine/logger';
import { createNotifier } from '../src/engine/notifier';
import { createPeople } from '../src/engine/people';
import { createJobRunner, startScheduler, type CronDriver, type JobDefinition, type JobRunner, type Scheduler } from '../src/engine/scheduler';
import type { Services } from '../src/engine/services';
import { createAddressBook } from '../src/store/address-book';
import { createAuditLog } from '../src/store/audit-log';
import { createConversations } from '../src/store/conversations';
import { createCounters } from '../src/store/counters';
import { createIdempotency } from '../src/store/idempotency';
import { INDEXES } from '../src/store/indexes';
import { createLocks } from '../src/store/locks';
import type { DocumentStore } from '../src/store/ports';
import { createHttpServer, sendJson, type HttpServer, type Route } from './http/server';
import { watchKnowledge } from './knowledge-watch';
import type { ChannelAdapter } from './shared/channel-adapter';
import { createStateSigner, loadInstallationSecret } from './shared/signed-state';
import { createSlackAdapter } from './slack';
import { createTeamsAdapter } from './teams';
import { openStore } from './store/open-store';
import { createWebchatAdapter } from './webchat/webchat.adapter';

/** A fully wired bot: the composition root's product, also what the end-to-end tests start. */
export interface Bot {
  services: Services;
  dispatcher: Dispatcher;
  runner: JobRunner;
  http: HttpServer;
  /** Listens on the port and starts the scheduler (unless built without a cron driver). */
  start(port: number, host: string): Promise<AddressInfo>;
  /** Stops taking work, lets requests in flight finish, stops the scheduler, closes the store. */
  stop(): Promise<void>;
}

export interface BotOptions {
  env: Env;
  logger: Logger;
  clock?: Clock;
  /** The scheduler's clock source; null runs no scheduled jobs (the job CLI, most tests). */
  cron: CronDriver | null;
}

/** Builds the services every flow and job uses over an open store. */
export function createServices(store: DocumentStore, org: Services['org'], logger: Logger, clock: Clock): Services {
  const idempotency = createIdempotency(store);
  const addresses = createAddressBook(store);
  return {
    org,
    people: createPeople(org),
    clock,
    logger,
    store,
    counters: createCounters(store),
    audit: createAuditLog(store),
    conversations: createConversations(store),
    idempotency,
    addresses,
    locks: createLocks(store),
    notifier: createNotifier({ org, addresses, idempotency, clock, logger }),
  };
}

/** Every scheduled job: the core ones and each flow's. */
export function allJobs(services: Services): JobDefinition[] {
  return [...coreJobs(services), ...flows.flatMap((flow) => flow.jobs?.(services) ?? [])];
}

/**
 * Loads the organisation file and opens the store, in that order, so a broken file stops start-up before
 * anything is written. Errors carry one clear line for the operator.
 */
export async function openFoundation(env: Env, logger: Logger, clock: Clock = systemClock): Promise<Services> {
  const org = loadOrganisation(env.ITSM_CONFIG ?? DEFAULT_ORGANISATION_FILE);
  const store = await openStore({
    ...(env.MONGODB_URI ? { mongodbUri: env.MONGODB_URI } : {}),
    mongodbDb: env.MONGODB_DB,
    dataDir: env.DATA_DIR,
    logger,
  });
  try {
    await store.ensureIndexes(INDEXES);
  } catch (error) {
    await store.close();
    throw error;
  }
  logger.info({ store: store.kind, organisation: org.name, people: org.people.length, services: org.services.length }, 'foundation ready');
  return createServices(store, org, logger, clock);
}

function healthRoute(services: Services, channels: Record<string, boolean>): Route {
  const started = Date.now();
  return {
    method: 'GET',
    path: '/healthz',
    async handle(_req, res) {
      try {
        await Promise.race([
          services.store.ping(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('the store did not answer within 2 s')), 2000).unref()),
        ]);
        sendJson(res, 200, { status: 'ok', store: services.store.kind, channels, uptimeSeconds: Math.round((Date.now() - started) / 1000) });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        services.logger.warn({ reason }, 'health check failed');
        sendJson(res, 503, { status: 'unavailable', store: services.store.kind, reason });
      }
    },
  };
}

/** Builds the whole bot: services, flows, adapters on one HTTP server, and the job runner. */
export async function createBot(options: BotOptions): Promise<Bot> {
  const services = await openFoundation(options.env, options.logger, options.clock ?? systemClock);
  try {
    return await assemble(options, services);
  } catch (error) {
    // Nothing else holds the store yet: release it (and the embedded store's lock) before failing.
    await services.store.close().catch(() => undefined);
    throw error;
  }
}

async function assemble(options: BotOptions, services: Services): Promise<Bot> {
  const { env, logger } = options;
  const dispatcher = createDispatcher(flows, services);
  const runner = createJobRunner({ jobs: allJobs(services), locks: services.locks, clock: services.clock, logger });
  const signer = createStateSigner(await loadInstallationSecret(services.store));
  // The process documents: indexed now, re-indexed when the folder changes (flows read it through their port).
  const knowledge = watchKnowledge({ ...(env.PROCESS_DOCS_DIR ? { dir: env.PROCESS_DOCS_DIR } : {}), holder: sharedKnowledge, logger });

  const webchat = createWebchatAdapter({
    config: { ...(env.WEBCHAT_TOKEN ? { token: env.WEBCHAT_TOKEN } : {}) },
    dispatcher,
    services,
    signer,
  });
  const adapterOptions = { env, dispatcher, services, signer, logger };
  const slack = await createSlackAdapter(adapterOptions);
  const teams = await createTeamsAdapter(adapterOptions);
  const chatAdapters: ChannelAdapter[] = slack ? [slack, teams] : [teams];
  const channels = { webchat: true, slack: slack !== null, teams: true };

  const http = createHttpServer([healthRoute(services, channels), ...webchat.routes, ...chatAdapters.flatMap((adapter) => adapter.routes)], logger);
  let scheduler: Scheduler | undefined;

  return {
    services,
    dispatcher,
    runner,
    http,
    async start(port, host) {
      const address = await http.listen(port, host);
      for (const adapter of chatAdapters) await adapter.start();
      if (options.cron) scheduler = startScheduler(runner, options.cron, logger);
      logger.info({ port: address.port, host: address.address, channels }, 'itsm-bot is listening');
      return address;
    },
    async stop() {
      knowledge.close();
      await http.close();
      for (const adapter of chatAdapters) await adapter.stop().catch((error: unknown) => logger.warn({ err: error, channel: adapter.channel }, 'adapter stop failed'));
      await scheduler?.stop();
      await services.store.close();
      logger.info('itsm-bot stopped');
    },
  };
}
