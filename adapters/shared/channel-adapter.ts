import type { Env } from '../../src/config/env';
import type { Dispatcher } from '../../src/engine/dispatcher';
import type { Logger } from '../../src/engine/logger';
import type { Services } from '../../src/engine/services';
import type { Route } from '../http/server';
import type { StateSigner } from './signed-state';

/** What the composition root hands every chat adapter. */
export interface ChannelAdapterOptions {
  env: Env;
  dispatcher: Dispatcher;
  services: Services;
  signer: StateSigner;
  logger: Logger;
}

/**
 * A chat platform plugged into the engine: its routes on the shared HTTP server, and a lifecycle for
 * connections it holds itself (Slack's Socket Mode). Its transport is registered with the notifier when created.
 */
export interface ChannelAdapter {
  readonly channel: 'slack' | 'teams' | 'webchat';
  readonly routes: Route[];
  /** Starts connections the adapter holds itself (after the HTTP server listens). */
  start(): Promise<void>;
  /** Closes them; requests in flight on the shared server are drained by the server. */
  stop(): Promise<void>;
}
