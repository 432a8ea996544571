/**
 * Query expansion through the ITSM glossary (`glossary.json`, data only): a question that says "RFC" also
 * searches for "request for change", one that says "approve" also for "authorise". Expanded terms weigh less than
 * the words the person typed, so they help a question find its section without outvoting it.
 */
import glossaryData from './glossary.json';
import { processWord, stemsOf, termsOf } from './terms';

/** A term of an expanded query: its weight, and which of the typed terms it stands for. */
export interface QueryTerm {
  term: string;
  weight: number;
  /** The typed terms this one was expanded from (itself, for a typed term). */
  origins: string[];
}

/** How much an expanded term weighs against a typed one. */
export const EXPANSION_WEIGHT = 0.4;

interface Group {
  /** Each member as its sequence of stems, for matching inside the question. */
  members: string[][];
}

/** A synonym of something typed: the words of one glossary member (a phrase needs all of them). */
export interface Synonym {
  terms: string[];
  /** The typed terms it stands for. */
  origins: string[];
}

/** A glossary: groups of words and phrases that stand for each other. */
export interface Glossary {
  /** The typed terms and each synonym's terms, weighted for the search. */
  expand(question: string): QueryTerm[];
  /** The synonyms of what the question says, member by member (so "high priority" is found only as a pair). */
  synonyms(question: string): Synonym[];
}

function indexOfSequence(haystack: readonly string[], needle: readonly string[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Builds a glossary from groups of equivalent words and phrases. */
export function createGlossary(groups: readonly (readonly string[])[]): Glossary {
  const compiled: Group[] = groups.map((group) => ({ members: group.map((phrase) => stemsOf(phrase)).filter((m) => m.length > 0) }));
  const triggered = (question: string) => {
    const stems = stemsOf(question);
    return compiled.flatMap((group) => {
      const hits = group.members.filter((member) => indexOfSequence(stems, member) >= 0);
      return hits.length === 0 ? [] : [{ group, hits }];
    });
  };
  const termsOfMember = (member: readonly string[]) => member.map((s) => processWord(s)).filter((t): t is string => t !== null);
  return {
    synonyms(question) {
      return triggered(question).flatMap(({ group, hits }) => {
        const origins = [...new Set(hits.flatMap(termsOfMember))];
        return group.members.filter((member) => !hits.includes(member)).map((member) => ({ terms: termsOfMember(member), origins })).filter((syn) => syn.terms.length > 0);
      });
    },
    expand(question) {
      const typed = termsOf(question);
      const stems = stemsOf(question);
      const terms = new Map<string, QueryTerm>();
      for (const term of typed) if (!terms.has(term)) terms.set(term, { term, weight: 1, origins: [term] });
      for (const group of compiled) {
        const hits = group.members.filter((member) => indexOfSequence(stems, member) >= 0);
        if (hits.length === 0) continue;
        // The typed terms that triggered the group: expansions found stand in for them when coverage is counted.
        const origins = [...new Set(hits.flatMap((member) => member.map((s) => processWord(s)).filter((t): t is string => t !== null)))];
        for (const member of group.members) {
          if (hits.includes(member)) continue;
          for (const s of member) {
            const term = processWord(s);
            if (!term) continue;
            const known = terms.get(term);
            if (!known) terms.set(term, { term, weight: EXPANSION_WEIGHT, origins });
            else if (known.weight < 1) known.origins = [...new Set([...known.origins, ...origins])];
          }
        }
      }
      return [...terms.values()];
    },
  };
}

/** The shipped glossary. */
export const glossary: Glossary = createGlossary(glossaryData.groups);
