import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Dependencies point inward: the core and the flows never import a chat platform, the database driver, the
 * embedded store, the scheduler library or an HTTP framework. Those live in adapters/.
 */
const ROOT = join(__dirname, '..');
const FORBIDDEN = [
  /^@slack\//,
  /^botbuilder/,
  /^botframework/,
  /^mongodb$/,
  /^mongodb\//,
  /^node-cron$/,
  /^@seald-io\/nedb/,
  /^express/,
  /^fastify/,
  /^koa/,
  /^node:http$/,
  /^http$/,
  /^node:https$/,
  /^https$/,
  /^pino/,
];
const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
}

describe('the core and the flows import no platform, driver or framework', () => {
  const files = ['src', 'flows'].flatMap((dir) => sourceFiles(join(ROOT, dir)));

  it('finds the files it checks', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((file) => [relative(ROOT, file), file]))('%s', (_name, file) => {
    const bad = importsOf(file).filter((specifier) => FORBIDDEN.some((pattern) => pattern.test(specifier)));
    expect(bad).toEqual([]);
  });

  it('nothing under src/ or flows/ reaches into adapters/', () => {
    const leaks = files.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.includes('adapters/'))
        .map((specifier) => `${relative(ROOT, file)} → ${specifier}`),
    );
    expect(leaks).toEqual([]);
  });

  it('the checker itself catches a forbidden import', () => {
    const sample = "import { App } from '@slack/bolt';\nconst m = require('mongodb');\nimport cron from 'node-cron';";
    const found = [...sample.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
    expect(found.filter((specifier) => FORBIDDEN.some((pattern) => pattern.test(specifier)))).toEqual(['@slack/bolt', 'mongodb', 'node-cron']);
  });
});
