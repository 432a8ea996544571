/**
 * A question as the index reads it: its concepts (the typed terms, typos corrected against the pack's words), each
 * with the known terms that count as finding it — itself, words it begins, and glossary synonyms — and how rare it
 * is. The same concepts drive the MiniSearch query, the re-ranking and the confidence gate.
 */
import type { Glossary } from './glossary';
import { processWord, termsOf, words } from './terms';
import type { Vocabulary } from './vocabulary';

/** One thing the question asks about. */
export interface Concept {
  /** The typed term (or what its typo meant). */
  term: string;
  /** How much it says: rare terms more; a term the pack never uses most of all. */
  rarity: number;
  /** Known terms that count as finding it, with how much (1 as typed, less by prefix, typo or one-word synonym). */
  matches: Map<string, number>;
  /** Synonyms of several words: found only when a section has every one of them. */
  phrases: Phrase[];
}

/** A synonym of several words, each with the known terms that count as finding it. */
export interface Phrase {
  parts: Map<string, number>[];
  strength: number;
}

/** A question ready to search. */
export interface Query {
  concepts: Concept[];
  /** Terms handed to MiniSearch with their weights (typed 1, synonyms less). */
  searchTerms: Map<string, number>;
}

/** A corrected typo counts a little less than a correctly typed word. */
const CORRECTED = 0.9;
/** A glossary synonym found in a section stands for the typed word at this strength. */
const SYNONYM = 0.8;

function credit(into: Map<string, number>, from: Map<string, number>, factor: number): void {
  for (const [term, strength] of from) into.set(term, Math.max(into.get(term) ?? 0, strength * factor));
}

/** Each typed term the pack does not know, with the known term it most likely meant. */
function corrections(typed: readonly string[], vocabulary: Vocabulary): Map<string, string> {
  const fixes = new Map<string, string>();
  for (const term of typed) {
    const fix = vocabulary.correct(term);
    if (fix) fixes.set(term, fix);
  }
  return fixes;
}

/** Reads a question against a pack's vocabulary and glossary. */
export function buildQuery(question: string, vocabulary: Vocabulary, glossary: Glossary): Query {
  const typed = [...new Set(termsOf(question))];
  const fixes = corrections(typed, vocabulary);
  // The glossary reads the words as typed ("classed as") and as corrected ("chnage request" → "change request").
  const correctedText = words(question)
    .map((word) => {
      const term = processWord(word);
      return (term && fixes.get(term)) ?? word;
    })
    .join(' ');
  const origin = new Map([...fixes].map(([term, fix]) => [fix, term]));
  const searchTerms = new Map<string, number>();
  const search = (term: string, weight: number) => searchTerms.set(term, Math.max(searchTerms.get(term) ?? 0, weight));
  for (const term of typed) search(term, 1);
  for (const fix of fixes.values()) search(fix, CORRECTED);
  const texts = fixes.size > 0 ? [question, correctedText] : [question];
  for (const text of texts) for (const q of glossary.expand(text)) if (q.weight < 1) search(q.term, q.weight);
  const synonyms = texts.flatMap((text) => glossary.synonyms(text)).map((syn) => ({ ...syn, origins: syn.origins.map((o) => origin.get(o) ?? o) }));
  const concepts = typed.map((term) => {
    const matches = new Map<string, number>();
    credit(matches, vocabulary.reach(term), 1);
    const fix = fixes.get(term);
    if (fix) credit(matches, vocabulary.reach(fix), CORRECTED);
    const phrases: Phrase[] = [];
    for (const synonym of synonyms) {
      if (!synonym.origins.includes(term)) continue;
      if (synonym.terms.length === 1) credit(matches, vocabulary.reach(synonym.terms[0]!), SYNONYM);
      else phrases.push({ parts: synonym.terms.map((t) => vocabulary.reach(t)), strength: SYNONYM });
    }
    // Rarity from every known term that stands for the concept: "mgmt" is as common as "management".
    const standIns = new Set([...matches.keys(), ...phrases.flatMap((p) => p.parts.flatMap((part) => [...part.keys()]))]);
    return { term, rarity: vocabulary.rarity(standIns), matches, phrases };
  });
  return { concepts, searchTerms };
}
