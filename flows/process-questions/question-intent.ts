/**
 * Does a plain message read as a question about how things are done? "how do I raise an emergency change?",
 * "what's the process for a new starter", "who approves firewall changes?" score high; statements of a fault
 * ("the VPN is down") score below the incident flow's reading of them, so a fault is never answered with a policy.
 */
import type { Organisation } from '../../src/domain/organisation';
import { incidentIntentScore } from '../report-incident/incident-intent';

/** Openings that make a message a process question. */
const PROCESS_QUESTION =
  /^(how (do|can|should|would|long|soon|quickly|often|much|many|does|is|are)|what('?s| is| are| does| do| happens| should| counts)|whats|who('?s| is| are| can| do| does| should| approves?| authori[sz]es?| signs?| owns?| decides?)|whos|where (do|can|should|is|are)|when (do|should|can|is|are|does|must)|which|is there|are there|do i|do we|does|should i|should we|can i|can we|may i|am i allowed|are we allowed|is it ok|process for|procedure for|policy (on|for))\b/;

/** Verbs that make an imperative a question ("explain the change process", "tell me about standard changes"). */
const ASKING = /^(explain|describe|tell me|remind me|help me understand|i need to know|i'd like to know|id like to know|wondering)\b/;

/**
 * 0 (not a process question) to 1: a question opening scores 0.8, "explain…" 0.7, a trailing question mark on
 * words of at least two words 0.6. When the incident flow reads the words as a fault, the score stays below its.
 */
export function questionIntentScore(text: string, org?: Organisation): number {
  const lower = text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim();
  if (lower === '') return 0;
  let score = 0;
  if (PROCESS_QUESTION.test(lower)) score = 0.8;
  else if (ASKING.test(lower)) score = 0.7;
  else if (/\?\s*$/.test(lower) && lower.split(' ').length >= 2) score = 0.6;
  if (score === 0) return 0;
  const incident = incidentIntentScore(text, org);
  if (incident >= 0.5) return Math.max(0, Math.round((Math.min(score, incident - 0.1)) * 100) / 100);
  return score;
}
