/**
 * The second, finer pass over MiniSearch's leading candidates. BM25+ ranks by term statistics and saturates per
 * term, so a section that repeats one word of the question can beat the one that speaks to all of it. Each
 * candidate is scored again on what a reader would check: how much of the question (by rarity) the section
 * covers, whether the question's words are in its heading, and whether they stand together in its text.
 */
import type { Concept } from './query';

/** A section's terms, prepared once when the index is built. */
export interface SectionProfile {
  /** Every term: document title, parent heading, heading and text. */
  all: ReadonlySet<string>;
  /** The section's own heading and its parent's. */
  heading: ReadonlySet<string>;
  /** The document's title. */
  title: ReadonlySet<string>;
  /** Heading then text, in order, for proximity. */
  sequence: readonly string[];
}

/** The re-ranking signals of one candidate, each 0..1. */
export interface Features {
  /** MiniSearch's score against the best candidate's. */
  bm25: number;
  /** Share of the question's concepts (rarity-weighted) found anywhere in the section. */
  coverage: number;
  /** The same share found in its headings. */
  heading: number;
  /** The same share found in the document title. */
  title: number;
  /** Share of neighbouring concept pairs of the question that stand within a few words of each other. */
  proximity: number;
}

/** How much each signal counts in the final order (calibrated on the tuned questions only). */
export interface RerankWeights {
  bm25: number;
  coverage: number;
  heading: number;
  title: number;
  proximity: number;
}

/** Words apart at most for two concepts to count as standing together. */
const NEAR = 4;

/**
 * The strongest of `matches` that `terms` hold. Whichever side is smaller is walked: on a large pack a short word
 * reaches hundreds of words by prefix, more than a section has.
 */
function strongest(matches: ReadonlyMap<string, number>, terms: ReadonlySet<string>): number {
  let best = 0;
  if (matches.size <= terms.size) {
    for (const [term, strength] of matches) if (strength > best && terms.has(term)) best = strength;
  } else {
    for (const term of terms) {
      const strength = matches.get(term);
      if (strength !== undefined && strength > best) best = strength;
    }
  }
  return best;
}

/** The strength with which `terms` contain the concept: its best match. */
function found(concept: Concept, terms: ReadonlySet<string>): number {
  let best = strongest(concept.matches, terms);
  for (const phrase of concept.phrases) {
    if (phrase.strength <= best) continue;
    let least = phrase.strength;
    for (const part of phrase.parts) least = Math.min(least, strongest(part, terms) * phrase.strength);
    best = Math.max(best, least);
  }
  return best;
}

/** Rarity-weighted share of the concepts that `terms` contain. */
export function coverageIn(concepts: readonly Concept[], terms: ReadonlySet<string>): number {
  let sum = 0;
  let total = 0;
  for (const concept of concepts) {
    sum += concept.rarity * found(concept, terms);
    total += concept.rarity;
  }
  return total === 0 ? 0 : sum / total;
}

function positions(concept: Concept, sequence: readonly string[]): number[] {
  const at: number[] = [];
  for (let i = 0; i < sequence.length; i++) if (concept.matches.has(sequence[i]!)) at.push(i);
  return at;
}

/** Share of the question's neighbouring concept pairs that also stand near each other in the section. */
export function proximityIn(concepts: readonly Concept[], sequence: readonly string[]): number {
  if (concepts.length < 2) return 0;
  const places = concepts.map((concept) => positions(concept, sequence));
  let near = 0;
  for (let i = 0; i + 1 < concepts.length; i++) {
    const a = places[i]!;
    const b = places[i + 1]!;
    let hit = false;
    for (let x = 0, y = 0; x < a.length && y < b.length && !hit; ) {
      if (Math.abs(a[x]! - b[y]!) <= NEAR) hit = true;
      else if (a[x]! < b[y]!) x++;
      else y++;
    }
    if (hit) near++;
  }
  return near / (concepts.length - 1);
}

/** The signals of one candidate. */
export function featuresOf(concepts: readonly Concept[], profile: SectionProfile, score: number, topScore: number): Features {
  return {
    bm25: topScore > 0 ? score / topScore : 0,
    coverage: coverageIn(concepts, profile.all),
    heading: coverageIn(concepts, profile.heading),
    title: coverageIn(concepts, profile.title),
    proximity: proximityIn(concepts, profile.sequence),
  };
}

/** The final relevance: a weighted sum of the signals. */
export function relevanceOf(features: Features, weights: RerankWeights): number {
  return (
    weights.bm25 * features.bm25 +
    weights.coverage * features.coverage +
    weights.heading * features.heading +
    weights.title * features.title +
    weights.proximity * features.proximity
  );
}
