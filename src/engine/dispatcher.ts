import { randomUUID } from 'node:crypto';
import { DomainError } from '../domain/errors';
import type { ActionEvent, Actor, ChannelKind, CommandEvent, InboundEvent, SubmitEvent, TextEvent } from './events';
import type { CommandSpec, Flow, FlowState, Reply, Turn } from './flow';
import { parseActionId, textMessage, type Block } from './message';
import type { Services } from './services';

/** What the dispatcher hands back to an adapter: the flow's reply, plus whether this was a redelivery. */
export interface Outcome extends Reply {
  /** The flow that answered (absent when nothing did). */
  flowId?: string;
  /** True when the event was delivered before: the stored reply of the first delivery is returned, no effect. */
  duplicate?: boolean;
}

/** Routes neutral events to flows: the one entry point every adapter calls. */
export interface Dispatcher {
  dispatch(event: InboundEvent): Promise<Outcome>;
  /** The person's overview across flows (Slack's App Home), in registry order. */
  home(actor: Actor, channel: ChannelKind): Promise<Block[]>;
  /** Every command of every flow, in registry order. */
  readonly commands: readonly CommandSpec[];
  readonly flows: readonly Flow<unknown>[];
}

/** Flows must answer this well before Slack's 3-second window; a redelivery waits at most this long. */
const DELIVERY_LEASE_MS = 60_000;
const DEFAULT_STATE_TTL_MINUTES = 24 * 60;
/** The lowest intent score that routes plain words to a flow. */
const INTENT_THRESHOLD = 0.5;

/**
 * Creates the dispatcher over a registry of flows. The flow with id `help` (if any) answers what no other flow
 * claims: unknown commands and plain words that match no intent.
 */
export function createDispatcher(flows: readonly Flow<unknown>[], services: Services): Dispatcher {
  const byId = new Map<string, Flow<unknown>>();
  for (const flow of flows) {
    if (byId.has(flow.id)) throw new Error(`two flows share the id ${flow.id}`);
    byId.set(flow.id, flow);
  }
  const commands = flows.flatMap((flow) => flow.commands);
  const fallback = byId.get('help');

  function findCommand(word: string): Flow<unknown> | undefined {
    const lower = word.toLowerCase();
    return flows.find((flow) =>
      flow.commands.some(
        (spec) => spec.name === lower || spec.aliases?.includes(lower) || spec.pattern?.test(word) === true,
      ),
    );
  }

  function stateFor(flow: Flow<unknown>, event: InboundEvent): FlowState<unknown> {
    const key = `${event.conversation.channel}:${event.conversation.id}:${event.actor.id}:${flow.id}`;
    const { conversations, clock } = services;
    return {
      async load() {
        const saved = await conversations.load(key, clock.now());
        if (!saved || saved.flowId !== flow.id) return null;
        if (!flow.stateSchema) return saved.state;
        const parsed = flow.stateSchema.safeParse(saved.state);
        return parsed.success ? parsed.data : null;
      },
      async save(state, ttlMinutes = DEFAULT_STATE_TTL_MINUTES) {
        const expiresAt = new Date(clock.now().getTime() + ttlMinutes * 60_000);
        await conversations.save(key, { flowId: flow.id, state, expiresAt });
      },
      async clear() {
        await conversations.clear(key);
      },
    };
  }

  function turnFor<E extends InboundEvent>(flow: Flow<unknown>, event: E): Turn<E, unknown> {
    return { event, actor: event.actor, now: services.clock.now(), services, state: stateFor(flow, event), commands };
  }

  async function route(event: InboundEvent): Promise<Outcome> {
    switch (event.type) {
      case 'command':
        return routeCommand(event);
      case 'message':
        return routeText(event);
      case 'action':
        return routeAction(event);
      case 'submit':
        return routeSubmit(event);
    }
  }

  async function routeCommand(event: CommandEvent): Promise<Outcome> {
    const command = event.command.trim();
    const flow = command === '' ? fallback : (findCommand(command) ?? fallback);
    if (!flow?.onCommand) return {};
    return { flowId: flow.id, ...(await flow.onCommand(turnFor(flow, { ...event, command }))) };
  }

  async function routeText(event: TextEvent): Promise<Outcome> {
    const text = event.text.trim();
    const [first = '', ...rest] = text.split(/\s+/);
    const commandFlow = first ? findCommand(first) : undefined;
    if (commandFlow?.onCommand) {
      const asCommand: CommandEvent = { ...event, type: 'command', command: first, args: rest.join(' ') };
      return { flowId: commandFlow.id, ...(await commandFlow.onCommand(turnFor(commandFlow, asCommand))) };
    }
    let best: { flow: Flow<unknown>; score: number } | undefined;
    for (const flow of flows) {
      if (!flow.matchText || !flow.onText) continue;
      const score = flow.matchText(text, { org: services.org });
      if (score >= INTENT_THRESHOLD && (!best || score > best.score)) best = { flow, score };
    }
    const flow = best?.flow ?? fallback;
    if (!flow?.onText) return {};
    return { flowId: flow.id, ...(await flow.onText(turnFor(flow, { ...event, text }))) };
  }

  async function routeAction(event: ActionEvent): Promise<Outcome> {
    const parsed = parseActionId(event.action);
    const flow = parsed ? byId.get(parsed.flowId) : undefined;
    if (!parsed || !flow?.onAction) return { messages: [textMessage('That button is no longer available.')] };
    return { flowId: flow.id, ...(await flow.onAction(turnFor(flow, event), parsed.action)) };
  }

  async function routeSubmit(event: SubmitEvent): Promise<Outcome> {
    const parsed = parseActionId(event.form);
    const flow = parsed ? byId.get(parsed.flowId) : undefined;
    if (!parsed || !flow?.onSubmit) return { messages: [textMessage('That form is no longer available.')] };
    return { flowId: flow.id, ...(await flow.onSubmit(turnFor(flow, event), parsed.action)) };
  }

  /** Expected outcomes (not found, not allowed…) become messages and count as the event's result. */
  async function answer(event: InboundEvent): Promise<Outcome> {
    try {
      return await route(event);
    } catch (error) {
      if (error instanceof DomainError) return { messages: [textMessage(error.message)] };
      throw error;
    }
  }

  /** Anything unexpected is logged with a reference the person can quote; a redelivery may try again. */
  function unexpected(event: InboundEvent, error: unknown): Outcome {
    const reference = randomUUID().slice(0, 8);
    services.logger.error(
      { err: error, reference, eventType: event.type, channel: event.conversation.channel, actor: event.actor.id },
      'flow failed',
    );
    return {
      messages: [
        textMessage(
          `Something went wrong on our side and nothing was saved. Please try again; if it keeps happening, quote reference ${reference}.`,
        ),
      ],
    };
  }

  return {
    commands,
    flows,
    async home(actor, channel) {
      const now = services.clock.now();
      const context = { actor, now, services, channel, commands };
      const sections = await Promise.all(flows.map((flow) => flow.home?.(context) ?? Promise.resolve([])));
      return sections.flat();
    },
    async dispatch(event) {
      try {
        if (!event.deliveryId) return await answer(event);
        const key = `delivery:${event.conversation.channel}:${event.deliveryId}`;
        const once = await services.idempotency.once(key, () => answer(event), {
          now: services.clock.now(),
          leaseMs: DELIVERY_LEASE_MS,
        });
        if (once.fresh) return once.result as Outcome;
        return { ...((once.result as Outcome | undefined) ?? {}), duplicate: true };
      } catch (error) {
        return unexpected(event, error);
      }
    },
  };
}
