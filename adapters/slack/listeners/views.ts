import { createHash } from 'node:crypto';
import type { types } from '@slack/bolt';
import type { Outcome } from '../../../src/engine/dispatcher';
import type { Actor } from '../../../src/engine/events';
import type { Form, Message } from '../../../src/engine/message';
import { sorryText } from '../error-sink';
import type { ReplyTarget, SlackKit } from '../interaction-kit';
import { LIMITS, truncate } from '../limits';
import type { ModalContext } from '../modal-context';
import { fromMessageRef, isDirectChannel } from '../parse-inbound';
import { parseViewValues, type ViewState } from '../parse-view-values';
import { renderMessage } from '../render-block-kit';
import { noticeModal, renderModal } from '../render-modal';
import type { Registrar } from '../surface';

type ViewAck = (response?: { response_action: 'errors'; errors: Record<string, string> } | { response_action: 'update'; view: types.ModalView }) => Promise<void>;

interface ViewArgs {
  ack: ViewAck;
  body: { user: { id: string; team_id?: string }; team?: { id: string } | null };
  view: { id: string; callback_id: string; hash?: string; private_metadata?: string; state?: { values?: ViewState }; blocks?: Array<{ type: string; block_id?: string }> };
}

const LATE = Symbol('late');

/** Where the answers to a submission go: the channel the form came from, else the person's DM. */
function targetOf(context: ModalContext, userId: string, dmChannel: string | undefined): ReplyTarget {
  const base = { userId, receivedAt: Date.now(), ...(dmChannel ? { dmChannel } : {}), ...(context.src ? { source: context.src } : {}) };
  if (!context.ch) return { ...base, visibility: 'dm' };
  if (isDirectChannel(context.ch)) return { ...base, visibility: 'post', channelId: context.ch, ...(context.th ? { threadTs: context.th } : {}) };
  return { ...base, visibility: 'ephemeral', channelId: context.ch, ...(context.th ? { threadTs: context.th } : {}), ...(context.ru ? { responseUrl: context.ru } : {}) };
}

/**
 * Field errors by input name → by block id (the input's name). An error for a name the modal has no block for is
 * shown on the first input, so it is never lost.
 */
export function errorsForBlocks(errors: Record<string, string>, blockIds: readonly string[]): Record<string, string> | null {
  if (blockIds.length === 0) return null;
  const out: Record<string, string> = {};
  for (const [name, message] of Object.entries(errors)) {
    const blockId = blockIds.includes(name) ? name : blockIds[0]!;
    out[blockId] = truncate(out[blockId] ? `${out[blockId]} ${message}` : message, LIMITS.inputHint);
  }
  return out;
}

/** The next form in an outcome (a multi-step form), if there is one. */
function nextForm(outcome: Outcome): Form | undefined {
  return outcome.messages?.find((message) => message.form)?.form;
}

/** The outcome without its next form, which the modal itself shows. */
function withoutForm(outcome: Outcome): Outcome {
  const messages: Message[] = (outcome.messages ?? []).flatMap((message) => (message.form ? (message.blocks.length ? [{ summary: message.summary, blocks: message.blocks }] : []) : [message]));
  return { ...outcome, messages };
}

/**
 * `view_submission` → a neutral submit event. The answer must travel in the ack: field errors
 * (`response_action: errors`, on the input's block), the next step of a multi-step form (`response_action: update`),
 * or a plain ack that closes the modal, after which replies are posted. A flow slower than the budget is acked
 * first and answered by message. A tampered `private_metadata` is refused, and nothing reaches the flow.
 */
export function registerViews(register: Registrar, kit: SlackKit): void {
  register.view(async (args: ViewArgs) => {
    // Slack waits for this ack to know what the modal shows: a failure before it must still answer, with the reference.
    let acked = false;
    const ack: ViewAck = async (response) => {
      acked = true;
      await args.ack(response);
    };
    try {
      await submit({ ...args, ack }, kit);
    } catch (error) {
      if (acked) throw error;
      const reference = kit.errors.report(error, { slackType: 'view_submission', form: args.view.callback_id });
      await ack({ response_action: 'update', view: noticeModal('Not saved', sorryText(reference)) });
    }
  });
}

