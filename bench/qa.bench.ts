/**
 * `npm run bench:qa` — a benchmark, not a test (issue 6, "Performance"):
 *
 * 1. Index build time (reading, parsing and indexing the folder) for the shipped pack and for synthetic packs made
 *    by copying it into a temporary folder until it holds ~1,500 and ~10,000 sections (see replicatedPack), with
 *    the heap it adds, and whether the answers still hold there (the labelled section, any copy of it, first).
 * 2. Answer latency p50/p99 over every question of tests/qa/questions.json: the whole decision the flow takes
 *    (checks, glossary, MiniSearch, re-ranking, confidence gate), against a baseline measured in the same run —
 *    a plain MiniSearch search of the same sections with the same tokeniser and no re-ranking.
 * Goals from the issue: p99 < 5 ms per answer at 10 k sections, build < 2 s.
 *
 * Prints the table and writes it to bench/results/qa.md.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { decide } from '../flows/process-questions/confidence';
import { DEFAULT_KNOWLEDGE_DIR } from '../flows/process-questions/knowledge-port';
import { loadKnowledgeIndex, type KnowledgeIndex } from '../flows/process-questions/knowledge-index';
import { termsOf } from '../flows/process-questions/terms';
import { silentLogger } from '../src/engine/logger';
import { questionFileSchema, type QuestionFile } from '../tools/eval-qa';

const GOAL_P99_MS = 5;
const GOAL_BUILD_MS = 2000;
const ROUNDS = 20;
const say = (line: string) => console.log(line);
const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const f = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A small deterministic random source (mulberry32), so every run builds the same synthetic pack. */
function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Made-up words (system, team and product names a bigger organisation's documents would mention), most common first. */
function inventedWords(count: number, random: () => number): string[] {
  const onsets = ['b', 'br', 'c', 'ch', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'qu', 'r', 's', 'st', 't', 'tr', 'v', 'z'];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou'];
  const codas = ['', 'n', 'r', 'l', 'x', 'm', 'nt', 'st'];
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)]!;
  const seen = new Set<string>();
  while (seen.size < count) {
    const syllables = 2 + Math.floor(random() * 2);
    let word = '';
    for (let i = 0; i < syllables; i++) word += pick(onsets) + pick(vowels) + (i === syllables - 1 ? pick(codas) : '');
    seen.add(word);
  }
  return [...seen];
}

/** Words added per section of every copy but the first. */
const ADDED_WORDS = 6;
/** Distinct invented words: with the pack's own, about what Heaps' law gives a real 10 000-section corpus. */
const INVENTED_VOCABULARY = 30_000;

/**
 * A folder holding `copies` copies of the shipped pack (copy 0 is the pack itself). Copies keep every word of the
 * pack, so each of its words is in `copies` times as many sections — the worst case for MiniSearch's posting lists,
 * harder than a real corpus where topic words spread over more topics. Copies after the first also get a line of
 * invented names after each heading (Zipf-distributed over 30 000 words), because verbatim copies would keep the
 * shipped pack's 1 400-term vocabulary, and a real 10 000-section corpus has tens of thousands of terms for prefix
 * search and typo correction to look through. Only adds work: nothing is taken out of any copy.
 */
export function replicatedPack(copies: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'qa-bench-'));
  const files = readdirSync(DEFAULT_KNOWLEDGE_DIR).filter((name) => name.endsWith('.md'));
  const random = randomSource(20_000);
  const invented = inventedWords(INVENTED_VOCABULARY, random);
  // Zipf's law: the word of rank r turns up in proportion to 1/r.
  const cumulative: number[] = [];
  invented.forEach((_, r) => cumulative.push((cumulative[r - 1] ?? 0) + 1 / (r + 1)));
  const zipf = () => {
    const target = random() * cumulative[cumulative.length - 1]!;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return invented[lo]!;
  };
  for (let copy = 0; copy < copies; copy++) {
    const into = join(dir, `copy-${copy}`);
    mkdirSync(into);
    for (const file of files) {
      const text = readFileSync(join(DEFAULT_KNOWLEDGE_DIR, file), 'utf8');
      const varied = copy === 0 ? text : text.replace(/^(#{2,3} .*)$/gm, (heading) => `${heading}\n\nAlso: ${Array.from({ length: ADDED_WORDS }, zipf).join(', ')}.\n`);
      writeFileSync(join(into, file), varied);
    }
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

/** A section's key in the shipped pack: copies live under `copy-N/`. */
const shippedKey = (key: string) => key.replace(/^copy-\d+\//, '');

/**
 * Whether the answers still hold at this size: the labelled section (any copy of it) ranked first, answered with,
 * and unanswerable questions refused. Copies tie, so only the first place is meaningful.
 */
function quality(index: KnowledgeIndex, set: QuestionFile, reader: { teams: string[] }): { rankedFirst: number; answered: number; refused: number } {
  let rankedFirst = 0;
  let answered = 0;
  for (const item of set.answerable) {
    const decision = decide(index, item.q, reader);
    if (decision.kind !== 'judged') continue;
    const best = decision.judgement.best;
    if (best && shippedKey(best.section.key) === item.answer) {
      rankedFirst++;
      if (decision.judgement.confident) answered++;
    }
  }
  const refused = set.unanswerable.filter((item) => {
    const decision = decide(index, item.q, reader);
    return decision.kind !== 'judged' || !decision.judgement.confident;
  }).length;
  return { rankedFirst: rankedFirst / set.answerable.length, answered: answered / set.answerable.length, refused: refused / Math.max(set.unanswerable.length, 1) };
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
  rankedFirst: number;
  answered: number;
  refused: number;
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
      const row = { pack: name, sections: built.index.sections.length, buildMs: built.ms, heapMb: built.heapMb, p50: ours.p50, p99: ours.p99, baseP50: base.p50, baseP99: base.p99, ...quality(built.index, set, reader) };
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
    '| pack | sections | build ms | heap MB | answer p50 ms | answer p99 ms | plain MiniSearch p50 / p99 ms | p99 vs plain | ranked first | answered right | refused |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.pack} | ${r.sections} | ${f(r.buildMs)} | ${r.heapMb.toFixed(0)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.baseP50)} / ${f(r.baseP99)} | ${ratio(r.p99, r.baseP99)} | ${pct(r.rankedFirst)} | ${pct(r.answered)} | ${pct(r.refused)} |`,
    ),
    '',
    'heap MB: heap growth across the last build, without a forced GC (approximate).',
    'ranked first / answered right: answerable questions whose labelled section (any copy of it) came first / was answered with;',
    'refused: unanswerable questions the gate declined. Synthetic packs: copies of the shipped pack plus invented words (see replicatedPack).',
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

if (require.main === module) main();
