/**
 * The small port between the flow and wherever its index comes from. The composition root builds the index at
 * start-up from `PROCESS_DOCS_DIR` (or the bundled `knowledge/` folder), rebuilds it when the folder changes and
 * hands each new one to {@link sharedKnowledge}; without that wiring (tests, the job CLI) the bundled pack is
 * loaded the first time someone asks.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../src/engine/logger';
import { loadKnowledgeIndex, type KnowledgeIndex } from './knowledge-index';

/** What the flow reads the current index from. */
export interface KnowledgePort {
  /** The index in force; built on first use (with `logger` for its warnings) when nobody has set one. */
  current(logger: Logger): KnowledgeIndex;
}

/** A port whose index the composition root replaces (a rebuild after the folder changed). */
export interface KnowledgeHolder extends KnowledgePort {
  set(index: KnowledgeIndex): void;
}

/**
 * The bundled example pack: `knowledge/` at the repository root, resolved from this file's folder
 * (`flows/process-questions` with tsx, `dist/flows/process-questions` after a build).
 */
export const DEFAULT_KNOWLEDGE_DIR = ((): string => {
  const candidates = ['../../knowledge', '../../../knowledge'].map((p) => path.resolve(__dirname, p));
  return candidates.find((p) => existsSync(p)) ?? (candidates[0] as string);
})();

/** A holder that loads `dir` lazily until an index is set. */
export function createKnowledgeHolder(dir: string = DEFAULT_KNOWLEDGE_DIR): KnowledgeHolder {
  let index: KnowledgeIndex | undefined;
  return {
    current(logger) {
      index ??= loadKnowledgeIndex(dir, logger);
      return index;
    },
    set(next) {
      index = next;
    },
  };
}

/** A fixed index: what tests hand the flow. */
export function fixedKnowledge(index: KnowledgeIndex): KnowledgePort {
  return { current: () => index };
}

/** The index the registered flow answers from; adapters/bot.ts keeps it current. */
export const sharedKnowledge: KnowledgeHolder = createKnowledgeHolder();
