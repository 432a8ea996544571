import type { CommandSpec } from '../../src/engine/flow';
import type { Block, Message, Span } from '../../src/engine/message';

/** How a person types a command where they are: `/itsm incident` on Slack, `incident` elsewhere. */
export type CommandPrefix = '/itsm ' | '';

function commandList(commands: readonly CommandSpec[], prefix: CommandPrefix): Block {
  const lines: Span[] = [];
  commands.forEach((spec, index) => {
    if (index > 0) lines.push('\n');
    lines.push('- ', { code: `${prefix}${spec.usage}` }, ` — ${spec.description}`);
  });
  return { kind: 'text', text: lines };
}

/** The list of everything the bot can do, as the answer to `help`. */
export function helpMessage(commands: readonly CommandSpec[], prefix: CommandPrefix): Message {
  return {
    summary: 'What I can do: ' + commands.map((spec) => spec.name).join(', '),
    blocks: [
      { kind: 'heading', text: 'What I can do' },
      commandList(commands, prefix),
      {
        kind: 'context',
        text: prefix ? 'Type /itsm followed by one of these.' : 'Type one of these as a message.',
      },
    ],
  };
}

/** The answer to a command nobody registered. */
export function unknownCommandMessage(command: string, commands: readonly CommandSpec[], prefix: CommandPrefix): Message {
  const help = helpMessage(commands, prefix);
  return {
    summary: `There is no command "${command}". ${help.summary}`,
    blocks: [{ kind: 'text', text: ['There is no command ', { code: command }, '. Here is what I can do:'] }, ...help.blocks.slice(1)],
  };
}

/** The answer to plain words that no flow claimed. */
export function notUnderstoodMessage(text: string, commands: readonly CommandSpec[], prefix: CommandPrefix): Message {
  const help = helpMessage(commands, prefix);
  const quoted = text.length > 200 ? `${text.slice(0, 199)}…` : text;
  return {
    summary: `I did not understand "${quoted}". ${help.summary}`,
    blocks: [{ kind: 'text', text: ['I did not understand ', { italic: quoted }, '. Here is what I can do:'] }, ...help.blocks.slice(1)],
  };
}
