/**
 * Which of a question's terms MiniSearch searches, and in which fields, so an answer stays fast on a large pack.
 * MiniSearch scores every section that holds a searched term (about a microsecond each): a term in half of 10 000
 * sections costs more than the whole answer may take, and says least about which section is meant. So the terms
 * are taken rarest and most strongly weighted first, searched everywhere while the sections they reach stay within
 * a budget, then in headings and titles only (far fewer sections, and where a common word still tells), then not
 * at all. Dropped terms still count in the re-ranking and the gate, which read every candidate's own terms. On a
 * pack the size of the shipped one nothing is ever dropped, so its ranking is exactly MiniSearch's.
 */

/** How many sections a term (with the words it reaches by prefix) appears in: all fields, and headings or titles. */
export interface TermCosts {
  /** Sections in the pack. */
  readonly sections: number;
  everywhere(term: string): number;
  inHeadings(term: string): number;
}

/** The terms to search, split by where. */
export interface SearchPlan {
  everywhere: string[];
  headingsOnly: string[];
}

/** Sections MiniSearch may score for one question in all fields (about a millisecond)… */
export const SECTION_BUDGET = 1200;
/** …and in headings and titles. */
export const HEADING_BUDGET = 600;

/** How many sections the search may reach: in all fields, and in headings and titles. */
export interface SearchBudget {
  everywhere: number;
  headings: number;
}

/** Plans the search for terms weighted as the question weighs them (typed 1, synonyms less). */
export function planSearch(searchTerms: ReadonlyMap<string, number>, costs: TermCosts, budget: SearchBudget = { everywhere: SECTION_BUDGET, headings: HEADING_BUDGET }): SearchPlan {
  const value = (term: string, weight: number) => weight * Math.log(1 + costs.sections / Math.max(costs.everywhere(term), 0.5));
  const ordered = [...searchTerms].sort(([a, wa], [b, wb]) => value(b, wb) - value(a, wa) || a.localeCompare(b));
  const plan: SearchPlan = { everywhere: [], headingsOnly: [] };
  let spent = 0;
  let spentInHeadings = 0;
  for (const [term] of ordered) {
    const cost = costs.everywhere(term);
    const headingCost = costs.inHeadings(term);
    if (spent + cost <= budget.everywhere) {
      plan.everywhere.push(term);
      spent += cost;
    } else if (spentInHeadings + headingCost <= budget.headings) {
      plan.headingsOnly.push(term);
      spentInHeadings += headingCost;
    }
  }
  // A question made only of very common words still searches its most telling one, in headings.
  if (plan.everywhere.length === 0 && plan.headingsOnly.length === 0 && ordered.length > 0) plan.headingsOnly.push(ordered[0]![0]);
  return plan;
}
