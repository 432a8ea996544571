import type { FormValues, Input } from '../../src/engine/message';
import type { CardElement } from './adaptive-card.types';

/**
 * Neutral form inputs as Adaptive Card inputs, one converter per input kind: every input labelled, required ones
 * with `isRequired` and an `errorMessage` for the client's own check, the values to show filled in.
 */

/** Suffixes of the two inputs a date-and-time is shown as (Adaptive Cards have no combined input). */
export const DATE_PART = '__date';
/** See {@link DATE_PART}: the time half of a date-and-time. */
export const TIME_PART = '__time';

/** Choice labels longer than this are cut: Teams shows one line per choice anyway. */
const MAX_CHOICE_CHARS = 150;

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Multi-select values come back comma-joined; values that contain a comma travel as their option's index instead. */
export function multiselectUsesIndexes(input: Input & { kind: 'multiselect' }): boolean {
  return input.options.some((option) => option.value.includes(','));
}

/** Keeps the first `limit` options and every chosen one, so shortening a long list never loses a selection. */
function keepChosen<T extends { value: string }>(options: T[], chosen: string[], limit: number | undefined): T[] {
  return limit === undefined ? options : options.filter((option, index) => index < limit || chosen.includes(option.value));
}

/** What every converter gets: the input, the value to show (submitted, else initial) and a choice-list limit. */
interface InputContext<I extends Input> {
  input: I;
  value: FormValues[string] | number | undefined;
  /** Show at most this many choices (a form too large for one card). */
  choiceLimit: number | undefined;
}

function common(input: Input) {
  return {
    id: input.name,
    label: input.label,
    ...(input.required ? { isRequired: true, errorMessage: `${input.label} is required.` } : {}),
    ...(input.placeholder ? { placeholder: input.placeholder } : {}),
  };
}

type Converter<K extends Input['kind']> = (context: InputContext<Extract<Input, { kind: K }>>) => CardElement[];

const converters: { [K in Input['kind']]: Converter<K> } = {
  text: ({ input, value }) => {
    const min = input.minLength && input.minLength > 0 ? input.minLength : undefined;
    return [
      {
        type: 'Input.Text',
        ...common(input),
        ...(input.multiline ? { isMultiline: true } : {}),
        ...(input.maxLength ? { maxLength: input.maxLength } : {}),
        ...(min ? { regex: `^[\\s\\S]{${min},}$`, errorMessage: `${input.label} needs at least ${min} characters.` } : {}),
        ...(asText(value) !== undefined ? { value: asText(value) } : {}),
      },
    ];
  },

  select: ({ input, value, choiceLimit }) => [
    {
      type: 'Input.ChoiceSet',
      ...common(input),
      // `filtered` is Teams' type-ahead: the searchable picker the neutral model asks for.
      style: input.searchable ? 'filtered' : 'compact',
      choices: keepChosen(input.options, [asText(value) ?? ''], choiceLimit).map((option) => ({ title: cut(option.label, MAX_CHOICE_CHARS), value: option.value })),
      ...(asText(value) ? { value: asText(value) } : {}),
    },
  ],

  multiselect: ({ input, value, choiceLimit }) => {
    const chosen = Array.isArray(value) ? value : [];
    const byIndex = multiselectUsesIndexes(input);
    const encode = (optionValue: string) => (byIndex ? String(input.options.findIndex((option) => option.value === optionValue)) : optionValue);
    const selected = chosen.filter((entry) => input.options.some((option) => option.value === entry)).map(encode);
    return [
      {
        type: 'Input.ChoiceSet',
        ...common(input),
        isMultiSelect: true,
        style: 'compact',
        choices: keepChosen(input.options, chosen, choiceLimit).map((option) => ({ title: cut(option.label, MAX_CHOICE_CHARS), value: encode(option.value) })),
        ...(selected.length ? { value: selected.join(',') } : {}),
      },
    ];
  },

  date: ({ input, value }) => [
    {
      type: 'Input.Date',
      ...common(input),
      ...(input.min ? { min: input.min } : {}),
      ...(input.max ? { max: input.max } : {}),
      ...(asText(value) ? { value: asText(value) } : {}),
    },
  ],

  // Shown as a date and a time input; they come back separately and are joined to `YYYY-MM-DDTHH:mm`.
  datetime: ({ input, value }) => {
    const [date, time] = (asText(value) ?? '').split('T');
    const required = (part: string) => (input.required ? { isRequired: true, errorMessage: `${input.label}: choose a ${part}.` } : {});
    return [
      { type: 'Input.Date', id: `${input.name}${DATE_PART}`, label: input.label, ...required('date'), ...(date ? { value: date } : {}) },
      { type: 'Input.Time', id: `${input.name}${TIME_PART}`, label: `${input.label} (time)`, ...required('time'), ...(time ? { value: time.slice(0, 5) } : {}) },
    ];
  },

  number: ({ input, value }) => {
    const range =
      input.min !== undefined && input.max !== undefined
        ? `Enter a number from ${input.min} to ${input.max}.`
        : input.min !== undefined
          ? `Enter a number of at least ${input.min}.`
          : input.max !== undefined
            ? `Enter a number of at most ${input.max}.`
            : undefined;
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : undefined;
    return [
      {
        type: 'Input.Number',
        ...common(input),
        ...(input.min !== undefined ? { min: input.min } : {}),
        ...(input.max !== undefined ? { max: input.max } : {}),
        ...(range ? { errorMessage: range } : {}),
        ...(number !== undefined && Number.isFinite(number) ? { value: number } : {}),
      },
    ];
  },

  checkbox: ({ input, value }) => [
    {
      type: 'Input.Toggle',
      id: input.name,
      label: input.label,
      title: input.placeholder ?? 'Yes',
      valueOn: 'true',
      valueOff: 'false',
      value: value === true || value === 'true' ? 'true' : 'false',
    },
  ],
};

/** The card elements of one input, showing `values[name]` when given, else the input's initial value. */
export function renderInput(input: Input, values: FormValues | undefined, choiceLimit?: number): CardElement[] {
  const submitted = values?.[input.name];
  const value = submitted !== undefined ? submitted : input.initial;
  return (converters[input.kind] as Converter<Input['kind']>)({ input: input as never, value, choiceLimit });
}
