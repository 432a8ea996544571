import { httpUrl } from '../shared/safe-url';
import type { Block, Button, Form, FormValues, Input, Message, RichText, Span } from '../../src/engine/message';

/**
 * Renders the neutral message model to HTML for the web chat: one converter per block kind, every string
 * escaped, links only when they are http(s). Forms become real, labelled HTML forms; buttons become buttons.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}


function renderSpan(span: Span): string {
  if (typeof span === 'string') return escapeHtml(span);
  if ('bold' in span) return `<strong>${escapeHtml(span.bold)}</strong>`;
  if ('italic' in span) return `<em>${escapeHtml(span.italic)}</em>`;
  if ('code' in span) return `<code>${escapeHtml(span.code)}</code>`;
  if ('link' in span) {
    const href = httpUrl(span.link)?.href;
    return href
      ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${escapeHtml(span.text)}</a>`
      : escapeHtml(span.text);
  }
  return `<span class="mention">@${escapeHtml(span.name)}</span>`;
}

/** Rich text to HTML: spans inline; newlines become line breaks; lines starting with `- ` become a list. */
export function renderRichText(text: RichText): string {
  const spans = typeof text === 'string' ? [text] : text;
  const html = spans.map(renderSpan).join('');
  const lines = html.split('\n');
  const out: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (list.length) out.push(`<ul>${list.map((item) => `<li>${item}</li>`).join('')}</ul>`);
    list = [];
  };
  for (const line of lines) {
    if (line.startsWith('- ')) list.push(line.slice(2));
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join('<br>').replace(/<br><ul>/g, '<ul>').replace(/<\/ul><br>/g, '</ul>');
}

function renderButton(button: Button): string {
  const attributes = [
    'type="button"',
    `class="btn${button.style ? ` btn-${button.style}` : ''}"`,
    `data-action="${escapeHtml(button.action)}"`,
    button.value !== undefined ? `data-value="${escapeHtml(button.value)}"` : '',
    button.confirm ? `data-confirm="${escapeHtml(`${button.confirm.title}\n\n${button.confirm.text}`)}"` : '',
  ].filter(Boolean);
  return `<button ${attributes.join(' ')}>${escapeHtml(button.label)}</button>`;
}

const renderBlock: { [K in Block['kind']]: (block: Extract<Block, { kind: K }>) => string } = {
  heading: (block) => `<h3>${escapeHtml(block.text)}</h3>`,
  text: (block) => `<div class="text">${renderRichText(block.text)}</div>`,
  fields: (block) =>
    `<dl class="fields">${block.fields
      .map((field) => `<div><dt>${escapeHtml(field.label)}</dt><dd>${renderRichText(field.value)}</dd></div>`)
      .join('')}</dl>`,
  context: (block) => `<div class="context">${renderRichText(block.text)}</div>`,
  divider: () => '<hr>',
  actions: (block) => `<div class="actions">${block.buttons.map(renderButton).join('')}</div>`,
};

function valueOf(input: Input, values: FormValues | undefined): string | number | string[] | boolean | undefined {
  const submitted = values?.[input.name];
  return submitted !== undefined ? submitted : input.initial;
}

