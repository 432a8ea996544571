/**
 * The confidence gate: answer only when the best section matches well, otherwise say so and offer the owner.
 * Two signals: coverage (how much of the question, by rarity, the section speaks to) and the BM25+ score per
 * typed term MiniSearch searched (how strongly it does; a large pack leaves the commonest out, search-plan.ts),
 * taken together as ln(1 + score per term) + coverage, so a strong match on most of the question passes and a
 * passing mention of one or two of its words does not. Thresholds calibrated on
 * the tuned part of tests/qa/questions.json only, with a margin above the strongest unanswerable question there;
 * the held-out part is scored, never tuned on (see tools/eval-qa.ts).
 */
import type { KnowledgeHit, KnowledgeIndex, Reader } from './knowledge-index';
import { questionProblem, type QuestionProblem } from './question-checks';

/** The lowest share of the question (by rarity) the best section must cover, whatever its score. */
export const MIN_COVERAGE = 0.2;
/**
 * The lowest confidence (see {@link confidenceOf}) to answer with. The strongest unanswerable tuned question
 * reaches 3.74; 0.1 above it keeps a margin for questions the set does not have.
 */
export const MIN_CONFIDENCE = 3.85;
/** "Also relevant": other sections with at least this share of the best one's relevance. */
const ALSO_RELATIVE = 0.6;

/** What the gate decided for a question. */
export interface Judgement {
  /** True when the best section is good enough to answer with. */
  confident: boolean;
  best?: KnowledgeHit;
  /** Up to two further sections worth a look (only when confident). */
  also: KnowledgeHit[];
  /** Every candidate, best first (for the question record and the owner's context). */
  hits: KnowledgeHit[];
  /** How many typed terms the question had. */
  terms: number;
}

/** The strength of a match: its BM25+ score per typed term, on a log scale (scores grow with repeats). */
export function strength(hit: KnowledgeHit, terms: number): number {
  return terms === 0 ? 0 : Math.log(1 + hit.score / terms);
}

/** What the gate compares with {@link MIN_CONFIDENCE}: strength plus coverage. */
export function confidenceOf(hit: KnowledgeHit, terms: number): number {
  return strength(hit, terms) + hit.coverage;
}

/** Searches and judges one question for one reader. */
export function judge(index: KnowledgeIndex, question: string, reader: Reader): Judgement {
  const terms = index.termsOf(question).length;
  const hits = index.search(question, reader, 6);
  const best = hits[0];
  if (!best) return { confident: false, also: [], hits, terms };
  // The score is out of the terms MiniSearch was asked about: on a large pack the commonest are not (search-plan.ts).
  const confident = best.coverage >= MIN_COVERAGE && confidenceOf(best, Math.max(1, Math.min(terms, best.searched))) >= MIN_CONFIDENCE;
  const also = confident
    ? hits.slice(1).filter((hit) => hit.section.key !== best.section.key && hit.relevance >= best.relevance * ALSO_RELATIVE && hit.coverage >= MIN_COVERAGE).slice(0, 2)
    : [];
  return { confident, best, also, hits, terms };
}

/** The whole decision for one question, as the flow takes it (the evaluation runs exactly this). */
export type Decision =
  | { kind: 'problem'; problem: QuestionProblem }
  | { kind: 'no_documents' }
  | { kind: 'too_vague' }
  | { kind: 'judged'; judgement: Judgement };

/** Checks the question, then searches and judges it. */
export function decide(index: KnowledgeIndex, question: string, reader: Reader): Decision {
  const problem = questionProblem(question);
  if (problem) return { kind: 'problem', problem };
  if (index.sections.length === 0) return { kind: 'no_documents' };
  if (index.termsOf(question).length === 0) return { kind: 'too_vague' };
  return { kind: 'judged', judgement: judge(index, question, reader) };
}
