/**
 * The knowledge index: every `##`/`###` section of the process documents in MiniSearch (BM25+, prefix and fuzzy
 * search, headings and titles boosted), queried through the ITSM glossary with typos corrected against the pack's
 * words, within a budget of sections per question so a large pack stays fast (search-plan.ts), and MiniSearch's
 * leading candidates re-ranked (rerank.ts). It answers "which sections fit this question, how well, and how much
 * of the question do they cover" — the flow decides whether that is good enough.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import MiniSearch, { type Query } from 'minisearch';
import type { Logger } from '../../src/engine/logger';
import { glossary as shippedGlossary, type Glossary } from './glossary';
import { parseMarkdownDocument, type DocumentInfo, type ParsedSection } from './markdown-sections';
import { buildQuery } from './query';
import { coverageIn, featuresOf, relevanceOf, type Features, type RerankWeights, type SectionProfile } from './rerank';
import { HEADING_BUDGET, planSearch, SECTION_BUDGET, type SearchBudget, type TermCosts } from './search-plan';
import { termsOf } from './terms';
import { createVocabulary, MIN_PREFIX } from './vocabulary';

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
  /** How much of the question the section covers, 0..1: its concepts by rarity (prefix, typo, synonym a little less). */
  coverage: number;
  /** The re-ranked relevance the hits are ordered by. */
  relevance: number;
  /** The signals the relevance was made of. */
  features: Features;
  /**
   * How many of the question's typed terms MiniSearch was asked about: all of them, unless some were too common to
   * search on a large pack (search-plan.ts). `score` is out of these.
   */
  searched: number;
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
  /** How many of MiniSearch's leading candidates are cut down to `depth` by score and coverage. */
  pool: number;
  /** How many candidates the second pass re-ranks. */
  depth: number;
  /** How many sections MiniSearch may score per question, in all fields and in headings (see search-plan.ts). */
  budget: SearchBudget;
  rerank: RerankWeights;
}

