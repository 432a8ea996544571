/**
 * The words of a knowledge pack: how many sections use each term (its rarity), which terms a typed word reaches by
 * prefix ("deploy" → "deployment"), and the nearest known term for a word the pack never uses ("pasword" →
 * "password"). Query processing, not a search engine: MiniSearch still does the searching.
 */

/** The terms of a pack, with section counts. */
export interface Vocabulary {
  /** How many sections there are. */
  readonly sections: number;
  /** True when some section uses exactly this term. */
  has(term: string): boolean;
  /** How many sections use this term or, from four letters, a word it begins (what a prefix search reaches). */
  reachCount(term: string): number;
  /**
   * log(1 + N / sections using them) for the known terms standing for one concept: a concept in few sections says
   * more; one no section uses weighs most.
   */
  rarity(terms: Iterable<string>): number;
  /** Known terms this one reaches: itself (1) and, from four letters, words it begins (0.9). */
  reach(term: string): Map<string, number>;
  /** The known term a typo most likely meant (one edit, two from eight letters), or null. */
  correct(term: string): string | null;
}

/** Prefix search starts at this many letters, the same as the MiniSearch query. */
export const MIN_PREFIX = 4;
/** A prefix match counts a little less than the word itself. */
const PREFIX_STRENGTH = 0.9;
/** Typos are corrected from this many letters: shorter words have too many one-edit neighbours. */
const MIN_CORRECTABLE = 5;

/** Optimal string alignment distance (a swap of two neighbours is one edit), stopping early past `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      row.push(value);
      best = Math.min(best, value);
    }
    if (i > 0 && best > max) return max + 1;
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** Builds the vocabulary from each section's terms. */
export function createVocabulary(sectionTerms: readonly ReadonlySet<string>[]): Vocabulary {
  const df = new Map<string, number>();
  for (const terms of sectionTerms) for (const term of terms) df.set(term, (df.get(term) ?? 0) + 1);
  const words = [...df.keys()].sort();
  const n = sectionTerms.length;
  // Typo candidates share the first letter (see `correct`): on a large pack, scanning one letter's words is ~20× less.
  const byFirstLetter = new Map<string, string[]>();
  for (const word of words) {
    const bucket = byFirstLetter.get(word[0]!);
    if (bucket) bucket.push(word);
    else byFirstLetter.set(word[0]!, [word]);
  }

  const reachCache = new Map<string, Map<string, number>>();

  const reach = (term: string): Map<string, number> => {
    const cached = reachCache.get(term);
    if (cached) return cached;
    const found = new Map<string, number>();
    if (df.has(term)) found.set(term, 1);
    if (term.length >= MIN_PREFIX) {
      // The words are sorted, so every word beginning with `term` sits in one run.
      let lo = 0;
      let hi = words.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (words[mid]! < term) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < words.length && words[i]!.startsWith(term); i++) if (words[i] !== term) found.set(words[i]!, PREFIX_STRENGTH);
    }
    if (reachCache.size > 10_000) reachCache.clear();
    reachCache.set(term, found);
    return found;
  };

  return {
    sections: n,
    has: (term) => df.has(term),
    reachCount(term) {
      let count = 0;
      for (const word of reach(term).keys()) count += df.get(word) ?? 0;
      return count;
    },
    rarity(terms) {
      let count = 0;
      for (const word of terms) count += df.get(word) ?? 0;
      return Math.log(1 + n / Math.max(Math.min(count, n), 0.5));
    },
    reach,
    correct(term) {
      if (term.length < MIN_CORRECTABLE || /\d/.test(term) || reach(term).size > 0) return null;
      const max = term.length >= 8 ? 2 : 1;
      let best: string | null = null;
      let bestDistance = max + 1;
      let bestCount = 0;
      for (const word of byFirstLetter.get(term[0]!) ?? []) {
        if (Math.abs(word.length - term.length) > max) continue;
        const distance = editDistance(term, word, max);
        const count = df.get(word) ?? 0;
        if (distance < bestDistance || (distance === bestDistance && count > bestCount)) {
          best = word;
          bestDistance = distance;
          bestCount = count;
        }
      }
      return bestDistance <= max ? best : null;
    },
  };
}
