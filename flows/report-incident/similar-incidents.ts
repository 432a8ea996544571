/**
 * "Is it one of these?": open incidents on the same service whose words are close to the new report, so the
 * reporter can join one (recorded as affected) instead of raising a duplicate. MiniSearch gives fuzzy, prefix
 * matching over summary and description ("VPN keeps dropping" finds "vpn drops every few minutes").
 */
import MiniSearch from 'minisearch';
import type { Incident } from '../../src/domain/incident';

/** Words that say nothing about which incident it is; left out so "the X is down" does not match everything. */
const STOP_WORDS = new Set(
  ('a an and are as at be been but by can cannot cant could do does doesnt dont for from has have i im in is isnt it its ' +
    'me my no not of on or our please so that the them there this to us was we were when wont with working work ' +
    'down broken again still any anyone everyone all just now today since keeps keep')
    .split(' '),
);

/** One suggestion: the incident and how well it matched. */
export interface SimilarIncident {
  incident: Incident;
  score: number;
}

function terms(text: string): string | null {
  const term = text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  return term.length < 2 || STOP_WORDS.has(term) ? null : term;
}

/**
 * The open incidents among `candidates` most like `text`, best first, at most `limit`. Candidates are the open
 * incidents of the reported service (the caller's indexed query); a match needs at least one meaningful word.
 */
export function findSimilarIncidents(text: string, candidates: readonly Incident[], limit = 3): SimilarIncident[] {
  if (candidates.length === 0) return [];
  const search = new MiniSearch<{ id: string; summary: string; description: string }>({
    fields: ['summary', 'description'],
    processTerm: terms,
    searchOptions: { boost: { summary: 2 }, fuzzy: 0.2, prefix: true, combineWith: 'OR' },
  });
  search.addAll(candidates.map((i) => ({ id: i.id, summary: i.summary, description: i.description })));
  const byId = new Map(candidates.map((i) => [i.id, i]));
  return search
    .search(text)
    .slice(0, limit)
    .flatMap((hit) => {
      const incident = byId.get(String(hit.id));
      return incident ? [{ incident, score: hit.score }] : [];
    });
}