export const DEFAULT_TUNING: Tuning = {
  boost: { heading: 3, parent: 1.5, title: 1.5, body: 1 },
  bm25: { k: 1.2, b: 0.9, d: 0.5 },
  weights: { fuzzy: 0.4, prefix: 0.5 },
  pool: 100,
  depth: 30,
  budget: { everywhere: SECTION_BUDGET, headings: HEADING_BUDGET },
  rerank: { bm25: 1, coverage: 1, heading: 0.5, title: 0.2, proximity: 0.4 },
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

/** A section's fields as search terms, tokenised once: MiniSearch indexes them and the re-ranking reads them. */
interface TokenisedSection {
  heading: string[];
  parent: string[];
  title: string[];
  body: string[];
}

function profileOf(tokens: TokenisedSection): SectionProfile {
  const heading = new Set([...tokens.parent, ...tokens.heading]);
  const title = new Set(tokens.title);
  const sequence = [...tokens.heading, ...tokens.body];
  return { all: new Set([...title, ...heading, ...sequence]), heading, title, sequence };
}

/**
 * Near spellings of a known word ("nonconformance", "nonconformances") count a little in MiniSearch's score, and so
 * in the gate's. Unknown words get the pack's own typo correction instead (vocabulary.ts, searched as a term of its
 * own and so within the budget); and a word in more sections than this is not expanded at all, since its near
 * spellings are as common and their sections are not in the search budget.
 */
const FUZZY_MAX_SECTIONS = 150;

/** The fields a common word is still searched in when searching it everywhere would cost too much. */
const HEADING_FIELDS = ['heading', 'parent', 'title'];

/** Builds the index over parsed documents (from a folder, or made in memory by tests and benchmarks). */
export function createKnowledgeIndex(documents: readonly SourceDocument[], options: { glossary?: Glossary; dir?: string; skipped?: SkippedDocument[]; tuning?: Tuning } = {}): KnowledgeIndex {
  const glossary = options.glossary ?? shippedGlossary;
  const tuning = options.tuning ?? DEFAULT_TUNING;
  const sections: KnowledgeSection[] = [];
  const tokens: TokenisedSection[] = [];
  for (const { info, sections: parsed } of documents) {
    const title = termsOf(info.title);
    for (const s of parsed) {
      sections.push({ key: `${info.file}#${s.anchor}`, anchor: s.anchor, heading: s.heading, ...(s.parent ? { parent: s.parent } : {}), body: s.body, doc: info });
      tokens.push({ heading: termsOf(s.heading), parent: termsOf(s.parent ?? ''), title, body: termsOf(s.body) });
    }
  }
  // Fields reach MiniSearch already as terms joined by spaces: the text is tokenised once, not once per use.
  const mini = new MiniSearch<IndexedFields>({
    fields: ['heading', 'parent', 'title', 'body'],
    idField: 'id',
    tokenize: (text) => (text === '' ? [] : text.split(' ')),
    processTerm: (term) => term,
  });
  mini.addAll(tokens.map((t, id) => ({ id, heading: t.heading.join(' '), parent: t.parent.join(' '), title: t.title.join(' '), body: t.body.join(' ') })));
  const profiles = tokens.map(profileOf);
  const vocabulary = createVocabulary(profiles.map((p) => p.all));
  const headingVocabulary = createVocabulary(profiles.map((p) => (p.title.size === 0 ? p.heading : new Set([...p.heading, ...p.title]))));
  const costs: TermCosts = { sections: sections.length, everywhere: (term) => vocabulary.reachCount(term), inHeadings: (term) => headingVocabulary.reachCount(term) };

  return {
    documents: documents.map((d) => d.info),
    sections,
    skipped: options.skipped ?? [],
    ...(options.dir ? { dir: options.dir } : {}),
    termsOf: (question) => [...new Set(termsOf(question))],
    search(question, reader, limit = 5) {
      if (sections.length === 0) return [];
      const query = buildQuery(question, vocabulary, glossary);
      if (query.concepts.length === 0) return [];
      const plan = planSearch(query.searchTerms, costs, tuning.budget);
      const queries: Query[] = [];
      if (plan.everywhere.length > 0) queries.push(plan.everywhere.join(' '));
      if (plan.headingsOnly.length > 0) queries.push({ queries: [plan.headingsOnly.join(' ')], fields: HEADING_FIELDS });
      const results = mini.search({ queries, combineWith: 'OR' }, {
        tokenize: (text) => text.split(' '),
        processTerm: (term) => term,
        boost: tuning.boost,
        bm25: tuning.bm25,
        boostTerm: (term) => query.searchTerms.get(term) ?? 1,
        prefix: (term) => term.length >= MIN_PREFIX,
        fuzzy: (term) => (term.length >= 5 && vocabulary.has(term) && costs.everywhere(term) <= FUZZY_MAX_SECTIONS ? 0.2 : false),
        maxFuzzy: 2,
        weights: tuning.weights,
        combineWith: 'OR',
        filter: (result) => mayRead(sections[result.id as number]!.doc, reader),
      });
      const asked = new Set([...plan.everywhere, ...plan.headingsOnly]);
      const searched = query.concepts.filter((concept) => asked.has(concept.term)).length;
      const top = results[0]?.score ?? 0;
      // A first, cheap cut: MiniSearch's score with the question's coverage (set look-ups only) over a wider pool, so
      // a section that speaks to the common words MiniSearch was not asked about (search-plan.ts) is still re-ranked.
      const weigh = (score: number, coverage: number) => tuning.rerank.bm25 * (top > 0 ? score / top : 0) + tuning.rerank.coverage * coverage;
      return results
        .slice(0, tuning.pool)
        .map((result) => ({ id: result.id as number, score: result.score, cut: weigh(result.score, coverageIn(query.concepts, profiles[result.id as number]!.all)) }))
        .sort((a, b) => b.cut - a.cut)
        .slice(0, tuning.depth)
        .map((result) => {
          const id = result.id;
          const features = featuresOf(query.concepts, profiles[id]!, result.score, top);
          return { section: sections[id]!, score: result.score, coverage: features.coverage, relevance: relevanceOf(features, tuning.rerank), features, searched };
        })
        .sort((a, b) => b.relevance - a.relevance)
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
