/**
 * `npm run bench:qa` — a benchmark, not a test (issue 6, "Performance"):
 *
 * 1. Index build time (reading, parsing and indexing the folder) for the shipped pack and for synthetic packs made
 *    by copying it into a temporary folder until it holds ~1,500 and ~10,000 sections, with the heap it adds.
 * 2. Answer latency p50/p99 over every question of tests/qa/questions.json: the whole decision the flow takes
 *    (checks, glossary, MiniSearch, re-ranking, confidence gate), against a baseline measured in the same run —
 *    a plain MiniSearch search of the same sections with the same tokeniser and no re-ranking.
 * Goals from the issue: p99 < 5 ms per answer at 10 k sections, build < 2 s.
 *
 * Prints the table and writes it to bench/results/qa.md. Copies are verbatim, so the vocabulary stays the pack's
 * own: a real 10 k-section corpus has more distinct words, which grows the prefix and typo look-ups a little.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { decide } from '../flows/process-questions/confidence';
import { DEFAULT_KNOWLEDGE_DIR } from '../flows/process-questions/knowledge-port';
import { loadKnowledgeIndex, type KnowledgeIndex } from '../flows/process-questions/knowledge-index';
import { termsOf } from '../flows/process-questions/terms';
import { silentLogger } from '../src/engine/logger';
import { questionFileSchema } from '../tools/eval-qa';

const GOAL_P99_MS = 5;
const GOAL_BUILD_MS = 2000;
const ROUNDS = 20;
const say = (line: string) => console.log(line);
const f = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A folder holding `copies` copies of the shipped pack (copy 0 is the pack itself). */
function replicatedPack(copies: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'qa-bench-'));
  const files = readdirSync(DEFAULT_KNOWLEDGE_DIR).filter((name) => name.endsWith('.md'));
  for (let copy = 0; copy < copies; copy++) {
    const into = join(dir, `copy-${copy}`);
    mkdirSync(into);
    for (const file of files) copyFileSync(join(DEFAULT_KNOWLEDGE_DIR, file), join(into, file));
  }
  return dir;
}

/** Median build time of `runs` builds, and the heap the last one holds. */
function build(dir: string, runs: number): { index: KnowledgeIndex; ms: number; heapMb: number } {
  const times: number[] = [];
  let index!: KnowledgeIndex;
  let heapMb = 0;
  for (let i = 0; i < runs; i++) {
    const before = process.memoryUsage().heapUsed;
    const start = performance.now();
    index = loadKnowledgeIndex(dir, silentLogger);
    times.push(performance.now() - start);
    heapMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  }
  times.sort((a, b) => a - b);
  return { index, ms: percentile(times, 50), heapMb };
}

/** The baseline: the same sections in a plain MiniSearch, searched with no glossary, re-ranking or gate. */
function plainSearch(index: KnowledgeIndex): (question: string) => unknown {
  const mini = new MiniSearch<{ id: number; heading: string; parent: string; title: string; body: string }>({
    fields: ['heading', 'parent', 'title', 'body'],
    tokenize: (text) => termsOf(text),
    processTerm: (term) => term,
  });
  mini.addAll(index.sections.map((s, id) => ({ id, heading: s.heading, parent: s.parent ?? '', title: s.doc.title, body: s.body })));
  return (question) => mini.search(question, { prefix: (t) => t.length >= 4, fuzzy: (t) => (t.length >= 5 ? 0.2 : false), boost: { heading: 3 } }).slice(0, 5);
}

function latencies(questions: readonly string[], answer: (q: string) => unknown): { p50: number; p99: number } {
  for (const q of questions) answer(q); // warm-up: JIT and the vocabulary's caches
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of questions) {
      const start = performance.now();
      answer(q);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

interface Row {
  pack: string;
  sections: number;
  buildMs: number;
  heapMb: number;
  p50: number;
  p99: number;
  baseP50: number;
  baseP99: number;
}

function main(): void {
  const file = join(__dirname, '..', 'tests', 'qa', 'questions.json');
  const set = questionFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const questions = [...set.answerable.map((a) => a.q), ...set.unanswerable.map((u) => u.q)];
  const shippedSections = loadKnowledgeIndex(DEFAULT_KNOWLEDGE_DIR, silentLogger).sections.length;
  const packs: Array<[string, number]> = [
    ['shipped pack', 1],
    ['~1,500 sections', Math.ceil(1500 / shippedSections)],
    ['~10,000 sections', Math.ceil(10_000 / shippedSections)],
  ];
  const rows: Row[] = [];
  for (const [name, copies] of packs) {
    const dir = copies === 1 ? DEFAULT_KNOWLEDGE_DIR : replicatedPack(copies);
    try {
      say(`${name}: building…`);
      const built = build(dir, copies === 1 ? 10 : 3);
      const reader = { teams: [...new Set(built.index.documents.flatMap((d) => d.audience))] };
      const ours = latencies(questions, (q) => decide(built.index, q, reader));
      const base = latencies(questions, plainSearch(built.index));
      const row = { pack: name, sections: built.index.sections.length, buildMs: built.ms, heapMb: built.heapMb, p50: ours.p50, p99: ours.p99, baseP50: base.p50, baseP99: base.p99 };
      say(`  ${row.sections} sections, build ${f(row.buildMs)} ms, answer p50 ${f(row.p50)} ms p99 ${f(row.p99)} ms (plain MiniSearch p99 ${f(row.baseP99)} ms)`);
      rows.push(row);
    } finally {
      if (copies !== 1) rmSync(dir, { recursive: true, force: true });
    }
  }
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : '–');
  const table = [
    `Process questions (${questions.length} questions × ${ROUNDS} rounds; Node ${process.version}). Goals: build < ${GOAL_BUILD_MS} ms, answer p99 < ${GOAL_P99_MS} ms at 10 k sections.`,
    '',
    '| pack | sections | build ms | heap MB | answer p50 ms | answer p99 ms | plain MiniSearch p50 / p99 ms | p99 vs plain |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.pack} | ${r.sections} | ${f(r.buildMs)} | ${r.heapMb.toFixed(0)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.baseP50)} / ${f(r.baseP99)} | ${ratio(r.p99, r.baseP99)} |`),
    '',
    'heap MB: heap growth across the last build, without a forced GC (approximate).',
  ].join('\n');
  say('');
  say(table);
  const largest = rows[rows.length - 1]!;
  say(`\nGoals at ${largest.sections} sections: build ${largest.buildMs < GOAL_BUILD_MS ? 'met' : 'MISSED'}, p99 ${largest.p99 < GOAL_P99_MS ? 'met' : 'MISSED'}.`);
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'qa.md'), `# bench:qa\n\n${table}\n`);
  say(`written to ${join(out, 'qa.md')}`);
}

main();
