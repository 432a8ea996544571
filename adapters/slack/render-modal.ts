import { createHash } from 'node:crypto';
import type { types } from '@slack/bolt';
import { DateTime } from 'luxon';
import type { Choice, Form, FormValues, Input } from '../../src/engine/message';
import { LIMITS, truncate, truncateMrkdwn } from './limits';
import { escapeMrkdwn } from './mrkdwn';
import { renderBlocks, type RenderContext } from './render-block-kit';

/**
 * Neutral forms → Slack modals: one input block per input, its block_id the input's name (so field errors map
 * straight onto blocks), its element's action_id always {@link VALUE_ACTION_ID}. Pure, like render-block-kit.ts.
 */

/** The action_id of every input element: the block_id already names the input. */
export const VALUE_ACTION_ID = 'value';

/** What rendering a modal needs: mentions, and the person's time zone for date-time pickers. */
export interface ModalRenderContext extends RenderContext {
  /** IANA zone the neutral `YYYY-MM-DDTHH:mm` values are in (the person's own). */
  timeZone: string;
}

/**
 * What a modal needs kept beside it: options of selects too long for Slack to carry (served on demand through
 * `block_suggestion`), and option values too long for Slack's 75 characters (sent as short tokens).
 */
export interface ModalData {
  /** Input name → all its options, for external selects. */
  external: Record<string, Choice[]>;
  /** Token sent to Slack → the flow's real option value. */
  values: Record<string, string>;
}

/** A rendered modal (without `private_metadata`, which the adapter adds) and the data kept beside it. */
export interface RenderedModal {
  view: types.ModalView;
  data: ModalData;
}

type Option = types.PlainTextOption;

function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: truncate(text.trim() || '·', max), emoji: true };
}

/** Local `YYYY-MM-DDTHH:mm` in `zone` → Unix seconds, or undefined when it is not such a value. */
export function localToEpoch(local: string, zone: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return undefined;
  const parsed = DateTime.fromISO(local, { zone });
  return parsed.isValid ? Math.floor(parsed.toSeconds()) : undefined;
}

