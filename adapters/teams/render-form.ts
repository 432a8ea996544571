import type { Form, Input } from '../../src/engine/message';
import type { StateSigner } from '../shared/signed-state';
import type { CardAction, CardElement } from './adaptive-card.types';
import { signCardData } from './card-data';
import { CARD_BUDGET_BYTES, jsonBytes, assembleCard, type CardGroup, type CardTail } from './card-limits';
import { escapeMarkdown } from './markdown-escape';
import { renderInput } from './render-inputs';
import { joinLines, renderRichText, type MentionLookup } from './render-rich-text';

/**
 * A neutral form as the last part of a card: its title and intro, its inputs (render-inputs.ts) with hints and
 * the flow's field errors in red under each, and a submit (Action.Execute, falling back to Action.Submit) that
 * carries the signed form id, card id and state.
 */

function subtle(text: string): CardElement {
  return { type: 'TextBlock', text: escapeMarkdown(text), isSubtle: true, size: 'Small', wrap: true, spacing: 'Small' };
}

/** A server-side error, in the colour Teams uses for problems, under the input it is about. */
export function errorText(text: string): CardElement {
  return { type: 'TextBlock', text: escapeMarkdown(text), color: 'Attention', wrap: true, spacing: 'Small' };
}

function inputGroup(input: Input, form: Form, choiceLimit: number | undefined): CardGroup {
  const elements = renderInput(input, form.values, choiceLimit);
  if (input.hint) elements.push(subtle(input.hint));
  const error = form.errors?.[input.name];
  if (error) elements.push(errorText(error));
  if (choiceLimit !== undefined && (input.kind === 'select' || input.kind === 'multiselect') && input.options.length > choiceLimit) {
    elements.push(subtle(`Only the first ${choiceLimit} of ${input.options.length} choices fit in Teams.`));
  }
  return { elements, entities: [] };
}

/** What a form needs from the adapter to render. */
export interface FormRenderOptions {
  signer: StateSigner;
  /** The stored card this form lives on (its submissions are matched to it). */
  cardId: string;
  mention?: MentionLookup;
  /** A problem with the whole submission (altered or expired), shown above the inputs. */
  formError?: string;
  budget?: number;
}

function formTail(form: Form, options: FormRenderOptions, choiceLimits: Map<string, number>): CardTail {
  const groups: CardGroup[] = [
    { elements: [{ type: 'TextBlock', text: escapeMarkdown(form.title), size: 'Medium', weight: 'Bolder', wrap: true }], entities: [] },
  ];
  if (options.formError) groups.push({ elements: [errorText(options.formError)], entities: [] });
  if (form.intro) {
    const intro = renderRichText(form.intro, options.mention);
    groups.push({ elements: [{ type: 'TextBlock', text: joinLines(intro.lines), wrap: true }], entities: intro.entities });
  }
  // Errors for names that are not inputs (a flow's form-level problem) go above the inputs.
  const names = new Set(form.inputs.map((input) => input.name));
  for (const [name, message] of Object.entries(form.errors ?? {})) {
    if (!names.has(name)) groups.push({ elements: [errorText(message)], entities: [] });
  }
  for (const input of form.inputs) groups.push(inputGroup(input, form, choiceLimits.get(input.name)));

  const submitData = signCardData(options.signer, {
    k: 's',
    verb: form.id,
    card: options.cardId,
    ...(form.state !== undefined ? { state: form.state } : {}),
  });
  const actions: CardAction[] = [
    {
      type: 'Action.Execute',
      title: form.submitLabel,
      verb: form.id,
      style: 'positive',
      associatedInputs: 'auto',
      data: submitData,
      fallback: { type: 'Action.Submit', title: form.submitLabel, style: 'positive', associatedInputs: 'auto', data: submitData },
    },
  ];
  if (form.cancelLabel) {
    const cancelData = signCardData(options.signer, { k: 'c', verb: form.id, card: options.cardId });
    actions.push({
      type: 'Action.Execute',
      title: form.cancelLabel,
      verb: form.id,
      associatedInputs: 'none',
      data: cancelData,
      fallback: { type: 'Action.Submit', title: form.cancelLabel, associatedInputs: 'none', data: cancelData },
    });
  }
  return { groups, actions };
}

/**
 * The form's part of a card. A form too large for one card (hundreds of choices) keeps its choice lists
 * shortened, largest first, until it fits; the chosen values always stay.
 */
export function renderFormTail(form: Form, options: FormRenderOptions): CardTail {
  const budget = options.budget ?? CARD_BUDGET_BYTES;
  const limits = new Map<string, number>();
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const tail = formTail(form, options, limits);
    if (jsonBytes(assembleCard(tail.groups, tail.actions)) <= budget) return tail;
    const largest = form.inputs
      .filter((input): input is Extract<Input, { options: unknown }> => input.kind === 'select' || input.kind === 'multiselect')
      .map((input) => ({ input, shown: limits.get(input.name) ?? input.options.length }))
      .filter((entry) => entry.shown > 1)
      .sort((a, b) => b.shown - a.shown)[0];
    if (!largest) return tail;
    limits.set(largest.input.name, Math.floor(largest.shown / 2));
  }
  return formTail(form, options, limits);
}
