/**
 * The change risk assessment (clause 8.5.1 asks for risk and impact to be assessed before authorisation): a short
 * questionnaire plus the criticality of the services touched, scored and banded into low / medium / high. The
 * organisation file may set its own questions and bands (`changes.riskQuestions`, `changes.riskBands`); without
 * them the five plain questions below and the 3 / 8 bands apply. The level decides who authorises a normal
 * change (see change-approval.ts).
 */
import { z } from 'zod';
import { InvalidInputError, type FieldProblem } from './errors';
import type { CRITICALITIES } from './organisation.schema';

/** One question of the risk assessment, with scored answers. */
export interface RiskQuestion {
  id: string;
  text: string;
  options: readonly { value: string; label: string; score: number }[];
}

/** The default questions a requester answers, in the order the form shows them (when the file sets none). */
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

/** Upper bounds of the bands: a score ≤ `low` is low, ≤ `medium` is medium, anything above is high. */
export interface RiskBands {
  low: number;
  medium: number;
}

/** The bands when the organisation file sets none: ≤ 3 low, ≤ 8 medium (maximum 16 + 3 for a critical service). */
export const DEFAULT_RISK_BANDS: Readonly<RiskBands> = { low: 3, medium: 8 };

/** The questionnaire and bands an organisation scores changes with (`org.changes` has both). */
export interface RiskScheme {
  riskQuestions: readonly RiskQuestion[];
  riskBands: RiskBands;
}

/** The built-in scheme: {@link RISK_QUESTIONS} and {@link DEFAULT_RISK_BANDS}. */
export const DEFAULT_RISK_SCHEME: Readonly<RiskScheme> = { riskQuestions: RISK_QUESTIONS, riskBands: DEFAULT_RISK_BANDS };

/** The band a score falls in. */
export function riskLevelFor(score: number, bands: RiskBands = DEFAULT_RISK_BANDS): RiskLevel {
  return score <= bands.low ? 'low' : score <= bands.medium ? 'medium' : 'high';
}

/** What a service's criticality adds to the score: the most critical service touched is what is at stake. */
export function criticalityScore(criticality: (typeof CRITICALITIES)[number]): number {
  return CRITICALITY_SCORE[criticality];
}

/**
 * Scores the answers without throwing: the risk, or one field problem per unanswered or unknown answer (path
 * `risk.<question id>`, so a form can show it beside the question). {@link assessRisk} is the throwing form.
 */
export function scoreRisk(
  answers: Readonly<Record<string, string>>,
  serviceCriticalities: readonly (typeof CRITICALITIES)[number][],
  scheme: RiskScheme = DEFAULT_RISK_SCHEME,
): { risk: Risk; problems: [] } | { risk?: undefined; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let score = 0;
  for (const q of scheme.riskQuestions) {
    const option = q.options.find((o) => o.value === answers[q.id]);
    if (!option) problems.push({ path: `risk.${q.id}`, message: `Answer "${q.text}" (${q.options.map((o) => o.value).join(', ')})` });
    else score += option.score;
  }
  if (problems.length > 0) return { problems };
  score += Math.max(0, ...serviceCriticalities.map(criticalityScore));
  // Only the questions asked are kept: a stale extra answer from an old form is not evidence of anything.
  const kept = Object.fromEntries(scheme.riskQuestions.map((q) => [q.id, answers[q.id] as string]));
  return { risk: { answers: kept, score, level: riskLevelFor(score, scheme.riskBands) }, problems: [] };
}

/**
 * Scores the answers (every question of the scheme answered with one of its options) plus the most critical
 * service touched, and bands the score. Pass the organisation's scheme (`org.changes`); the default is the
 * built-in one. Throws {@link InvalidInputError} naming each unanswered or unknown answer.
 */
export function assessRisk(
  answers: Readonly<Record<string, string>>,
  serviceCriticalities: readonly (typeof CRITICALITIES)[number][],
  scheme: RiskScheme = DEFAULT_RISK_SCHEME,
): Risk {
  const result = scoreRisk(answers, serviceCriticalities, scheme);
  if (result.risk) return result.risk;
  throw new InvalidInputError(`The risk assessment is incomplete: ${result.problems[0]?.message}.`, result.problems);
}
