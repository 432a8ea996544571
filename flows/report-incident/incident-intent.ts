/**
 * Does a plain message read as "something is broken"? Scores words like "the VPN is down for everyone" or
 * "can't log in to payroll" high enough for the dispatcher to route them here, and questions ("how do I…?")
 * at zero: the process-questions flow answers those.
 */
import { matchServices, type Organisation } from '../../src/domain/organisation';

/** Words of a fault: something stopped, failed, broke or is missing. */
const SYMPTOMS = [
  /\b(is|are|was|went|goes|been|'s)\s+(down|offline|dead|broken|frozen|stuck)\b/,
  /\b(down|offline|outage|broken|broke|crash(es|ed|ing)?|froze|frozen|freez(es|ing)|stuck|hangs?|hanging)\b/,
  /\b(not|isn'?t|aren'?t|doesn'?t|don'?t|won'?t|wont|can'?t|cant|cannot|unable to|couldn'?t|stopped)\s+\w*\s*(work|working|load|loading|open|opening|print|printing|connect|connecting|log|login|sign|start|starting|send|sending|receive|scan|scanning|respond|responding|access)\w*/,
  /\b(can'?t|cant|cannot|unable to|couldn'?t)\b/,
  /\b(error|errors|fail(s|ed|ing|ure)?|locked out|keeps? (dropping|crashing|disconnecting|freezing)|disconnect(s|ed|ing)?|timing out|times out|very slow|so slow|too slow|no (access|signal|internet|connection))\b/,
];

/** Openings of a question about how things work. */
const QUESTION = /^(how|what|where|when|why|who|which|is there|are there|do i|does|should|could i|can i|can you|may i|what's|whats)\b/;

/** Words saying many people are hit: a little more certain it is an incident. */
const WIDESPREAD = /\b(everyone|everybody|all of us|nobody|no one|whole (office|team|site|warehouse)|all users)\b/;

/**
 * 0 (not an incident) to 1 (surely one): a symptom scores 0.6, naming one of `org`'s services adds 0.2 (when the
 * caller has the organisation), "everyone" 0.1, a trailing question mark takes 0.1 off.
 */
export function incidentIntentScore(text: string, org?: Organisation): number {
  const lower = text.toLowerCase().replace(/[’‘]/g, "'").trim();
  if (lower === '' || QUESTION.test(lower)) return 0;
  const symptom = SYMPTOMS.some((pattern) => pattern.test(lower));
  if (!symptom) return 0;
  let score = 0.6;
  if (org && matchServices(org, lower).length > 0) score += 0.2;
  if (WIDESPREAD.test(lower)) score += 0.1;
  // A question mark on a fault ("is the VPN down?") is still worth offering, but less surely.
  if (lower.endsWith('?')) score -= 0.1;
  return Math.round(score * 100) / 100;
}
