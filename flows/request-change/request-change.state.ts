/**
 * The conversation state of requesting a change, re-validated on every load, and the edge checks of its forms.
 * Times are typed in the requester's own time zone and kept as instants; choices are checked against the
 * organisation file, never trusted from the client. What the domain decides (risk, routes, plans required for a
 * risk level) is left to the domain, whose field problems come back next to the same inputs.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { CHANGE_TYPES, type NewChange } from '../../src/domain/change';
import type { Organisation } from '../../src/domain/organisation';
import { canonicalRecordNumber } from '../../src/domain/records';
import type { FormValues } from '../../src/engine/message';
import { LIMITS, MAX_WINDOW_DAYS } from './request-change.ids';

/** What the requester asked for, checked: the domain's input plus the draft's id (it keys the submission). */
export const draftSchema = z.object({
  id: z.uuid(),
  type: z.enum(CHANGE_TYPES),
  template: z.string().optional(),
  title: z.string(),
  description: z.string(),
  services: z.array(z.string()).min(1),
  reason: z.string(),
  implementationPlan: z.string(),
  backoutPlan: z.string(),
  testPlan: z.string(),
  plannedStart: z.coerce.date(),
  plannedEnd: z.coerce.date(),
  implementer: z.string().optional(),
  riskAnswers: z.record(z.string(), z.string()).default({}),
  linkedIncidents: z.array(z.string()).default([]),
});
/** A draft change waiting for the requester to confirm it. */
export type Draft = z.output<typeof draftSchema>;

/** The state for one person in one conversation. */
export const changeStateSchema = z.object({
  /** The details accepted and shown back for confirmation. */
  draft: draftSchema.optional(),
});
/** The flow's conversation state. */
export type ChangeState = z.output<typeof changeStateSchema>;

const text = (value: FormValues[string]): string => (typeof value === 'string' ? value.trim() : '');
const list = (value: FormValues[string]): string[] => (Array.isArray(value) ? value : typeof value === 'string' && value !== '' ? [value] : []);

/** A `YYYY-MM-DDTHH:mm` typed in `zone` → the instant, or null. */
export function parseLocal(value: string, zone: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const at = DateTime.fromISO(value, { zone });
  return at.isValid ? at.toJSDate() : null;
}

