/**
 * The knowledge index: every `##`/`###` section of the process documents in MiniSearch (BM25+, prefix and fuzzy
 * search, headings and titles boosted), queried through the ITSM glossary. It answers "which sections fit this
 * question, how well, and how much of the question do they cover" — the flow decides whether that is good enough.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import MiniSearch, { type SearchResult } from 'minisearch';
import type { Logger } from '../../src/engine/logger';
import { glossary as shippedGlossary, type Glossary, type QueryTerm } from './glossary';
import { parseMarkdownDocument, type DocumentInfo, type ParsedSection } from './markdown-sections';
import { termsOf } from './terms';

/** One retrievable unit: a section of a document. */
export interface KnowledgeSection {
  /** `file.md#anchor`: the section's identity (what question sets label answers with). */
  key: string;
  anchor: string;
  heading: string;
  parent?: string;
  body: string;
  doc: DocumentInfo;
}

/** A section that matched a question. */
export interface KnowledgeHit {
  section: KnowledgeSection;
  /** MiniSearch's BM25+ score (field boosts and term weights included). */
  score: number;
  /** How much of the question the section covers, 0..1: typed terms found (fuzzy half, synonyms 0.8). */
  coverage: number;
}

/** A document left out of the index, and why. */
export interface SkippedDocument {
  file: string;
  reason: string;
}

/** Who is asking: documents with an `audience` are searched only for members of those teams. */
export interface Reader {
  teams: readonly string[];
}

/** The searchable knowledge of one docs folder. */
export interface KnowledgeIndex {
  readonly documents: readonly DocumentInfo[];
  readonly sections: readonly KnowledgeSection[];
  readonly skipped: readonly SkippedDocument[];
  /** The folder it was built from, when it was built from one. */
  readonly dir?: string;
  /** The best sections for a question, best first (at most `limit`, default 5), only from documents the reader may see. */
  search(question: string, reader: Reader, limit?: number): KnowledgeHit[];
  /** The typed search terms of a question (no filler words): empty when there is nothing to search for. */
  termsOf(question: string): string[];
}

/** A document ready to index. */
export interface SourceDocument {
  info: DocumentInfo;
  sections: ParsedSection[];
}

/** The retrieval knobs, calibrated on the tuned questions only (tools/eval-qa.ts reports the held-out ones). */
export interface Tuning {
  /** Field boosts: a word in a heading says more about a section than the same word in its text. */
  boost: { heading: number; parent: number; title: number; body: number };
  bm25: { k: number; b: number; d: number };
  weights: { fuzzy: number; prefix: number };
  /** Re-ranking by score × (coverageWeight + coverage): lower leans harder on coverage. */
  coverageWeight: number;
}

/** How many candidates are re-ranked by coverage. */
const RERANK_DEPTH = 20;

export const DEFAULT_TUNING: Tuning = {
  boost: { heading: 3, parent: 1.5, title: 1.5, body: 1 },
  bm25: { k: 1.2, b: 0.9, d: 0.5 },
  weights: { fuzzy: 0.4, prefix: 0.5 },
  coverageWeight: 0.1,
};

interface IndexedFields {
  id: number;
  heading: string;
  parent: string;
  title: string;
  body: string;
}

/** May this reader see this document? */
export function mayRead(doc: DocumentInfo, reader: Reader): boolean {
  return doc.audience.length === 0 || doc.audience.some((team) => reader.teams.includes(team));
}

/**
 * How much of the question a section covers: each typed term counts by its rarity (IDF), so a section matching
 * "office" but not "chair" covers little of "how do I order an office chair" — and a term no document uses at all
 * weighs most, which is what makes an off-topic question fail the gate.
 */
function coverageOf(result: SearchResult, typed: readonly string[], expanded: readonly QueryTerm[], rarity: (term: string) => number): number {
  if (typed.length === 0) return 0;
  const docTerms = result.terms;
  const strength = new Map<string, number>();
  const credit = (term: string, value: number) => strength.set(term, Math.max(strength.get(term) ?? 0, value));
  for (const query of expanded) {
    if (!result.queryTerms.includes(query.term)) continue;
    // Found as typed or as a prefix of a document word; else it only matched fuzzily (a typo, or a near miss).
    const exact = docTerms.some((term) => term.startsWith(query.term));
    const found = exact ? 1 : 0.5;
    if (query.weight >= 1) credit(query.term, found);
    else for (const origin of query.origins) credit(origin, found * 0.8);
  }
  let sum = 0;
  let total = 0;
  for (const term of typed) {
    const weight = rarity(term);
    sum += (strength.get(term) ?? 0) * weight;
    total += weight;
  }
  return total === 0 ? 0 : sum / total;
}

/** Section counts per term, for rarity: a term in few sections says more than one in many. */
function documentFrequencies(sections: readonly KnowledgeSection[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const s of sections) {
    for (const term of new Set(termsOf(`${s.doc.title} ${s.parent ?? ''} ${s.heading} ${s.body}`))) df.set(term, (df.get(term) ?? 0) + 1);
  }
  return df;
}

