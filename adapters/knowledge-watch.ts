/**
 * Keeps the process-questions index current: built at start-up from `PROCESS_DOCS_DIR` (else the bundled
 * `knowledge/` folder) and rebuilt when the folder changes. fs.watch fires several events per save (and editors
 * write temporary files), so rebuilds are debounced; a failed rebuild keeps the index in force.
 */
import { watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledgeIndex, type KnowledgeHolder } from '../flows/process-questions';
import type { Logger } from '../src/engine/logger';

/** A running watch: `close()` stops it (and any rebuild waiting for the debounce). */
export interface KnowledgeWatch {
  readonly dir: string;
  /** Rebuilds now (what a folder change does after the debounce). */
  rebuild(): void;
  close(): void;
}

/** How long the folder must be quiet before a rebuild. */
export const KNOWLEDGE_DEBOUNCE_MS = 300;

/** Builds the index into `holder` now and again whenever `dir` changes. */
export function watchKnowledge(options: { dir?: string; holder: KnowledgeHolder; logger: Logger; debounceMs?: number }): KnowledgeWatch {
  const dir = resolve(options.dir ?? DEFAULT_KNOWLEDGE_DIR);
  const { holder, logger } = options;
  const rebuild = () => {
    try {
      holder.set(loadKnowledgeIndex(dir, logger));
    } catch (error) {
      logger.error({ err: error, dir }, 'rebuilding the process documents index failed; the previous index stays in force');
    }
  };
  rebuild();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(rebuild, options.debounceMs ?? KNOWLEDGE_DEBOUNCE_MS);
      timer.unref();
    });
    // The watch alone must not keep a process alive (the job CLI, a failed start-up).
    watcher.unref();
    watcher.on('error', (error) => logger.warn({ err: error, dir }, 'watching the process documents folder stopped; restart to pick up changes'));
  } catch (error) {
    logger.warn({ err: error, dir }, 'cannot watch the process documents folder; changes need a restart');
  }
  return {
    dir,
    rebuild,
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
