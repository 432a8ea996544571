import { ACKED_AT_ROUTE, type AckFirst } from './ack-first';
import type { Dispatcher, Outcome } from '../../src/engine/dispatcher';
import type { Actor, Conversation } from '../../src/engine/events';
import type { Logger } from '../../src/engine/logger';
import type { Form } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import type { ErrorSink } from './error-sink';
import { LIMITS, truncateMrkdwn } from './limits';
import { escapeMrkdwn } from './mrkdwn';
import type { ModalContexts } from './modal-context';
import { conversationOf, isDirectChannel } from './parse-inbound';
import { openFormPrompt, type PendingForms } from './pending-forms';
import { capBlocks, renderBlocks, renderMessagePages, type RenderContext, type SlackMessageBody } from './render-block-kit';
import { renderModal } from './render-modal';
import { platformError, type SlackOutbound } from './slack-outbound';
import type { SlackProfiles } from './slack-profiles';
import type { SlackAddress } from './slack-transport';

/** Timings the adapter works to; tests shorten them. */
export interface SlackTimings {
  /** A `view_submission` waits this long for the flow before acking and answering by message (Slack allows 3 s). */
  submitBudgetMs: number;
  /** A trigger_id older than this is not tried: Slack's window is 3 s, and the call itself takes time. */
  triggerBudgetMs: number;
}

/** How fresh an address's last-seen time is kept. */
const LAST_SEEN_RESOLUTION_MS = 60 * 60 * 1000;

function sameAddress(a: SlackAddress, b: SlackAddress): boolean {
  return a.userId === b.userId && a.teamId === b.teamId && a.dmChannel === b.dmChannel;
}

/** Default timings: inside Slack's 3-second windows with room for the network. */
export const DEFAULT_TIMINGS: SlackTimings = { submitBudgetMs: 2500, triggerBudgetMs: 2500 };

/**
 * Where the answers to one interaction go. `post`: a message in the channel (or thread) everyone there sees;
 * `ephemeral`: only the person sees it (a command or a button in a shared channel); `dm`: the person's DM with the bot.
 */
export interface ReplyTarget {
  userId: string;
  visibility: 'post' | 'ephemeral' | 'dm';
  channelId?: string;
  threadTs?: string;
  /** The command's or button's response URL: ephemeral answers even where the bot is not a member. */
  responseUrl?: string;
  /** The person's DM channel with the bot, when known. */
  dmChannel?: string;
  /** Opens a modal while it is fresh (see {@link SlackTimings.triggerBudgetMs}). */
  triggerId?: string;
  /** When the interaction arrived (ms since the epoch), to judge the trigger's age. */
  receivedAt: number;
  /** The engine reference of the message the interaction came from, carried into a modal. */
  source?: string;
}

/** What every listener shares. */
export interface SlackKitOptions {
  dispatcher: Dispatcher;
  services: Services;
  outbound: SlackOutbound;
  profiles: SlackProfiles;
  contexts: ModalContexts;
  pendingForms: PendingForms;
  render: RenderContext;
  logger: Logger;
  errors: ErrorSink;
  timings: SlackTimings;
  /** Work after an ack runs through this, so acks go first (see ack-first.ts). */
  ackFirst: AckFirst;
  /** Where a failure of that work goes: the same handler as Bolt's own errors. */
  onError: (failure: { error: Error; body?: unknown }) => Promise<void>;
}

/** The person behind an interaction and their DM channel with the bot (when known). */
export interface SlackPerson {
  actor: Actor;
  dmChannel?: string;
}