function renderControl(input: Input, formKey: string, values: FormValues | undefined, describedBy: string): string {
  const id = `${formKey}-${input.name}`;
  const common = `id="${escapeHtml(id)}" name="${escapeHtml(input.name)}"${input.required ? ' required aria-required="true"' : ''} aria-describedby="${describedBy}"`;
  const placeholder = input.placeholder ? ` placeholder="${escapeHtml(input.placeholder)}"` : '';
  const value = valueOf(input, values);
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  switch (input.kind) {
    case 'text': {
      const limits = `${input.maxLength ? ` maxlength="${input.maxLength}"` : ''}${input.minLength ? ` minlength="${input.minLength}"` : ''}`;
      return input.multiline
        ? `<textarea ${common}${limits}${placeholder} rows="4">${escapeHtml(text)}</textarea>`
        : `<input type="text" ${common}${limits}${placeholder} value="${escapeHtml(text)}">`;
    }
    case 'select': {
      const options = input.options
        .map((option) => `<option value="${escapeHtml(option.value)}"${option.value === text ? ' selected' : ''}>${escapeHtml(option.label)}</option>`)
        .join('');
      return `<select ${common}><option value="">${escapeHtml(input.placeholder ?? 'Choose…')}</option>${options}</select>`;
    }
    case 'multiselect': {
      const chosen = new Set(Array.isArray(value) ? value : []);
      return `<div class="choices" role="group" ${common.replace(/ name="[^"]*"/, '')}>${input.options
        .map(
          (option, index) =>
            `<label><input type="checkbox" name="${escapeHtml(input.name)}" value="${escapeHtml(option.value)}" id="${escapeHtml(`${id}-${index}`)}"${chosen.has(option.value) ? ' checked' : ''}> ${escapeHtml(option.label)}</label>`,
        )
        .join('')}</div>`;
    }
    case 'date':
      return `<input type="date" ${common} value="${escapeHtml(text)}"${input.min ? ` min="${escapeHtml(input.min)}"` : ''}${input.max ? ` max="${escapeHtml(input.max)}"` : ''}>`;
    case 'datetime':
      return `<input type="datetime-local" ${common} value="${escapeHtml(text)}">`;
    case 'number':
      return `<input type="number" ${common} value="${escapeHtml(text)}"${input.min !== undefined ? ` min="${input.min}"` : ''}${input.max !== undefined ? ` max="${input.max}"` : ''}>`;
    case 'checkbox':
      return `<input type="checkbox" ${common} value="true"${value === true || value === 'true' ? ' checked' : ''}>`;
  }
}

function renderInput(input: Input, form: Form, formKey: string): string {
  const id = `${formKey}-${input.name}`;
  const error = form.errors?.[input.name];
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const control = renderControl(input, formKey, form.values, `${input.hint ? `${hintId} ` : ''}${errorId}`);
  const label = `<label for="${escapeHtml(id)}">${escapeHtml(input.label)}${input.required ? ' <span class="required" aria-hidden="true">*</span>' : ''}</label>`;
  return `<div class="field${error ? ' has-error' : ''}">${label}${control}${
    input.hint ? `<small id="${escapeHtml(hintId)}" class="hint">${escapeHtml(input.hint)}</small>` : ''
  }<small id="${escapeHtml(errorId)}" class="error" data-error-for="${escapeHtml(input.name)}" role="alert">${escapeHtml(error ?? '')}</small></div>`;
}

/** A form as an HTML form; `formKey` keeps element ids unique when the transcript shows several forms. */
export function renderForm(form: Form, formKey: string, signedState?: string): string {
  return `<form class="bot-form" data-form="${escapeHtml(form.id)}"${signedState ? ` data-state="${escapeHtml(signedState)}"` : ''} novalidate>
<h3>${escapeHtml(form.title)}</h3>${form.intro ? `<div class="text">${renderRichText(form.intro)}</div>` : ''}
${form.inputs.map((input) => renderInput(input, form, formKey)).join('\n')}
<div class="actions"><button type="submit" class="btn btn-primary">${escapeHtml(form.submitLabel)}</button>${
    form.cancelLabel ? `<button type="button" class="btn" data-cancel>${escapeHtml(form.cancelLabel)}</button>` : ''
  }</div></form>`;
}

/** A whole message as HTML. `signedState` is the form's state after the adapter signed it. */
export function renderMessage(message: Message, messageId: string, signedState?: string): string {
  const blocks = message.blocks.map((block) => (renderBlock[block.kind] as (b: Block) => string)(block)).join('\n');
  const form = message.form ? renderForm(message.form, messageId, signedState) : '';
  return `${blocks}${form}`;
}
