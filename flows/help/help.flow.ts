import type { ChannelKind } from '../../src/engine/events';
import { defineFlow } from '../../src/engine/flow';
import { helpMessage, notUnderstoodMessage, unknownCommandMessage, type CommandPrefix } from './help.messages';

/** Slack takes sub-commands after its slash command; Teams and the web chat take them as the first word. */
function prefixFor(channel: ChannelKind): CommandPrefix {
  return channel === 'slack' ? '/itsm ' : '';
}

/**
 * `help`: lists what the bot can do. It is also the dispatcher's fallback for unknown commands and for plain
 * words no other flow claims, so nobody is ever left without an answer.
 */
export const helpFlow = defineFlow({
  id: 'help',
  title: 'Help',
  commands: [{ name: 'help', aliases: ['?', 'commands', 'start'], usage: 'help', description: 'what I can do and how to ask' }],

  async onCommand({ event, commands }) {
    const prefix = prefixFor(event.conversation.channel);
    const spec = commands.find((candidate) => candidate.name === 'help');
    const isHelp = event.command === '' || event.command.toLowerCase() === 'help' || spec?.aliases?.includes(event.command.toLowerCase());
    return { messages: [isHelp ? helpMessage(commands, prefix) : unknownCommandMessage(event.command, commands, prefix)] };
  },

  async home({ channel, commands }) {
    return helpMessage(commands, prefixFor(channel)).blocks;
  },

  async onText({ event, commands }) {
    return { messages: [notUnderstoodMessage(event.text, commands, prefixFor(event.conversation.channel))] };
  },
});
