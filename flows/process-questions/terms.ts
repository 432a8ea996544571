/**
 * How words become search terms, the same way for the documents and for the questions: lower case, UK spelling,
 * no filler words, and a light suffix stemmer so "approves", "approved" and "approval" meet. A term
 * processor handed to MiniSearch, not a search engine of its own.
 */
import glossaryData from './glossary.json';

const SPELLINGS: ReadonlyMap<string, string> = new Map(Object.entries(glossaryData.spellings));

/**
 * Words that carry no meaning for retrieval: articles, pronouns, auxiliaries, question words and chat filler.
 * Question words are filler here because the flow's intent check already used them.
 */
const STOP_WORDS = new Set(
  (
    'a an the i me my mine we our ours you your yours he she him her his it its they them their this that these those ' +
    'is are was were be been being am do does did done doing have has had having will would shall should can could may might must ' +
    'how what whats who whom whose which when where why whatever ' +
    'to of in on at by for with from about as into onto over under than then there here also too very just ' +
    'and or but if so not no nor yes ok okay please pls plz thanks thank thx hi hello hey ' +
    'get gets got need needs want wants wanna gonna know tell let lets say said any some all each every anyone someone ' +
    'anybody somebody something anything up out off again more most much many such own same other only ' +
    'im ive id ill youre dont doesnt didnt cant cannot wont isnt arent whos theres thats hw ur wat wht abt btw ' +
    // Chat filler that says nothing about which process is meant.
    'u ya yeah yep hmm um guys folks quick question actually really basically exactly ever even still like kind sort ' +
    'thing things stuff happen happens happened anyway currently now today'
  ).split(' '),
);

/** True for a word that carries no meaning for retrieval. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** Plural endings first (one of them), then one derivational ending; a stem keeps at least three letters. */
const PLURALS: ReadonlyArray<[string, string]> = [
  ['ies', 'y'],
  // Not a plural, but "verified" must meet "verifies" and "verify" the same way.
  ['ied', 'y'],
  ['sses', 'ss'],
  ['es', ''],
  ['s', ''],
];
// No "-er": it is an agent ending too rarely ("order", "offer", "number", "user", "other" are not "ord", "off"…);
// "approver" still meets "approve" through prefix search.
const ENDINGS = ['ations', 'ation', 'ings', 'ing', 'edly', 'ed', 'ly', 'al', 'e'];
const MIN_STEM = 3;

/** A light English stemmer: consistent on both sides of the index, which is all retrieval needs. */
export function stem(word: string): string {
  if (word.length <= MIN_STEM || /\d/.test(word)) return word;
  let w = word;
  for (const [suffix, replacement] of PLURALS) {
    if (!w.endsWith(suffix)) continue;
    if (suffix === 's' && /(ss|us|is)$/.test(w)) break;
    const candidate = w.slice(0, -suffix.length) + replacement;
    if (candidate.length >= MIN_STEM) w = candidate;
    break;
  }
  for (const suffix of ENDINGS) {
    if (!w.endsWith(suffix)) continue;
    const candidate = w.slice(0, -suffix.length);
    if (candidate.length < MIN_STEM) continue;
    w = candidate;
    // "logging" → "logg" → "log", "planned" → "plann" → "plan".
    if (suffix !== 'e' && /([b-df-hj-km-np-rtv-z])\1$/.test(w) && !/(ll|ss|zz|ff)$/.test(w)) w = w.slice(0, -1);
    break;
  }
  return w;
}

/** Lower-case words (letters and digits), apostrophes dropped so "what's" and "whats" are one word. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘']/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

function processUncached(word: string): string | null {
  const folded = SPELLINGS.get(word) ?? word;
  if (folded.length < 2 && !/\d/.test(folded)) return null;
  if (isStopWord(folded)) return null;
  return stem(folded);
}

/**
 * Words already processed: a pack of 10 000 sections repeats a few tens of thousands of distinct words millions of
 * times, and stemming each occurrence again was half of the index build. Cleared when it grows past this many.
 */
const processed = new Map<string, string | null>();
const MAX_PROCESSED = 200_000;

/** One word as a search term: UK spelling, stemmed; null for filler words and single letters. */
export function processWord(word: string): string | null {
  const known = processed.get(word);
  if (known !== undefined) return known;
  if (processed.size >= MAX_PROCESSED) processed.clear();
  const term = processUncached(word);
  processed.set(word, term);
  return term;
}

/** The search terms of a text, in order (repeats kept: the index counts them). */
export function termsOf(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const term = processWord(word);
    if (term) out.push(term);
  }
  return out;
}

/** Every word of a text as a stem, filler included: what glossary phrases are matched against. */
export function stemsOf(text: string): string[] {
  return words(text).map((word) => stem(SPELLINGS.get(word) ?? word));
}
