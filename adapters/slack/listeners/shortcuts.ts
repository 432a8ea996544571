import type { SlackKit } from '../interaction-kit';
import type { Registrar } from '../surface';

/** The message shortcut's callback id (declared in manifest.json under `shortcuts`). */
export const REPORT_INCIDENT_SHORTCUT = 'report_incident';

interface MessageShortcutArgs {
  ack: () => Promise<void>;
  shortcut: {
    type: string;
    trigger_id: string;
    response_url?: string;
    user: { id: string };
    team?: { id?: string; domain?: string };
    channel?: { id?: string };
    message?: { text?: string; ts?: string; user?: string };
  };
}

/** Slack's permalink for a message, built from the workspace domain, channel and ts the payload carries. */
export function permalinkOf(domain: string | undefined, channelId: string | undefined, ts: string | undefined): string | undefined {
  if (!domain || !channelId || !ts || !/^\d+\.\d+$/.test(ts)) return undefined;
  return `https://${domain}.slack.com/archives/${channelId}/p${ts.replace('.', '')}`;
}

/**
 * "Report as incident" on any message: the incident form opens as a modal, prefilled with the message's words and a
 * link back to it. The shortcut is a neutral `incident` command that quotes the message.
 */
export function registerShortcuts(register: Registrar, kit: SlackKit): void {
  register.shortcut(REPORT_INCIDENT_SHORTCUT, async ({ ack, shortcut }: MessageShortcutArgs) => {
    const receivedAt = Date.now();
    await ack();
    kit.afterAck(shortcut, async () => {
      if (shortcut.type !== 'message_action') return;
      const teamId = shortcut.team?.id;
      const person = await kit.personFor(shortcut.user.id, teamId ? { teamId } : {});
      const channelId = shortcut.channel?.id;
      const link = permalinkOf(shortcut.team?.domain, channelId, shortcut.message?.ts);
      const outcome = await kit.dispatcher.dispatch({
        type: 'command',
        command: 'incident',
        args: '',
        quote: { text: shortcut.message?.text ?? '', ...(link ? { link } : {}), ...(shortcut.message?.user ? { author: shortcut.message.user } : {}) },
        deliveryId: `shortcut:${shortcut.trigger_id}`,
        actor: person.actor,
        conversation: kit.conversationFor(channelId, person),
      });
      await kit.deliver(
        outcome,
        {
          userId: shortcut.user.id,
          visibility: 'ephemeral',
          ...(channelId ? { channelId } : {}),
          ...(shortcut.response_url ? { responseUrl: shortcut.response_url } : {}),
          triggerId: shortcut.trigger_id,
          receivedAt,
          ...(person.dmChannel ? { dmChannel: person.dmChannel } : {}),
        },
        person.actor,
      );
    });
  });
}