/** An instant as the form's `YYYY-MM-DDTHH:mm` in `zone` (to show a draft again). */
export function toLocalInput(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** The organisation's person for words typed as a name, e-mail, id or chat name; undefined if none. */
export function findPerson(org: Organisation, typed: string) {
  const key = typed.trim().toLowerCase();
  return org.people.find((p) => [p.id, p.name, p.email, p.webchatName].some((v) => v?.toLowerCase() === key));
}

type Checked = { draft: Omit<Draft, 'id'> } | { errors: Record<string, string> };

/** The planned window: both times given, in order, not longer than {@link MAX_WINDOW_DAYS}. */
function checkWindow(values: FormValues, zone: string, errors: Record<string, string>): { start?: Date; end?: Date } {
  const start = parseLocal(text(values.plannedStart), zone);
  const end = parseLocal(text(values.plannedEnd), zone);
  if (!start) errors.plannedStart = text(values.plannedStart) === '' ? 'Say when the change starts' : 'Give the start as a date and time';
  if (!end) errors.plannedEnd = text(values.plannedEnd) === '' ? 'Say when the change ends' : 'Give the end as a date and time';
  if (start && end && end.getTime() <= start.getTime()) errors.plannedEnd = 'The planned end must be after the planned start';
  else if (start && end && end.getTime() - start.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
    errors.plannedEnd = `A change window can last ${MAX_WINDOW_DAYS} days at most; split longer work into several changes`;
  }
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

function checkLength(errors: Record<string, string>, field: string, value: string, max: number, label: string): void {
  if (value.length > max) errors[field] = `${label} can be ${max} characters at most (this is ${value.length})`;
}

/** Linked incidents as typed (`INC-123, inc-000456`) → canonical numbers, or an error naming the bad one. */
function checkLinks(typed: string, errors: Record<string, string>): string[] {
  const words = typed.split(/[\s,;]+/).filter(Boolean);
  const numbers: string[] = [];
  for (const word of words) {
    const number = canonicalRecordNumber(word);
    if (!number?.startsWith('INC-') && !number?.startsWith('PRB-')) {
      errors.linked = `"${word.slice(0, LIMITS.link)}" is not an incident or problem number (like INC-000123)`;
      return [];
    }
    numbers.push(number);
  }
  return [...new Set(numbers)];
}

/** Checks the details form of a normal or emergency change. */
export function checkDetails(values: FormValues, type: 'normal' | 'emergency', org: Organisation, zone: string): Checked {
  const errors: Record<string, string> = {};
  const title = text(values.title);
  const description = text(values.description);
  const reason = text(values.reason);
  const implementationPlan = text(values.implementationPlan);
  const backoutPlan = text(values.backoutPlan);
  const testPlan = text(values.testPlan);
  const services = list(values.services);
  const implementerTyped = text(values.implementer);
  if (title === '') errors.title = 'Give the change a short title';
  checkLength(errors, 'title', title, LIMITS.title, 'The title');
  checkLength(errors, 'description', description, LIMITS.description, 'The description');
  if (reason === '') errors.reason = 'Say why the change is needed';
  checkLength(errors, 'reason', reason, LIMITS.reason, 'The reason');
  for (const [field, value, label] of [['implementationPlan', implementationPlan, 'The implementation plan'], ['backoutPlan', backoutPlan, 'The backout plan'], ['testPlan', testPlan, 'The test plan']] as const) {
    checkLength(errors, field, value, LIMITS.plan, label);
  }
  if (services.length === 0) errors.services = 'Pick at least one service the change touches';
  else if (services.some((s) => !org.services.some((known) => known.id === s))) errors.services = 'Pick services from the list';
  const implementer = implementerTyped ? findPerson(org, implementerTyped) : undefined;
  if (implementerTyped && !implementer) errors.implementer = `"${implementerTyped.slice(0, 60)}" is not in the organisation file; give a name or e-mail from it, or leave it empty`;
  const riskAnswers: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) if (name.startsWith('risk.') && typeof value === 'string' && value !== '') riskAnswers[name.slice(5)] = value;
  const linkedIncidents = checkLinks(text(values.linked), errors);
  const { start, end } = checkWindow(values, zone, errors);
  if (Object.keys(errors).length > 0 || !start || !end) return { errors };
  return {
    draft: {
      type,
      title,
      description,
      services: [...new Set(services)],
      reason,
      implementationPlan,
      backoutPlan,
      testPlan,
      plannedStart: start,
      plannedEnd: end,
      ...(implementer ? { implementer: implementer.id } : {}),
      riskAnswers,
      linkedIncidents,
    },
  };
}

/** The domain's input for a draft. */
export function newChangeOf(draft: Omit<Draft, 'id'>, org: Organisation): NewChange {
  const implementer = draft.implementer ? org.people.find((p) => p.id === draft.implementer) : undefined;
  return {
    type: draft.type,
    ...(draft.template ? { template: draft.template } : {}),
    title: draft.title,
    description: draft.description,
    services: draft.services,
    reason: draft.reason,
    implementationPlan: draft.implementationPlan,
    backoutPlan: draft.backoutPlan,
    testPlan: draft.testPlan,
    plannedStart: draft.plannedStart,
    plannedEnd: draft.plannedEnd,
    ...(implementer ? { implementer: { id: implementer.id, name: implementer.name, email: implementer.email } } : {}),
    riskAnswers: draft.riskAnswers,
    linkedIncidents: draft.linkedIncidents.filter((n) => n.startsWith('INC-')),
    linkedProblems: draft.linkedIncidents.filter((n) => n.startsWith('PRB-')),
  };
}
