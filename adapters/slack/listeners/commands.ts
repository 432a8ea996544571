import type { SlackKit } from '../interaction-kit';
import { splitCommand } from '../parse-inbound';
import type { Registrar } from '../surface';

/** The one slash command; everything else is a sub-command of it (`/itsm incident …`). */
export const SLASH_COMMAND = '/itsm';

interface CommandArgs {
  ack: () => Promise<void>;
  context: Record<string, unknown>;
  command: { user_id: string; team_id?: string; channel_id: string; text?: string; trigger_id: string; response_url: string };
}

/**
 * `/itsm <sub-command> <args>` → a neutral command event (empty → help). Acked at once; the answer goes back
 * through the command's response URL, ephemeral, so it works in any channel, the bot a member or not.
 */
export function registerCommands(register: Registrar, kit: SlackKit): void {
  register.command(SLASH_COMMAND, async ({ ack, command, context }: CommandArgs) => {
    const receivedAt = Date.now();
    await ack();
    kit.afterAck(command, async () => {
      const person = await kit.personFor(command.user_id, command.team_id ? { teamId: command.team_id } : {});
      const { command: word, args } = splitCommand(command.text ?? '');
      const outcome = await kit.dispatcher.dispatch({
        type: 'command',
        command: word,
        args,
        // Slack never redelivers a slash command; its trigger id still makes a replayed request harmless.
        deliveryId: `command:${command.trigger_id}`,
        actor: person.actor,
        conversation: kit.conversationFor(command.channel_id, person),
      });
      await kit.deliver(
        outcome,
        {
          userId: command.user_id,
          visibility: 'ephemeral',
          channelId: command.channel_id,
          responseUrl: command.response_url,
          triggerId: command.trigger_id,
          receivedAt,
          ...(person.dmChannel ? { dmChannel: person.dmChannel } : {}),
        },
        person.actor,
      );
    }, context);
  });
}
