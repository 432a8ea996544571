import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchKnowledge } from '../../adapters/knowledge-watch';
import { createKnowledgeHolder } from '../../flows/process-questions';
import { recordingLogger } from '../support/harness';

describe('the process documents watch', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'knowledge-watch-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('indexes the folder at start and again, once, after it changes', async () => {
    writeFileSync(join(dir, 'a.md'), '# A\n\n## Leavers\nAccounts are disabled on the last day.\n');
    const holder = createKnowledgeHolder(join(dir, 'never-read'));
    const logger = recordingLogger();
    const watch = watchKnowledge({ dir, holder, logger, debounceMs: 50 });
    try {
      expect(holder.current(logger).sections.map((s) => s.key)).toEqual(['a.md#leavers']);
      writeFileSync(join(dir, 'b.md'), '# B\n\n## Starters\nLaptops are ready on day one.\n');
      writeFileSync(join(dir, 'c.md'), 'no headings');
      const deadline = Date.now() + 5000;
      while (holder.current(logger).sections.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(holder.current(logger).sections.map((s) => s.key).sort()).toEqual(['a.md#leavers', 'b.md#starters']);
      expect(logger.lines.some((line) => line.level === 'warn' && String(line.msg).includes('c.md'))).toBe(true);
    } finally {
      watch.close();
    }
  });
});
