/**
 * The confidence gate: answer only when the best section matches well, otherwise say so and offer the owner.
 * Two signals, both needed: coverage (how much of the question the section speaks to) and the BM25+ score per
 * typed term (how strongly it does). Thresholds calibrated on the tuned part of tests/qa/questions.json only;
 * the held-out part is scored, never tuned on (see tools/eval-qa.ts).
 */
import type { KnowledgeHit, KnowledgeIndex, Reader } from './knowledge-index';
import { questionProblem, type QuestionProblem } from './question-checks';

/** The lowest share of the question's words the best section must cover. */
export const MIN_COVERAGE = 0.4;
/** The lowest BM25+ score per typed term for the best section. */
export const MIN_SCORE_PER_TERM = 22;
/** "Also relevant": other sections scoring at least this share of the best one. */
const ALSO_RELATIVE = 0.4;

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

/** The strength used by the gate: the best section's score per typed term. */
export function strength(hit: KnowledgeHit, terms: number): number {
  return terms === 0 ? 0 : hit.score / terms;
}

/** Searches and judges one question for one reader. */
export function judge(index: KnowledgeIndex, question: string, reader: Reader): Judgement {
  const terms = index.termsOf(question).length;
  const hits = index.search(question, reader, 6);
  const best = hits[0];
  if (!best) return { confident: false, also: [], hits, terms };
  const confident = best.coverage >= MIN_COVERAGE && strength(best, terms) >= MIN_SCORE_PER_TERM;
  const also = confident
    ? hits.slice(1).filter((hit) => hit.section.key !== best.section.key && hit.score >= best.score * ALSO_RELATIVE && hit.coverage >= MIN_COVERAGE / 2).slice(0, 2)
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
