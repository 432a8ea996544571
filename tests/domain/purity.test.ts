import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * src/domain is pure: zod schemas and rules, no I/O and no clock. Time is always passed in, which is what makes
 * the SLA and nudge rules testable at any instant. (audit.ts belongs to the store layer's author and is checked
 * by the same rule, with its one exception listed below.)
 */
const DOMAIN = path.resolve(__dirname, '../../src/domain');
/** Per-file exceptions, each deterministic and free of I/O: audit.ts hashes events into a chain. */
const ALSO_ALLOWED: Record<string, string[]> = { 'audit.ts': ['node:crypto'] };
const files = readdirSync(DOMAIN).filter((f) => f.endsWith('.ts'));

describe('src/domain purity', () => {
  it.each(files)('%s imports only zod, luxon and other domain files', (file) => {
    const source = readFileSync(path.join(DOMAIN, file), 'utf8');
    const imports = [...source.matchAll(/(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const spec of imports) {
      const allowed = spec === 'zod' || spec === 'luxon' || spec?.startsWith('./') || ALSO_ALLOWED[file]?.includes(spec ?? '');
      expect(allowed ? spec : `${spec} (not allowed in src/domain)`).toBe(spec);
    }
    expect(source).not.toMatch(/require\(/);
  });

  it.each(files)('%s never reads the clock', (file) => {
    const source = readFileSync(path.join(DOMAIN, file), 'utf8');
    expect(source).not.toMatch(/Date\.now\(|new Date\(\)|DateTime\.(now|local)\(\)|process\.|Math\.random/);
  });
});