/** Builds the index over parsed documents (from a folder, or made in memory by tests and benchmarks). */
export function createKnowledgeIndex(documents: readonly SourceDocument[], options: { glossary?: Glossary; dir?: string; skipped?: SkippedDocument[]; tuning?: Tuning } = {}): KnowledgeIndex {
  const glossary = options.glossary ?? shippedGlossary;
  const tuning = options.tuning ?? DEFAULT_TUNING;
  const sections: KnowledgeSection[] = documents.flatMap(({ info, sections: parsed }) =>
    parsed.map((s) => ({ key: `${info.file}#${s.anchor}`, anchor: s.anchor, heading: s.heading, ...(s.parent ? { parent: s.parent } : {}), body: s.body, doc: info })),
  );
  const mini = new MiniSearch<IndexedFields>({
    fields: ['heading', 'parent', 'title', 'body'],
    idField: 'id',
    tokenize: (text) => termsOf(text),
    processTerm: (term) => term,
  });
  mini.addAll(sections.map((s, id) => ({ id, heading: s.heading, parent: s.parent ?? '', title: s.doc.title, body: s.body })));
  const df = documentFrequencies(sections);
  const vocabulary = [...df.keys()];
  const rarity = (term: string): number => {
    let count = df.get(term);
    // A prefix of document words ("deploy" of "deployment") is as common as they are together.
    if (count === undefined) count = vocabulary.reduce((n, word) => (word.startsWith(term) ? n + (df.get(word) ?? 0) : n), 0);
    return Math.log(1 + sections.length / Math.max(count, 0.5));
  };

  return {
    documents: documents.map((d) => d.info),
    sections,
    skipped: options.skipped ?? [],
    ...(options.dir ? { dir: options.dir } : {}),
    termsOf: (question) => [...new Set(termsOf(question))],
    search(question, reader, limit = 5) {
      const typed = [...new Set(termsOf(question))];
      if (typed.length === 0 || sections.length === 0) return [];
      const expanded = glossary.expand(question);
      const weights = new Map(expanded.map((q) => [q.term, q.weight]));
      const results = mini.search(expanded.map((q) => q.term).join(' '), {
        tokenize: (text) => text.split(' '),
        processTerm: (term) => term,
        boost: tuning.boost,
        bm25: tuning.bm25,
        boostTerm: (term) => weights.get(term) ?? 1,
        prefix: (term) => term.length >= 4,
        fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
        maxFuzzy: 2,
        weights: tuning.weights,
        combineWith: 'OR',
        filter: (result) => mayRead(sections[result.id as number]!.doc, reader),
      });
      // BM25+ saturates per term; the rarity-weighted coverage re-ranks the leading candidates so a section that
      // speaks to all of the question beats one that repeats part of it.
      return results
        .slice(0, RERANK_DEPTH)
        .map((result) => ({ section: sections[result.id as number]!, score: result.score, coverage: coverageOf(result, typed, expanded, rarity) }))
        .sort((a, b) => b.score * (tuning.coverageWeight + b.coverage) - a.score * (tuning.coverageWeight + a.coverage))
        .slice(0, limit);
    },
  };
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      if (entry.name.startsWith('.')) return [];
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return markdownFiles(path);
      return entry.isFile() && /\.(md|markdown)$/i.test(entry.name) ? [path] : [];
    });
}

/**
 * Reads every Markdown file under `dir` and builds the index. A file with broken front matter or no headings is
 * skipped with a warning naming it; the rest are indexed. A missing folder is an empty index, with a warning.
 */
export function loadKnowledgeIndex(dir: string, logger: Logger, options: { glossary?: Glossary; tuning?: Tuning } = {}): KnowledgeIndex {
  let files: string[] = [];
  try {
    if (statSync(dir).isDirectory()) files = markdownFiles(dir);
    else logger.warn({ dir }, 'the process documents folder is not a folder; nothing to answer from');
  } catch {
    logger.warn({ dir }, 'the process documents folder does not exist; nothing to answer from');
  }
  const documents: SourceDocument[] = [];
  const skipped: SkippedDocument[] = [];
  for (const path of files) {
    const file = relative(dir, path).split(sep).join('/');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      skipped.push({ file, reason: `it could not be read (${error instanceof Error ? error.message : String(error)})` });
      continue;
    }
    const parsed = parseMarkdownDocument(file, text);
    if (parsed.ok) documents.push({ info: parsed.info, sections: parsed.sections });
    else skipped.push({ file, reason: parsed.reason });
  }
  for (const skip of skipped) logger.warn({ file: skip.file, reason: skip.reason }, `process document ${skip.file} skipped: ${skip.reason}`);
  const index = createKnowledgeIndex(documents, { ...options, dir, skipped });
  logger.info({ dir, documents: documents.length, sections: index.sections.length, skipped: skipped.length }, 'process documents indexed');
  return index;
}
