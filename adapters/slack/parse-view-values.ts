import type { FormValues } from '../../src/engine/message';
import { epochToLocal } from './render-modal';

/** One element's state in a `view_submission` (`view.state.values[block_id][action_id]`), as Slack sends it. */
export interface ViewStateValue {
  type: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: Array<{ value?: string }>;
  selected_date?: string | null;
  selected_date_time?: number | null;
  [key: string]: unknown;
}

/** `view.state.values`: block_id → action_id → element state. */
export type ViewState = Record<string, Record<string, ViewStateValue>>;

function decode(value: string | undefined, tokens: Record<string, string>): string | undefined {
  if (value === undefined) return undefined;
  return Object.hasOwn(tokens, value) ? tokens[value] : value;
}

function valueOf(state: ViewStateValue, tokens: Record<string, string>, zone: string): string | string[] | boolean | undefined {
  switch (state.type) {
    case 'plain_text_input':
    case 'number_input':
      return typeof state.value === 'string' && state.value !== '' ? state.value : undefined;
    case 'static_select':
    case 'external_select':
      return decode(state.selected_option?.value, tokens);
    case 'multi_static_select':
    case 'multi_external_select':
      return (state.selected_options ?? []).map((option) => decode(option.value, tokens) ?? '').filter(Boolean);
    case 'datepicker':
      return state.selected_date ?? undefined;
    case 'datetimepicker':
      return typeof state.selected_date_time === 'number' ? epochToLocal(state.selected_date_time, zone) : undefined;
    case 'checkboxes':
      return (state.selected_options ?? []).length > 0;
    default:
      return typeof state.value === 'string' ? state.value : undefined;
  }
}

/** Keys that would reach an object's prototype rather than its own fields. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A submitted modal's state → neutral form values by input name (each input is one block whose block_id is the
 * name). Date-times come back as local `YYYY-MM-DDTHH:mm` in `zone`, option tokens as the flow's own values.
 */
export function parseViewValues(state: ViewState | undefined, tokens: Record<string, string>, zone: string): FormValues {
  const values: FormValues = {};
  for (const [blockId, actions] of Object.entries(state ?? {})) {
    if (UNSAFE_KEYS.has(blockId)) continue;
    const first = Object.values(actions ?? {})[0];
    if (!first || typeof first !== 'object') continue;
    const value = valueOf(first, tokens, zone);
    if (value !== undefined) values[blockId] = value;
  }
  return values;
}
