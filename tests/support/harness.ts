import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../../adapters/bot';
import { createEmbeddedStore } from '../../adapters/store/embedded/embedded-store';
import { flows as registry } from '../../flows';
import { DEFAULT_ORGANISATION_FILE, loadOrganisation } from '../../src/config/organisation';
import type { Organisation } from '../../src/domain/organisation';
import { ManualClock } from '../../src/engine/clock';
import { createDispatcher, type Dispatcher, type Outcome } from '../../src/engine/dispatcher';
import type { ChatIdentity, Conversation, InboundEvent } from '../../src/engine/events';
import type { Flow } from '../../src/engine/flow';
import { silentLogger } from '../../src/engine/logger';
import type { Services } from '../../src/engine/services';
import { recordingLogger } from './logger';
import { INDEXES } from '../../src/store/indexes';
import type { DocumentStore } from '../../src/store/ports';

let exampleOrganisation: Organisation | undefined;
/** The shipped example organisation, loaded once per test file. */
export function exampleOrg(): Organisation {
  exampleOrganisation ??= loadOrganisation(DEFAULT_ORGANISATION_FILE);
  return exampleOrganisation;
}

/** Services over a fresh embedded store in a temporary folder, with a clock that only moves when told. */
export interface Harness {
  services: Services;
  dispatcher: Dispatcher;
  clock: ManualClock;
  store: DocumentStore;
  logger: ReturnType<typeof recordingLogger>;
  /** Sends an event as the given person in their direct conversation with the bot. */
  send(event: EventInput, as?: Partial<ChatIdentity>): Promise<Outcome>;
  close(): Promise<void>;
}

/** An event without the parts the harness fills in (actor and conversation). */
export type EventInput = InboundEvent extends infer E ? (E extends InboundEvent ? Omit<E, 'actor' | 'conversation'> & { conversation?: Conversation } : never) : never;

/**
 * Options: `store` (and `clock`) reuse another harness's store — a restarted process, or a second replica — which
 * the borrowing harness then leaves open on close.
 */
export async function createHarness(
  options: { flows?: readonly Flow<unknown>[]; org?: Organisation; start?: string; store?: DocumentStore; clock?: ManualClock } = {},
): Promise<Harness> {
  const dataDir = options.store ? undefined : mkdtempSync(join(tmpdir(), 'itsm-test-'));
  const clock = options.clock ?? new ManualClock(options.start ?? '2026-03-02T09:00:00Z');
  const store = options.store ?? (await createEmbeddedStore({ dataDir: dataDir!, clock: () => clock.now() }));
  await store.ensureIndexes(INDEXES);
  const logger = recordingLogger();
  const services = createServices(store, options.org ?? exampleOrg(), logger, clock);
  const dispatcher = createDispatcher(options.flows ?? registry, services);
  return {
    services,
    dispatcher,
    clock,
    store,
    logger,
    send(event, as = {}) {
      const identity: ChatIdentity = { channel: 'webchat', userId: 'Alex Tester', name: 'Alex Tester', ...as };
      const actor = services.people.resolve(identity);
      const conversation: Conversation = event.conversation ?? { channel: identity.channel, id: `dm:${actor.id}`, direct: true };
      return dispatcher.dispatch({ ...event, actor, conversation } as InboundEvent);
    },
    async close() {
      if (!dataDir) return;
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { recordingLogger, silentLogger };
