/**
 * Checks Block Kit payloads against Slack's documented limits, independently of the renderer's own constants
 * (the numbers are written out again here on purpose). Returns the problems found; an empty list means valid.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const len = (text: unknown) => (typeof text === 'string' ? Array.from(text).length : 0);

function checkText(problems: string[], where: string, object: Json, max: number, kind?: 'plain_text' | 'mrkdwn') {
  if (!object || typeof object !== 'object') return void problems.push(`${where}: missing text object`);
  if (kind && object.type !== kind) problems.push(`${where}: expected ${kind}, got ${object.type}`);
  if (object.type !== 'plain_text' && object.type !== 'mrkdwn') problems.push(`${where}: bad text type ${object.type}`);
  if (len(object.text) < 1) problems.push(`${where}: empty text`);
  if (len(object.text) > max) problems.push(`${where}: text ${len(object.text)} > ${max}`);
}

function checkOption(problems: string[], where: string, option: Json) {
  checkText(problems, `${where}.text`, option.text, 75, 'plain_text');
  if (len(option.value) < 1 || len(option.value) > 75) problems.push(`${where}: value length ${len(option.value)}`);
  if (option.description) checkText(problems, `${where}.description`, option.description, 75, 'plain_text');
}

function checkOptions(problems: string[], where: string, options: Json[] | undefined, max: number) {
  if (!Array.isArray(options) || options.length < 1) return void problems.push(`${where}: no options`);
  if (options.length > max) problems.push(`${where}: ${options.length} options > ${max}`);
  const values = options.map((option) => option.value);
  if (new Set(values).size !== values.length) problems.push(`${where}: duplicate option values`);
  options.forEach((option, i) => checkOption(problems, `${where}[${i}]`, option));
}

function checkConfirm(problems: string[], where: string, confirm: Json) {
  checkText(problems, `${where}.title`, confirm.title, 100, 'plain_text');
  checkText(problems, `${where}.text`, confirm.text, 300);
  checkText(problems, `${where}.confirm`, confirm.confirm, 30, 'plain_text');
  checkText(problems, `${where}.deny`, confirm.deny, 30, 'plain_text');
}

function checkElement(problems: string[], where: string, element: Json) {
  if (len(element.action_id) > 255) problems.push(`${where}: action_id too long`);
  if (element.placeholder) checkText(problems, `${where}.placeholder`, element.placeholder, 150, 'plain_text');
  if (element.confirm) checkConfirm(problems, `${where}.confirm`, element.confirm);
  switch (element.type) {
    case 'button':
      checkText(problems, `${where}.text`, element.text, 75, 'plain_text');
      if (len(element.value) > 2000) problems.push(`${where}: value too long`);
      break;
    case 'plain_text_input':
      if (element.max_length !== undefined && (element.max_length < 1 || element.max_length > 3000)) problems.push(`${where}: max_length ${element.max_length}`);
      if (element.min_length !== undefined && (element.min_length < 0 || element.min_length > 3000 || element.min_length > (element.max_length ?? 3000))) problems.push(`${where}: min_length ${element.min_length}`);
      if (len(element.initial_value) > (element.max_length ?? 3000)) problems.push(`${where}: initial value too long`);
      break;
    case 'static_select':
    case 'multi_static_select':
      checkOptions(problems, where, element.options, 100);
      break;
    case 'checkboxes':
      checkOptions(problems, where, element.options, 10);
      break;
    case 'external_select':
    case 'multi_external_select':
    case 'datepicker':
    case 'datetimepicker':
    case 'number_input':
      break;
    default:
      problems.push(`${where}: unexpected element ${element.type}`);
  }
}

function checkBlock(problems: string[], where: string, block: Json) {
  if (block.block_id !== undefined && (len(block.block_id) < 1 || len(block.block_id) > 255)) problems.push(`${where}: block_id length`);
  switch (block.type) {
    case 'header':
      checkText(problems, `${where}.text`, block.text, 150, 'plain_text');
      break;
    case 'section':
      if (!block.text && !block.fields) problems.push(`${where}: section without text or fields`);
      if (block.text) checkText(problems, `${where}.text`, block.text, 3000);
      if (block.fields) {
        if (block.fields.length > 10) problems.push(`${where}: ${block.fields.length} fields > 10`);
        block.fields.forEach((field: Json, i: number) => checkText(problems, `${where}.fields[${i}]`, field, 2000));
      }
      break;
    case 'context':
      if (!Array.isArray(block.elements) || block.elements.length < 1 || block.elements.length > 10) problems.push(`${where}: context elements`);
      (block.elements ?? []).forEach((element: Json, i: number) => checkText(problems, `${where}.elements[${i}]`, element, 3000));
      break;
    case 'divider':
      break;
    case 'actions': {
      if (!Array.isArray(block.elements) || block.elements.length < 1 || block.elements.length > 25) problems.push(`${where}: ${block.elements?.length} action elements`);
      const ids = (block.elements ?? []).map((element: Json) => element.action_id);
      if (new Set(ids).size !== ids.length) problems.push(`${where}: duplicate action_id in one block`);
      (block.elements ?? []).forEach((element: Json, i: number) => checkElement(problems, `${where}.elements[${i}]`, element));
      break;
    }
    case 'input':
      checkText(problems, `${where}.label`, block.label, 2000, 'plain_text');
      if (block.hint) checkText(problems, `${where}.hint`, block.hint, 2000, 'plain_text');
      checkElement(problems, `${where}.element`, block.element);
      break;
    default:
      problems.push(`${where}: unexpected block ${block.type}`);
  }
}

/** Problems with a message's blocks (at most 50) and fallback text (at most 40,000 characters). */
export function messageProblems(message: { text?: string; blocks?: Json[] }): string[] {
  const problems: string[] = [];
  const blocks = message.blocks ?? [];
  if (blocks.length > 50) problems.push(`message: ${blocks.length} blocks > 50`);
  if (len(message.text) > 40_000) problems.push('message: text too long');
  blocks.forEach((block, i) => checkBlock(problems, `blocks[${i}]`, block));
  return problems;
}