/** Refuses a submission whose context is missing, tampered with, moved to another form or sent by someone else. */
async function refuse(ack: ViewAck, kit: SlackKit, view: ViewArgs['view'], userId: string, problem: string): Promise<void> {
  kit.logger.warn({ userId, form: view.callback_id, problem }, 'refused a modal submission');
  const text =
    problem === 'expired'
      ? 'This form was open too long and has expired. Nothing was saved; please start again.'
      : 'This form was changed on its way back, so nothing was saved. Please open it again.';
  await ack({ response_action: 'update', view: noticeModal('Form not saved', text) });
}

/** The flow's outcome, or LATE when it is not ready within the budget (counted from `receivedAt`). */
async function within<T>(work: Promise<T>, budgetMs: number, receivedAt: number): Promise<T | typeof LATE> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), Math.max(0, budgetMs - (Date.now() - receivedAt)));
  });
  try {
    return await Promise.race([work, budget]);
  } finally {
    clearTimeout(timer);
  }
}

async function submit({ ack, body, view }: ViewArgs, kit: SlackKit): Promise<void> {
  const receivedAt = Date.now();
  const userId = body.user.id;
  const context = await kit.contexts.open(view.private_metadata);
  if ('problem' in context) return refuse(ack, kit, view, userId, context.problem);
  if (context.f !== view.callback_id || context.u !== userId) return refuse(ack, kit, view, userId, 'mismatch');

  const teamId = body.team?.id ?? body.user.team_id;
  const person = await kit.personFor(userId, teamId ? { teamId } : {});
  const values = parseViewValues(view.state?.values, context.d?.values ?? {}, context.tz);
  // The same view submitted twice with the same values is one submission; corrected values are a new one.
  const fingerprint = createHash('sha256').update(`${view.hash ?? ''}\n${JSON.stringify(values)}`).digest('base64url').slice(0, 22);
  const pending = kit.dispatcher.dispatch({
    type: 'submit',
    form: view.callback_id as `${string}:${string}`,
    values,
    ...(context.s !== undefined ? { state: context.s } : {}),
    ...(context.src ? { source: { channel: 'slack' as const, ref: context.src } } : {}),
    deliveryId: `view:${view.id}:${fingerprint}`,
    actor: person.actor,
    conversation: kit.conversationFor(context.ch, person, context.th),
  });
  const outcome = await within(pending, kit.timings.submitBudgetMs, receivedAt);
  const target = targetOf(context, userId, person.dmChannel);
  if (outcome === LATE) {
    // Slack closes the modal if nothing answers within 3 seconds: ack now, answer by message when the flow is done.
    await ack();
    return kit.afterAck(body, async () => answerLate(kit, await pending, target, person.actor));
  }

  if (outcome.errors && Object.keys(outcome.errors).length > 0) {
    const blockIds = (view.blocks ?? []).filter((block) => block.type === 'input' && block.block_id).map((block) => block.block_id!);
    const errors = errorsForBlocks(outcome.errors, blockIds);
    if (errors) return ack({ response_action: 'errors', errors });
  }
  const next = nextForm(outcome);
  if (next) {
    const { view: nextView, data } = renderModal(next, { ...kit.render, timeZone: person.actor.timeZone });
    const { s: _previousState, d: _previousData, ...where } = context;
    nextView.private_metadata = await kit.contexts.seal({ ...where, f: next.id, ...(next.state !== undefined ? { s: next.state } : {}), d: data });
    await ack({ response_action: 'update', view: nextView });
  } else {
    await ack();
  }
  kit.afterAck(body, () => finish(kit, next ? withoutForm(outcome) : outcome, target, person.actor));
}

/** Posts the replies and updates the source message, once the modal has its answer. */
async function finish(kit: SlackKit, outcome: Outcome, target: ReplyTarget, actor: Actor): Promise<void> {
  await kit.deliver(outcome, target, actor);
  const source = fromMessageRef(target.source ? { channel: 'slack', ref: target.source } : undefined);
  if (!outcome.duplicate && outcome.update && source) await kit.outbound.update(source, renderMessage(outcome.update, kit.render));
}

/** A late outcome, after the modal closed: field errors become a message, a next form a button. */
async function answerLate(kit: SlackKit, outcome: Outcome, target: ReplyTarget, actor: Actor): Promise<void> {
  if (outcome.errors && Object.keys(outcome.errors).length > 0 && !outcome.duplicate) {
    const lines = Object.values(outcome.errors).map((message) => `- ${message}`).join('\n');
    await kit.deliver({ messages: [{ summary: 'Your form was not saved.', blocks: [{ kind: 'text', text: `Your form was not saved:\n${lines}\nPlease start it again.` }] }] }, target, actor);
    return;
  }
  await finish(kit, outcome, target, actor);
}
