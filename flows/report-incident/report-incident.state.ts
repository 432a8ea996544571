/**
 * The conversation state of reporting an incident, re-validated on every load (a deploy that changes its shape
 * makes an old conversation start afresh instead of crashing), and the edge validation of the details form.
 */
import { z } from 'zod';
import type { Organisation } from '../../src/domain/organisation';
import type { FormValues } from '../../src/engine/message';
import { LIMITS } from './report-incident.ids';
import { FIELD_ERRORS } from './report-incident.messages';

/** What the person typed into the details form, checked and trimmed; ids of the organisation's levels. */
export const detailsSchema = z.object({
  summary: z.string(),
  description: z.string(),
  service: z.string(),
  impact: z.string(),
  urgency: z.string(),
  /** As typed: a name or e-mail, resolved to a person when the incident is created. */
  onBehalfOf: z.string().optional(),
});
/** Checked details of a draft. */
export type Details = z.output<typeof detailsSchema>;

/** A draft waiting for the reporter to confirm it; its id keys the submission's idempotency record. */
export const draftSchema = detailsSchema.extend({
  id: z.uuid(),
  /** The similar incidents offered with it: only these can be joined from its confirmation. */
  similar: z.array(z.string()).default([]),
});
/** A draft incident. */
export type Draft = z.output<typeof draftSchema>;

/** The state for one person in one conversation. */
export const reportStateSchema = z.object({
  /** Words the bot offered to report as an incident, prefilled into the form when the offer is taken up. */
  offer: z.string().max(4000).optional(),
  /** The details form's draft id while it is open (so an edit keeps its draft). */
  formDraftId: z.uuid().optional(),
  /** The details accepted and shown back for confirmation. */
  draft: draftSchema.optional(),
});
/** The flow's conversation state. */
export type ReportState = z.output<typeof reportStateSchema>;

const text = (value: FormValues[string]): string => (typeof value === 'string' ? value.trim() : '');

/**
 * Checks the details form against the organisation file. Returns the details, or an error per field (shown next
 * to the inputs, the form stays open). Choices are checked against the file, never trusted from the client.
 */
export function checkDetails(values: FormValues, org: Organisation): { details: Details } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const summary = text(values.summary);
  const description = text(values.description);
  const onBehalfOf = text(values.onBehalfOf);
  const service = text(values.service);
  const impact = text(values.impact);
  const urgency = text(values.urgency);
  if (summary === '') errors.summary = FIELD_ERRORS.summaryEmpty;
  else if (summary.length > LIMITS.summary) errors.summary = FIELD_ERRORS.summaryTooLong(LIMITS.summary, summary.length);
  if (description.length > LIMITS.description) errors.description = FIELD_ERRORS.descriptionTooLong(LIMITS.description);
  if (!org.services.some((s) => s.id === service)) errors.service = service === '' ? FIELD_ERRORS.serviceMissing : FIELD_ERRORS.serviceUnknown;
  if (!org.priorities.impact.some((l) => l.id === impact)) errors.impact = FIELD_ERRORS.impact;
  if (!org.priorities.urgency.some((l) => l.id === urgency)) errors.urgency = FIELD_ERRORS.urgency;
  if (onBehalfOf.length > LIMITS.onBehalfOf) errors.onBehalfOf = FIELD_ERRORS.onBehalfOfTooLong(LIMITS.onBehalfOf);
  if (Object.keys(errors).length > 0) return { errors };
  return { details: { summary, description, service, impact, urgency, ...(onBehalfOf ? { onBehalfOf } : {}) } };
}

/** A required note in a work form (update, resolution, reopen reason): trimmed, 1..4000 characters. */
export function checkNote(value: FormValues[string], field: string): { note: string } | { errors: Record<string, string> } {
  const note = text(value);
  if (note === '') return { errors: { [field]: FIELD_ERRORS.noteEmpty } };
  if (note.length > LIMITS.note) return { errors: { [field]: FIELD_ERRORS.noteTooLong(LIMITS.note) } };
  return { note };
}
