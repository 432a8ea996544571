/**
 * The ONE store contract suite: every DocumentStore implementation (embedded NeDB, MongoDB through the driver
 * against the stand-in, MongoDB against a real server when MONGODB_URI is set) runs these same cases — the port's
 * query and update language, unique and TTL indexes, and the repositories written against it, including their
 * concurrency guarantees. Each test gets a fresh, empty store from the factory.
 *
 * Cases a server cannot honour are registered as skipped with the reason in the title (see capabilities.ts).
 */
import type { DocumentStore } from '../../src/store/ports';
import { printSkips, type StoreCapabilities } from './capabilities';
import { auditCases } from './contract/audit.cases';
import { portQueryCases } from './contract/port-query.cases';
import { portUpdateCases } from './contract/port-update.cases';
import { portIndexCases } from './contract/port-index.cases';
import { repositoryCases } from './contract/repositories.cases';

/** A store for one test, and how to throw it away afterwards. */
export interface StoreUnderTest {
  store: DocumentStore;
  dispose(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreUnderTest>;

/** What each group of cases gets: the current test's store and the capabilities of the implementation. */
export interface ContractContext {
  store(): DocumentStore;
  capabilities: StoreCapabilities;
}

export function describeStoreContract(name: string, factory: StoreFactory, capabilities: StoreCapabilities): void {
  describe(`store contract: ${name}`, () => {
    let current: StoreUnderTest | undefined;
    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      await current?.dispose();
      current = undefined;
    });
    const ctx: ContractContext = {
      store() {
        if (!current) throw new Error('no store: the factory failed');
        return current.store;
      },
      capabilities,
    };
    describe('port: queries', () => portQueryCases(ctx));
    describe('port: updates', () => portUpdateCases(ctx));
    describe('port: indexes', () => portIndexCases(ctx));
    describe('repositories', () => repositoryCases(ctx));
    describe('audit log', () => auditCases(ctx));
  });
  printSkips(name);
}
