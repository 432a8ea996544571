import type { Block, Message } from '../../src/engine/message';

/**
 * The greeting sent once when the bot is installed in a personal chat, a group chat or a team: what it is for,
 * how to talk to it there, and the help list (the help flow's own answer, so commands are never listed twice).
 */
export function welcomeMessage(help: Message | undefined, where: { direct: boolean; botName?: string }): Message {
  const name = where.botName?.trim() || 'the bot';
  const blocks: Block[] = [
    { kind: 'heading', text: `Hello, I am ${name}` },
    {
      kind: 'text',
      text: 'I help you report incidents, request changes, ask how our processes work and keep improvement actions on track.',
    },
  ];
  if (!where.direct) blocks.push({ kind: 'context', text: ['Here, @mention me first: ', { code: `@${name} help` }, '.'] });
  if (help) blocks.push({ kind: 'divider' }, ...help.blocks);
  return { summary: `Hello, I am ${name}. ${help?.summary ?? ''}`.trim(), blocks };
}
