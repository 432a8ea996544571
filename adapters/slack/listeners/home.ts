import type { SlackKit } from '../interaction-kit';
import type { Registrar } from '../surface';

interface HomeArgs {
  event: { user: string; channel?: string; tab?: string };
  body: { team_id?: string };
  context: Record<string, unknown>;
}

/** `app_home_opened` on the Home tab → `views.publish` of the person's overview (their open records and actions). */
export function registerHome(register: Registrar, kit: SlackKit): void {
  register.event('app_home_opened', async ({ event, body, context }: HomeArgs) => {
    // Bolt acked the event before this runs; the Home is published once Slack's requests let up (ack-first.ts).
    kit.afterAck(body, async () => {
      // The event's channel is the person's DM with the bot (for either tab): worth keeping for notifications.
      const person = await kit.personFor(event.user, { ...(body.team_id ? { teamId: body.team_id } : {}), ...(event.channel ? { dmChannel: event.channel } : {}) });
      if (event.tab !== 'home') return;
      await kit.publishHome(event.user, person.actor);
    }, context);
  });
}
