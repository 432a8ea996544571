/**
 * The change risk assessment (clause 8.5.1 asks for risk and impact to be assessed before authorisation): five
 * plain questions plus the criticality of the services touched, scored and banded into low / medium / high.
 * The level decides who authorises a normal change (see change-approval.ts).
 */
import { z } from 'zod';
import { InvalidInputError } from './errors';
import type { CRITICALITIES } from './organisation.schema';

/** One question of the risk assessment, with scored answers. */
export interface RiskQuestion {
  id: string;
  text: string;
  options: readonly { value: string; label: string; score: number }[];
}

/** The questions a requester answers, in the order the form shows them. */
export const RISK_QUESTIONS: readonly RiskQuestion[] = [
  {
    id: 'reach',
    text: 'Who would notice if this change went wrong?',
    options: [
      { value: 'few', label: 'One person or nobody', score: 0 },
      { value: 'team', label: 'A team or a department', score: 2 },
      { value: 'many', label: 'Many people, a whole site, or customers', score: 4 },
    ],
  },
  {
    id: 'outage',
    text: 'Does the service have to stop while the change is made?',
    options: [
      { value: 'none', label: 'No', score: 0 },
      { value: 'short', label: 'Briefly (under 30 minutes)', score: 1 },
      { value: 'long', label: 'Yes, for longer', score: 3 },
    ],
  },
  {
    id: 'tested',
    text: 'Has the change been tested somewhere other than live?',
    options: [
      { value: 'fully', label: 'Yes, fully', score: 0 },
      { value: 'partly', label: 'Partly', score: 1 },
      { value: 'no', label: 'No', score: 3 },
    ],
  },
  {
    id: 'backout',
    text: 'How easily can it be undone?',
    options: [
      { value: 'easy', label: 'Easily, in minutes', score: 0 },
      { value: 'hard', label: 'With effort', score: 2 },
      { value: 'impossible', label: 'It cannot be undone', score: 4 },
    ],
  },
  {
    id: 'experience',
    text: 'Has this kind of change been made here before?',
    options: [
      { value: 'often', label: 'Often', score: 0 },
      { value: 'once', label: 'Once or twice', score: 1 },
      { value: 'never', label: 'Never', score: 2 },
    ],
  },
];

const CRITICALITY_SCORE: Record<(typeof CRITICALITIES)[number], number> = { critical: 3, high: 2, medium: 1, low: 0 };

/** Risk bands. */
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
/** A risk band. */
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** The stored assessment: what was answered, the score and the band. */
export const riskSchema = z.object({
  answers: z.record(z.string(), z.string()),
  score: z.number().int().min(0),
  level: z.enum(RISK_LEVELS),
});
/** A risk assessment. */
export type Risk = z.output<typeof riskSchema>;

/** Score ≤ 3 is low, ≤ 8 medium, above that high (maximum 16 + 3 for a critical service). */
export function riskLevelFor(score: number): RiskLevel {
  return score <= 3 ? 'low' : score <= 8 ? 'medium' : 'high';
}

/**
 * Scores the answers (every question answered with one of its options) plus the most critical service touched.
 * Throws {@link InvalidInputError} naming each unanswered or unknown answer.
 */
export function assessRisk(
  answers: Readonly<Record<string, string>>,
  serviceCriticalities: readonly (typeof CRITICALITIES)[number][],
): Risk {
  const problems: { path: string; message: string }[] = [];
  let score = 0;
  for (const q of RISK_QUESTIONS) {
    const option = q.options.find((o) => o.value === answers[q.id]);
    if (!option) problems.push({ path: `risk.${q.id}`, message: `Answer "${q.text}" (${q.options.map((o) => o.value).join(', ')})` });
    else score += option.score;
  }
  if (problems.length > 0) throw new InvalidInputError(`The risk assessment is incomplete: ${problems[0]?.message}.`, problems);
  score += Math.max(0, ...serviceCriticalities.map((c) => CRITICALITY_SCORE[c]));
  const kept = Object.fromEntries(RISK_QUESTIONS.map((q) => [q.id, answers[q.id] as string]));
  return { answers: kept, score, level: riskLevelFor(score) };
}
