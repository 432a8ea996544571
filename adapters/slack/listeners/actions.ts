import type { Actor } from '../../../src/engine/events';
import type { ReplyTarget, SlackKit } from '../interaction-kit';
import { isDirectChannel, toMessageRef, type SlackRef } from '../parse-inbound';
import { OPEN_FORM_ACTION } from '../pending-forms';
import { neutralActionId, renderMessage } from '../render-block-kit';
import type { Registrar } from '../surface';

/** The part of a `block_actions` payload the adapter reads. */
interface BlockActionsBody {
  type: string;
  user: { id: string; team_id?: string };
  team?: { id: string } | null;
  trigger_id: string;
  response_url?: string;
  channel?: { id: string };
  container?: { type: 'message'; channel_id?: string; message_ts?: string; thread_ts?: string; is_ephemeral?: boolean } | { type: 'view'; view_id?: string };
  message?: { ts?: string; thread_ts?: string };
  view?: { id?: string; type?: string };
}

interface ActionArgs {
  ack: () => Promise<void>;
  context: Record<string, unknown>;
  body: BlockActionsBody;
  action: { action_id: string; value?: string; selected_option?: { value?: string } };
}

/** Where the clicked button was: a message (in a channel or DM, maybe ephemeral) or a view (App Home, a modal). */
function placeOf(body: BlockActionsBody) {
  const container = body.container;
  if (container?.type === 'view' || body.view) return { kind: 'view' as const, home: body.view?.type === 'home' };
  const channelId = container?.channel_id ?? body.channel?.id;
  const ts = container?.message_ts ?? body.message?.ts;
  const ephemeral = container?.is_ephemeral === true;
  const ref: SlackRef | null = ephemeral
    ? body.response_url ? { ...(channelId ? { c: channelId } : {}), u: body.response_url } : null
    : channelId && ts ? { c: channelId, ts } : null;
  return { kind: 'message' as const, channelId, threadTs: container?.thread_ts ?? body.message?.thread_ts, ephemeral, ref };
}

/**
 * Buttons: action_id is the neutral action id (`flow:action`), value the button's value. Acked at once; then
 * dispatched, new messages answered (a form opens as a modal with the click's trigger), and `Outcome.update`
 * replaces the message the button was on (`chat.update`, or the response URL for an ephemeral one). A button on
 * the App Home re-publishes it. The "Open the form" button opens a form kept in the store.
 */
export function registerActions(register: Registrar, kit: SlackKit): void {
  register.action(async ({ ack, body, action, context }: ActionArgs) => {
    const receivedAt = Date.now();
    await ack();
    if (body.type !== 'block_actions') return;
    // Only what the work needs waits with it: a payload carries the whole message the button was on.
    const userId = body.user.id;
    const teamId = body.team?.id ?? body.user.team_id;
    const place = placeOf(body);
    const { trigger_id: triggerId, response_url: responseUrl } = body;
    const { action_id: actionId } = action;
    const value = action.value ?? action.selected_option?.value;
    kit.afterAck({ type: body.type, user: { id: userId }, ...(responseUrl ? { response_url: responseUrl } : {}) }, async () => {
      const person = await kit.personFor(userId, teamId ? { teamId } : {});
      const dm = person.dmChannel ? { dmChannel: person.dmChannel } : {};
      const base = { userId, triggerId, receivedAt, ...dm };
      let target: ReplyTarget;
      if (place.kind === 'view') target = { ...base, visibility: 'dm' };
      // A DM message is answered in the DM; an ephemeral one (a command's answer) stays ephemeral wherever it was.
      else if (isDirectChannel(place.channelId) && !place.ephemeral) target = { ...base, visibility: 'post', channelId: place.channelId!, ...(place.threadTs ? { threadTs: place.threadTs } : {}) };
      else target = { ...base, visibility: 'ephemeral', ...(place.channelId ? { channelId: place.channelId } : {}), ...(responseUrl ? { responseUrl } : {}), ...(place.threadTs ? { threadTs: place.threadTs } : {}) };

      if (actionId === OPEN_FORM_ACTION) {
        await openPendingForm(kit, value ?? '', target, person.actor);
        return;
      }

      const source = place.kind === 'message' && place.ref ? toMessageRef(place.ref) : undefined;
      const outcome = await kit.dispatcher.dispatch({
        type: 'action',
        action: neutralActionId(actionId) as `${string}:${string}`,
        ...(value !== undefined ? { value } : {}),
        ...(source ? { source } : {}),
        deliveryId: `action:${triggerId}`,
        actor: person.actor,
        conversation: kit.conversationFor(place.kind === 'message' ? place.channelId : undefined, person, place.kind === 'message' ? place.threadTs : undefined),
      });
      await kit.deliver(outcome, source ? { ...target, source: source.ref } : target, person.actor);
      if (outcome.duplicate) return;
      if (outcome.update && place.kind === 'message' && place.ref) await kit.outbound.update(place.ref, renderMessage(outcome.update, kit.render));
      if (place.kind === 'view' && place.home) await kit.publishHome(userId, person.actor);
    }, context);
  });
}

async function openPendingForm(kit: SlackKit, pendingId: string, target: ReplyTarget, actor: Actor): Promise<void> {
  const pending = await kit.pendingForms.load(pendingId);
  const tell = (text: string) => kit.say(target.visibility === 'post' ? target : { ...target, visibility: 'ephemeral' }, { text, blocks: [] });
  if (!pending) return tell('That form has expired. Please start again.');
  if (pending.userId !== target.userId) return tell('That form belongs to someone else. Start your own with /itsm.');
  await kit.openForm(
    pending.form,
    {
      ...target,
      ...(pending.ch ? { channelId: pending.ch } : {}),
      ...(pending.th ? { threadTs: pending.th } : {}),
      ...(pending.ru ? { responseUrl: pending.ru } : {}),
      ...(pending.src ? { source: pending.src } : {}),
    },
    actor,
  );
}
