import type { Form, FormValues, Input } from '../../src/engine/message';
import { CARD_DATA_KEY } from './card-data';
import { DATE_PART, TIME_PART, multiselectUsesIndexes } from './render-inputs';

/**
 * Reads what an Adaptive Card sent back into the neutral form values the flow expects: toggles as booleans,
 * multi-selects as lists, a date and a time joined to `YYYY-MM-DDTHH:mm`. Only the form's own inputs are read;
 * anything else in the data is ignored. Problems that only exist because of how Teams shows an input (half a
 * date-and-time, a number that is not one) are field errors here, before the flow sees anything.
 */

/** The longest value accepted for one input (the web chat's limit too). */
const MAX_VALUE_CHARS = 20_000;

/** Submitted values, and field errors found while reading them. */
export interface Submission {
  values: FormValues;
  errors: Record<string, string>;
}

function text(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function readInput(input: Input, data: Record<string, unknown>, values: FormValues, errors: Record<string, string>): void {
  if (input.kind === 'datetime') {
    const date = text(data, `${input.name}${DATE_PART}`)?.trim() ?? '';
    const time = text(data, `${input.name}${TIME_PART}`)?.trim() ?? '';
    if (!date && !time) return;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}(:\d{2})?$/.test(time)) {
      errors[input.name] = date && !time ? `${input.label}: choose a time as well.` : !date && time ? `${input.label}: choose a date as well.` : `${input.label}: choose a date and a time.`;
      return;
    }
    values[input.name] = `${date}T${time.slice(0, 5)}`;
    return;
  }
  const raw = text(data, input.name);
  if (raw === undefined) return;
  if (raw.length > MAX_VALUE_CHARS) {
    errors[input.name] = `${input.label} is too long (at most ${MAX_VALUE_CHARS.toLocaleString('en')} characters).`;
    return;
  }
  switch (input.kind) {
    case 'checkbox':
      values[input.name] = raw === 'true';
      return;
    case 'multiselect': {
      const parts = raw.split(',').map((part) => part.trim()).filter(Boolean);
      const chosen = multiselectUsesIndexes(input) ? parts.map((part) => input.options[Number(part)]?.value) : parts;
      if (chosen.some((value) => value === undefined || !input.options.some((option) => option.value === value))) {
        errors[input.name] = `${input.label}: choose from the list.`;
        return;
      }
      values[input.name] = chosen as string[];
      return;
    }
    case 'number': {
      if (raw.trim() === '') return;
      if (!Number.isFinite(Number(raw))) {
        errors[input.name] = `${input.label}: enter a number.`;
        return;
      }
      values[input.name] = raw.trim();
      return;
    }
    case 'select':
    case 'date':
      if (raw.trim() === '') return;
      values[input.name] = raw;
      return;
    case 'text':
      values[input.name] = raw;
      return;
  }
}

/** Reads a form's values out of submitted card data. */
export function readSubmission(form: Form, data: Record<string, unknown>): Submission {
  const values: FormValues = {};
  const errors: Record<string, string> = {};
  for (const input of form.inputs) readInput(input, data, values, errors);
  return { values, errors };
}

/** The inputs' part of submitted data (everything but the bot's own key), for a form whose definition is gone. */
export function submittedData(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  const { [CARD_DATA_KEY]: _ours, ...rest } = data as Record<string, unknown>;
  return rest;
}
