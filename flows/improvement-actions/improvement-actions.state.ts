/**
 * The conversation state of raising an improvement, re-validated on every load, and the edge checks of its form.
 * Choices are checked against the domain's lists and the organisation file, never trusted from the client; the
 * target date is a day in the requester's own zone. What the domain decides is left to it (createImprovement),
 * and its field problems come back next to the same inputs.
 */
import { z } from 'zod';
import { daysBetween, isIsoDate } from '../../src/domain/dates';
import { IMPROVEMENT_PRIORITIES, IMPROVEMENT_SOURCES, IMPROVEMENT_TYPES, type NewImprovement } from '../../src/domain/improvement';
import { PROCESS_IDS, type Organisation } from '../../src/domain/organisation';
import { canonicalRecordNumber } from '../../src/domain/records';
import type { FormValues } from '../../src/engine/message';
import { findPerson } from '../request-change/request-change.state';
import { LIMITS } from './improvement-actions.ids';

/** Record numbers an entry may name as its source: incidents, changes and problems. */
export const SOURCE_RECORD_PREFIXES = ['INC-', 'CHG-', 'PRB-'] as const;

/** What the requester asked for, checked: the domain's input plus the draft's id (it keys the submission). */
export const draftSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  source: z.enum(IMPROVEMENT_SOURCES),
  sourceRef: z.string().optional(),
  type: z.enum(IMPROVEMENT_TYPES),
  process: z.enum(PROCESS_IDS),
  /** The owner's person id in the organisation file. */
  owner: z.string(),
  priority: z.enum(IMPROVEMENT_PRIORITIES),
  targetDate: z.string(),
  nonconformity: z.string().optional(),
  correction: z.string().optional(),
  rootCause: z.string().optional(),
});
/** A draft entry waiting for the requester to confirm it. */
export type Draft = z.output<typeof draftSchema>;

/** The state for one person in one conversation. */
export const improvementStateSchema = z.object({
  /** The form's draft id while the form is open. */
  form: z.object({ draftId: z.uuid() }).optional(),
  /** The details accepted and shown back for confirmation. */
  draft: draftSchema.optional(),
});
/** The flow's conversation state. */
export type ImprovementState = z.output<typeof improvementStateSchema>;

/** A form value as trimmed text ('' when absent or not text). */
export const text = (value: FormValues[string]): string => (typeof value === 'string' ? value.trim() : '');

function oneOf<T extends string>(values: readonly T[], value: string): T | undefined {
  return values.find((v) => v === value);
}

function checkLength(errors: Record<string, string>, field: string, value: string, max: number, label: string): void {
  if (value.length > max) errors[field] = `${label} can be ${max} characters at most (this is ${value.length})`;
}

/** Checks the raise form; `today` is the requester's date (a target date before it is refused). */
export function checkRaise(values: FormValues, org: Organisation, today: string): { draft: Omit<Draft, 'id'> } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const title = text(values.title);
  const description = text(values.description);
  if (title === '') errors.title = 'Give the action a short title';
  checkLength(errors, 'title', title, LIMITS.title, 'The title');
  checkLength(errors, 'description', description, LIMITS.description, 'The description');

  const source = oneOf(IMPROVEMENT_SOURCES, text(values.source));
  if (!source) errors.source = 'Pick where it came from';
  const typedRef = text(values.sourceRef);
  const sourceRef = typedRef === '' ? undefined : canonicalRecordNumber(typedRef);
  if (typedRef !== '' && !SOURCE_RECORD_PREFIXES.some((p) => sourceRef?.startsWith(p))) {
    errors.sourceRef = `"${typedRef.slice(0, 40)}" is not an incident, change or problem number (like INC-000123)`;
  }

  const type = oneOf(IMPROVEMENT_TYPES, text(values.type));
  if (!type) errors.type = 'Say whether it is an improvement or a corrective action';
  const typedProcess = text(values.process);
  const process = typedProcess === '' ? 'improvement' : oneOf(PROCESS_IDS, typedProcess);
  if (!process) errors.process = 'Pick a process from the list';
  const typedPriority = text(values.priority);
  const priority = typedPriority === '' ? 'medium' : oneOf(IMPROVEMENT_PRIORITIES, typedPriority);
  if (!priority) errors.priority = 'Pick high, medium or low';

  const typedOwner = text(values.owner);
  const owner = typedOwner === '' ? undefined : findPerson(org, typedOwner);
  if (typedOwner === '') errors.owner = 'Name the owner: a name or e-mail from the organisation file';
  else if (!owner) errors.owner = `"${typedOwner.slice(0, 60)}" is not in the organisation file; give the name or e-mail of someone in it`;

  const targetDate = text(values.targetDate);
  if (targetDate === '') errors.targetDate = 'Give a target date';
  else if (!isIsoDate(targetDate)) errors.targetDate = 'Write the target date as YYYY-MM-DD';
  else if (daysBetween(today, targetDate) < 0) errors.targetDate = `The target date is in the past; pick ${today} or later`;

  const nonconformity = text(values.nonconformity);
  const correction = text(values.correction);
  const rootCause = text(values.rootCause);
  for (const [field, value, label] of [['nonconformity', nonconformity, 'The nonconformity'], ['correction', correction, 'The correction'], ['rootCause', rootCause, 'The root cause']] as const) {
    checkLength(errors, field, value, LIMITS.text, label);
  }
  if (type === 'corrective_action') {
    if (nonconformity === '') errors.nonconformity = 'Describe the nonconformity this action corrects: what went wrong, where';
    if (correction === '') errors.correction = 'Say what was done at once to contain it (the correction)';
    if (rootCause === '') errors.rootCause = 'Say why it happened (the root cause)';
  }
  if (Object.keys(errors).length > 0 || !source || !type || !process || !priority || !owner) return { errors };
  const corrective = type === 'corrective_action';
  return {
    draft: {
      title,
      description,
      source,
      ...(sourceRef ? { sourceRef } : {}),
      type,
      process,
      owner: owner.id,
      priority,
      targetDate,
      ...(corrective ? { nonconformity, correction, rootCause } : {}),
    },
  };
}

/** The domain's input for a draft. */
export function newImprovementOf(draft: Omit<Draft, 'id'>, org: Organisation): NewImprovement {
  const owner = org.people.find((p) => p.id === draft.owner);
  return {
    title: draft.title,
    description: draft.description,
    source: { kind: draft.source, ...(draft.sourceRef ? { ref: draft.sourceRef } : {}) },
    type: draft.type,
    process: draft.process,
    ...(owner ? { owner: { id: owner.id, name: owner.name, email: owner.email } } : {}),
    priority: draft.priority,
    targetDate: draft.targetDate,
    ...(draft.nonconformity ? { nonconformity: { what: draft.nonconformity } } : {}),
    ...(draft.correction ? { correction: draft.correction } : {}),
    ...(draft.rootCause ? { rootCause: draft.rootCause } : {}),
  };
}