/** Problems with a modal or Home view (at most 100 blocks, titles and buttons 24 characters, metadata 3,000). */
export function viewProblems(view: Json): string[] {
  const problems: string[] = [];
  const blocks: Json[] = view.blocks ?? [];
  if (blocks.length > 100) problems.push(`view: ${blocks.length} blocks > 100`);
  if (view.type === 'modal') {
    checkText(problems, 'title', view.title, 24, 'plain_text');
    if (view.submit) checkText(problems, 'submit', view.submit, 24, 'plain_text');
    if (view.close) checkText(problems, 'close', view.close, 24, 'plain_text');
    if (blocks.some((block) => block.type === 'input') && !view.submit) problems.push('view: inputs without a submit button');
  }
  if (len(view.private_metadata) > 3000) problems.push('view: private_metadata too long');
  if (len(view.callback_id) > 255) problems.push('view: callback_id too long');
  const ids = blocks.filter((block) => block.block_id).map((block) => block.block_id);
  if (new Set(ids).size !== ids.length) problems.push('view: duplicate block_id');
  blocks.forEach((block, i) => checkBlock(problems, `blocks[${i}]`, block));
  return problems;
}

/** Every message and view among recorded Web API calls, checked against Slack's limits (`method: problem`). */
export function problemsInCalls(calls: ReadonlyArray<{ method: string; params: unknown }>): string[] {
  return calls.flatMap((call) => {
    const params = call.params as Json;
    if (call.method.startsWith('views.')) return viewProblems(params?.view).map((problem) => `${call.method}: ${problem}`);
    if (params?.blocks) return messageProblems(params).map((problem) => `${call.method}: ${problem}`);
    return [];
  });
}
