import { plainText, type Block, type Message } from '../../src/engine/message';

/** All text of a neutral message — headings, text, context, fields and button labels — for loose assertions. */
export function textOf(message: Message | undefined): string {
  const block = (b: Block): string => {
    if (b.kind === 'heading') return b.text;
    if (b.kind === 'text' || b.kind === 'context') return plainText(b.text);
    if (b.kind === 'fields') return b.fields.map((f) => `${f.label}: ${plainText(f.value)}`).join('\n');
    if (b.kind === 'actions') return b.buttons.map((x) => `[${x.label}]`).join(' ');
    return '';
  };
  return (message?.blocks ?? []).map(block).join('\n');
}
