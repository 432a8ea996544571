/**
 * The neutral message model. Flows say everything through it; each adapter renders it natively (Block Kit and
 * modals on Slack, Adaptive Cards on Teams, HTML on the web chat) with one converter per block kind.
 *
 * Text is never markup: a {@link RichText} is plain strings plus explicit spans (bold, link, code, mention).
 * Renderers escape every string for their platform, so text a user typed (`<!channel>`, `<https://evil|x>`,
 * `<script>`) is always shown, never interpreted.
 */

/** One span of rich text. A plain string is shown exactly as written. */
export type Span =
  | string
  | { bold: string }
  | { italic: string }
  | { code: string }
  | { link: string; text: string }
  /** A person the renderer may turn into a native mention where it can reach them; else their name. */
  | { person: string; name: string };

/** Text a flow shows: a plain string or a list of spans. Newlines separate lines; `- ` starts a list item. */
export type RichText = string | Span[];

export interface HeadingBlock { kind: 'heading'; text: string }
export interface TextBlock { kind: 'text'; text: RichText }
export interface Field { label: string; value: RichText }
export interface FieldsBlock { kind: 'fields'; fields: Field[] }
/** Small print: record numbers, times, sources. */
export interface ContextBlock { kind: 'context'; text: RichText }
export interface DividerBlock { kind: 'divider' }
export interface ActionsBlock { kind: 'actions'; buttons: Button[] }
export type Block = HeadingBlock | TextBlock | FieldsBlock | ContextBlock | DividerBlock | ActionsBlock;

/** Action ids are derived, never hand-typed twice: `${flowId}:${action}` (see {@link actionId}). */
export type ActionId = `${string}:${string}`;

export interface Button {
  action: ActionId;
  label: string;
  /** Opaque value handed back with the click (a record id, a choice). */
  value?: string;
  style?: 'primary' | 'danger';
  /** Asks before acting, for destructive or irreversible actions. */
  confirm?: { title: string; text: string; yes: string; no: string };
}

export interface InputBase {
  /** The key the submitted value comes back under. */
  name: string;
  label: string;
  required?: boolean;
  /** Shown under the input. */
  hint?: string;
  placeholder?: string;
}
export interface TextInput extends InputBase {
  kind: 'text';
  multiline?: boolean;
  minLength?: number;
  maxLength?: number;
  initial?: string;
}
export interface Choice { value: string; label: string; description?: string }
export interface SelectInput extends InputBase {
  kind: 'select';
  options: Choice[];
  initial?: string;
  /** Many options: render as a searchable picker where the platform has one. */
  searchable?: boolean;
}
export interface MultiSelectInput extends InputBase {
  kind: 'multiselect';
  options: Choice[];
  initial?: string[];
}
/** A calendar date, submitted as `YYYY-MM-DD`. */
export interface DateInput extends InputBase { kind: 'date'; initial?: string; min?: string; max?: string }
/** A local date and time, submitted as `YYYY-MM-DDTHH:mm` in the person's own time zone. */
export interface DateTimeInput extends InputBase { kind: 'datetime'; initial?: string }
export interface NumberInput extends InputBase { kind: 'number'; min?: number; max?: number; initial?: number }
export interface CheckboxInput extends InputBase { kind: 'checkbox'; initial?: boolean }
export type Input = TextInput | SelectInput | MultiSelectInput | DateInput | DateTimeInput | NumberInput | CheckboxInput;

/** A form: a Slack modal, Adaptive Card inputs, an HTML form. */
export interface Form {
  /** `${flowId}:${form}`: the submission comes back as a `submit` event with this id. */
  id: ActionId;
  title: string;
  /** Text above the inputs. */
  intro?: RichText;
  inputs: Input[];
  submitLabel: string;
  cancelLabel?: string;
  /** Values to show again (after a validation error): input name → value. */
  values?: FormValues;
  /** Field errors to show next to their inputs: input name → message. */
  errors?: Record<string, string>;
  /** Opaque state handed back with the submission (signed by adapters that carry it through the client). */
  state?: string;
}

/** Submitted values: strings, string lists (multiselect) and booleans (checkbox). */
export type FormValues = Record<string, string | string[] | boolean | undefined>;

/** A message a flow sends: blocks, or a form, plus the plain-text fallback used for notifications. */
export interface Message {
  /** Plain text for notifications, screen readers and clients that show no rich content. */
  summary: string;
  blocks: Block[];
  form?: Form;
}

/** Where an earlier message lives, so it can be updated in place (card refresh, Slack chat.update). */
export interface MessageRef {
  channel: 'slack' | 'teams' | 'webchat';
  /** The platform's own reference, opaque to the engine (Slack channel+ts, Teams activity id, web chat id). */
  ref: string;
}

/** Builds an action id from a flow id and an action name, so no id is typed twice. */
export function actionId(flowId: string, action: string): ActionId {
  return `${flowId}:${action}`;
}

/** Splits an action id into its flow and action parts; null when it is not of that shape. */
export function parseActionId(id: string): { flowId: string; action: string } | null {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) return null;
  return { flowId: id.slice(0, at), action: id.slice(at + 1) };
}

/** The plain text of rich text: what a notification or a screen reader gets. */
export function plainText(text: RichText): string {
  if (typeof text === 'string') return text;
  return text
    .map((span) => {
      if (typeof span === 'string') return span;
      if ('bold' in span) return span.bold;
      if ('italic' in span) return span.italic;
      if ('code' in span) return span.code;
      if ('link' in span) return span.text;
      return span.name;
    })
    .join('');
}

/** A message of a single text block: the common short reply. */
export function textMessage(text: RichText): Message {
  return { summary: plainText(text), blocks: [{ kind: 'text', text }] };
}