/** Unix seconds → local `YYYY-MM-DDTHH:mm` in `zone`. */
export function epochToLocal(seconds: number, zone: string): string {
  return DateTime.fromSeconds(seconds, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

function optionValue(value: string, data: ModalData): string {
  if (value.length <= LIMITS.optionValue) return value;
  const token = `~${createHash('sha256').update(value).digest('base64url').slice(0, 24)}`;
  data.values[token] = value;
  return token;
}

/** Choices → Slack options (de-duplicated; long values as tokens recorded in `data`). */
export function renderOptions(choices: readonly Choice[], data: ModalData): Option[] {
  const seen = new Set<string>();
  const out: Option[] = [];
  for (const choice of choices) {
    if (seen.has(choice.value)) continue; // Slack refuses two options with one value.
    seen.add(choice.value);
    const option: Option = { text: plain(choice.label, LIMITS.optionText), value: optionValue(choice.value, data) };
    if (choice.description?.trim()) option.description = plain(choice.description, LIMITS.optionDescription);
    out.push(option);
  }
  return out;
}

function current(input: Input, values: FormValues | undefined): unknown {
  const submitted = values?.[input.name];
  return submitted !== undefined ? submitted : input.initial;
}

function placeholder(input: Input): { placeholder?: types.PlainTextElement } {
  return input.placeholder?.trim() ? { placeholder: plain(input.placeholder, LIMITS.placeholder) } : {};
}

/** One converter per input kind. */
function renderElement(input: Input, values: FormValues | undefined, data: ModalData, zone: string): types.InputBlockElement {
  const value = current(input, values);
  const base = { action_id: VALUE_ACTION_ID };
  switch (input.kind) {
    case 'text': {
      const max = Math.min(input.maxLength ?? LIMITS.textInput, LIMITS.textInput);
      const element: types.PlainTextInput = { type: 'plain_text_input', ...base, ...placeholder(input), max_length: max };
      if (input.multiline) element.multiline = true;
      if (input.minLength) element.min_length = Math.min(input.minLength, max);
      if (typeof value === 'string' && value) element.initial_value = truncate(value, max);
      return element;
    }
    case 'select': {
      const options = renderOptions(input.options, data);
      const chosen = typeof value === 'string' ? options.find((option) => option.value === optionValue(value, data)) : undefined;
      if (options.length > 0 && options.length <= LIMITS.selectOptions) {
        return { type: 'static_select', ...base, ...placeholder(input), options, ...(chosen ? { initial_option: chosen } : {}) };
      }
      data.external[input.name] = input.options;
      return { type: 'external_select', ...base, ...placeholder(input), min_query_length: 0, ...(chosen ? { initial_option: chosen } : {}) };
    }
    case 'multiselect': {
      const options = renderOptions(input.options, data);
      const wanted = new Set((Array.isArray(value) ? value : []).map((item) => optionValue(String(item), data)));
      const chosen = options.filter((option) => wanted.has(option.value ?? ''));
      if (options.length > 0 && options.length <= LIMITS.selectOptions) {
        return { type: 'multi_static_select', ...base, ...placeholder(input), options, ...(chosen.length ? { initial_options: chosen } : {}) };
      }
      data.external[input.name] = input.options;
      return { type: 'multi_external_select', ...base, ...placeholder(input), min_query_length: 0, ...(chosen.length ? { initial_options: chosen } : {}) };
    }
    case 'date': {
      const initial = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { initial_date: value } : {};
      return { type: 'datepicker', ...base, ...placeholder(input), ...initial };
    }
    case 'datetime': {
      const seconds = typeof value === 'string' ? localToEpoch(value, zone) : undefined;
      return { type: 'datetimepicker', ...base, ...(seconds !== undefined ? { initial_date_time: seconds } : {}) };
    }
    case 'number': {
      const initial = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) ? String(value) : undefined;
      return {
        type: 'number_input',
        ...base,
        ...placeholder(input),
        // The neutral model does not say "whole number"; the flow validates what it needs.
        is_decimal_allowed: true,
        ...(input.min !== undefined ? { min_value: String(input.min) } : {}),
        ...(input.max !== undefined ? { max_value: String(input.max) } : {}),
        ...(initial !== undefined ? { initial_value: initial } : {}),
      };
    }
    case 'checkbox': {
      const option: types.PlainTextOption = { text: plain(input.label, LIMITS.optionText), value: 'true' };
      const checked = value === true || value === 'true';
      return { type: 'checkboxes', ...base, options: [option], ...(checked ? { initial_options: [option] } : {}) };
    }
  }
}

function renderInput(input: Input, form: Form, data: ModalData, zone: string): types.KnownBlock[] {
  const block: types.InputBlock = {
    type: 'input',
    block_id: input.name,
    label: plain(input.label, LIMITS.inputLabel),
    // A checkbox is a yes/no question: unticked is an answer, so it is optional unless the flow requires a tick.
    optional: !input.required,
    element: renderElement(input, form.values, data, zone),
  };
  if (input.hint?.trim()) block.hint = plain(input.hint, LIMITS.inputHint);
  const error = form.errors?.[input.name];
  if (!error) return [block];
  // Slack shows field errors only in answer to a submission; a form reopened with errors shows them beneath.
  return [block, { type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(`:warning: ${escapeMrkdwn(error)}`, LIMITS.contextText), verbatim: true }] }];
}

/** A form → a modal view and the data to keep beside it. */
export function renderModal(form: Form, context: ModalRenderContext): RenderedModal {
  const data: ModalData = { external: {}, values: {} };
  const inputs = form.inputs.flatMap((input) => renderInput(input, form, data, context.timeZone)).slice(0, LIMITS.viewBlocks);
  const intro = form.intro ? renderBlocks([{ kind: 'text', text: form.intro }], context) : [];
  const room = LIMITS.viewBlocks - inputs.length;
  const view: types.ModalView = {
    type: 'modal',
    callback_id: truncate(form.id, LIMITS.callbackId),
    title: plain(form.title, LIMITS.modalTitle),
    submit: plain(form.submitLabel, LIMITS.modalButton),
    close: plain(form.cancelLabel ?? 'Cancel', LIMITS.modalButton),
    blocks: [...intro.slice(0, room), ...inputs],
  };
  return { view, data };
}

/** A modal that only says something (a refused or expired form): no inputs, so no submit button. */
export function noticeModal(title: string, text: string): types.ModalView {
  return {
    type: 'modal',
    title: plain(title, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalButton),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(escapeMrkdwn(text), LIMITS.sectionText), verbatim: true } }],
  };
}