/** Creates the helpers listeners share: who is this, where do answers go, how a form opens. */
export function createSlackKit(options: SlackKitOptions) {
  const { dispatcher, services, outbound, profiles, contexts, pendingForms, render, logger, errors, timings, ackFirst, onError } = options;

  /** Resolves the person and records where to reach them (on every interaction, as the notifier relies on it). */
  async function personFor(userId: string, seen: { teamId?: string; dmChannel?: string } = {}): Promise<SlackPerson> {
    const actor = services.people.resolve(await profiles.identify(userId));
    const saved = await services.addresses.get(actor.id, 'slack');
    const previous = (saved?.address ?? {}) as SlackAddress;
    const dmChannel = seen.dmChannel ?? (previous.userId === userId ? previous.dmChannel : undefined);
    const teamId = seen.teamId ?? previous.teamId;
    const address: SlackAddress = { userId, ...(teamId ? { teamId } : {}), ...(dmChannel ? { dmChannel } : {}) };
    const now = services.clock.now();
    // A write per interaction would cost every click a store write: save what changed, and the last-seen time hourly.
    const unchanged = saved && sameAddress(previous, address) && now.getTime() - saved.lastSeenAt.getTime() < LAST_SEEN_RESOLUTION_MS;
    if (!unchanged) await services.addresses.save({ personId: actor.id, channel: 'slack', address: { ...address }, now });
    return { actor, ...(dmChannel ? { dmChannel } : {}) };
  }

  /**
   * Runs a listener's work after its ack once Slack's requests let up (ack-first.ts). The listener returns at once,
   * so Bolt lets go of the request (its context dies young instead of waiting in memory); a failure reaches the
   * same handler as Bolt's errors, which logs it with a reference and tells the person. Pass Bolt's `context`: a
   * request the route acked has waited already and its work runs at once.
   */
  function afterAck(body: unknown, work: () => Promise<void>, context?: Record<string, unknown>): void {
    ackFirst.afterAck(work, { waited: context?.[ACKED_AT_ROUTE] === true }).catch((error: unknown) => onError({ error: error instanceof Error ? error : new Error(String(error)), body }));
  }

  /** The neutral conversation; without a channel (App Home, a modal) it is the person's DM with the bot. */
  function conversationFor(channelId: string | undefined, person: SlackPerson, threadTs?: string): Conversation {
    return conversationOf(channelId ?? person.dmChannel, person.actor.identity.userId, threadTs);
  }

  async function dm(target: ReplyTarget, body: SlackMessageBody): Promise<void> {
    await outbound.dm(target.userId, body, target.dmChannel ? { dmChannel: target.dmChannel } : {});
  }

  /** Says one Slack message to the target, falling back to a DM when the channel will not take it. */
  async function say(target: ReplyTarget, body: SlackMessageBody): Promise<void> {
    if (target.visibility === 'post' && target.channelId) {
      try {
        await outbound.post(target.channelId, body, target.threadTs ? { threadTs: target.threadTs } : {});
        return;
      } catch (error) {
        if (!platformError(error)) throw error;
        logger.info({ channel: target.channelId, error: platformError(error) }, 'could not post in the channel; answering by DM');
      }
    }
    if (target.visibility === 'ephemeral') {
      if (target.responseUrl) {
        try {
          await outbound.respond(target.responseUrl, body);
          return;
        } catch (error) {
          logger.info({ err: error }, 'the response URL refused the answer; trying the channel');
        }
      }
      if (target.channelId) {
        try {
          await outbound.postEphemeral(target.channelId, target.userId, body, target.threadTs);
          return;
        } catch (error) {
          if (!platformError(error)) throw error;
        }
      }
    }
    await dm(target, body);
  }

  /** Opens a form as a modal while the trigger is fresh; otherwise posts an "Open the form" button for it. */
  async function openForm(form: Form, target: ReplyTarget, actor: Actor): Promise<void> {
    const where = {
      ...(target.source ? { src: target.source } : {}),
      ...(target.channelId ? { ch: target.channelId } : {}),
      ...(target.threadTs ? { th: target.threadTs } : {}),
      ...(target.responseUrl ? { ru: target.responseUrl } : {}),
    };
    if (target.triggerId && Date.now() - target.receivedAt < timings.triggerBudgetMs) {
      const { view, data } = renderModal(form, { ...render, timeZone: actor.timeZone });
      view.private_metadata = await contexts.seal({ f: form.id, ...(form.state !== undefined ? { s: form.state } : {}), u: target.userId, tz: actor.timeZone, d: data, ...where });
      try {
        await outbound.openView(target.triggerId, view);
        return;
      } catch (error) {
        if (!platformError(error)) throw error;
        logger.info({ error: platformError(error), form: form.id }, 'could not open the modal; offering a button instead');
      }
    }
    const id = await pendingForms.save({ form, userId: target.userId, ...where });
    // In a shared channel only the person should see their form's button.
    const shared = target.visibility === 'post' && !isDirectChannel(target.channelId);
    await say(shared ? { ...target, visibility: 'ephemeral' } : target, openFormPrompt(form, id));
  }

  /** Delivers an outcome's new messages (forms open as modals). A redelivery's outcome says nothing again. */
  async function deliver(outcome: Outcome, target: ReplyTarget, actor: Actor): Promise<void> {
    if (outcome.duplicate) {
      logger.debug({ userId: target.userId, flow: outcome.flowId }, 'a redelivery: answered the first time, nothing said again');
      return;
    }
    for (const message of outcome.messages ?? []) {
      if (message.blocks.length > 0 || !message.form) {
        for (const page of renderMessagePages(message, render)) await say(target, page);
      }
      if (message.form) await openForm(message.form, target, actor);
    }
  }

  /** Publishes the person's App Home: a header and every flow's overview, within Slack's 100 blocks. */
  async function publishHome(userId: string, actor: Actor): Promise<void> {
    const overview = renderBlocks(await dispatcher.home(actor, 'slack'), render);
    const header = [
      { type: 'header' as const, text: { type: 'plain_text' as const, text: 'Service desk', emoji: true } },
      {
        type: 'context' as const,
        elements: [{ type: 'mrkdwn' as const, text: truncateMrkdwn(`Hello ${escapeMrkdwn(actor.name)}. Use /itsm, or message me in plain words.`, LIMITS.contextText), verbatim: true }],
      },
      { type: 'divider' as const },
    ];
    await outbound.publishHome(userId, { type: 'home', blocks: capBlocks([...header, ...overview], LIMITS.viewBlocks) });
  }

  return { dispatcher, services, outbound, contexts, pendingForms, render, logger, errors, timings, afterAck, personFor, conversationFor, say, openForm, deliver, publishHome };
}

/** The helpers every listener shares. */
export type SlackKit = ReturnType<typeof createSlackKit>;
