import type { z } from 'zod';
import type { ActionEvent, Actor, ChannelKind, CommandEvent, InboundEvent, SubmitEvent, TextEvent } from './events';
import type { Block, Message } from './message';
import type { JobDefinition } from './scheduler';
import type { Organisation } from '../domain/organisation';
import type { Services } from './services';

/** A sub-command a flow answers to, listed by `help` and declared in the Slack manifest's usage hint. */
export interface CommandSpec {
  /** The word typed after `/itsm` on Slack, or first in a message on Teams and the web chat. */
  name: string;
  /** Other words for the same command (`inc` for `incident`). */
  aliases?: string[];
  /** Matches a first word that is not a fixed name, e.g. a record number `INC-000123`. */
  pattern?: RegExp;
  /** How to type it, e.g. `incident [summary]`. */
  usage: string;
  /** One line for the help text. */
  description: string;
}

/** What a flow answers with. Every part is optional; an empty reply says nothing. */
export interface Reply {
  /** New messages into the conversation. A message carrying a form opens it (a modal on Slack). */
  messages?: Message[];
  /** Replaces the message the button or form came from (a card refreshed in place). */
  update?: Message;
  /** Field errors for the submitted form, by input name: the form stays open with these shown. */
  errors?: Record<string, string>;
}

/** Conversation state for one flow, one person, one conversation: re-validated with the flow's schema on load. */
export interface FlowState<S> {
  /** The saved state, or null when there is none, it expired, or it no longer fits the schema. */
  load(): Promise<S | null>;
  /** Saves the state; it expires after `ttlMinutes` (default: 24 hours) so abandoned conversations go away. */
  save(state: S, ttlMinutes?: number): Promise<void>;
  clear(): Promise<void>;
}

/** What a flow's overview section is built from. */
export interface HomeContext {
  actor: Actor;
  now: Date;
  services: Services;
  /** Where the overview is shown, so command hints read as the person types them there. */
  channel: ChannelKind;
  commands: readonly CommandSpec[];
}

/** Everything a flow handler gets for one turn. */
export interface Turn<E extends InboundEvent = InboundEvent, S = unknown> {
  event: E;
  actor: Actor;
  now: Date;
  services: Services;
  state: FlowState<S>;
  /** All commands of all registered flows, for help texts. */
  commands: readonly CommandSpec[];
}

/**
 * A platform-neutral conversation: triggers, forms, state and replies. A flow never knows which chat it talks
 * to; it reads neutral events and answers with the neutral message model.
 */
export interface Flow<S = unknown> {
  /** Kebab-case id; prefixes every action and form id of the flow (`help:topics`). */
  id: string;
  /** A few words for help and logs. */
  title: string;
  commands: CommandSpec[];
  /** The shape of the flow's conversation state, checked again when loaded so an old shape cannot crash it. */
  stateSchema?: z.ZodType<S>;
  /** How well plain words fit this flow, 0 (not at all) to 1 (certainly); the best score ≥ 0.5 wins. */
  matchText?(text: string, context: { org: Organisation }): number;
  onCommand?(turn: Turn<CommandEvent, S>): Promise<Reply>;
  onText?(turn: Turn<TextEvent, S>): Promise<Reply>;
  /** A button of this flow: `action` is the part after `${id}:`. */
  onAction?(turn: Turn<ActionEvent, S>, action: string): Promise<Reply>;
  /** A form of this flow: `form` is the part after `${id}:`. */
  onSubmit?(turn: Turn<SubmitEvent, S>, form: string): Promise<Reply>;
  /**
   * The person's own open items for this flow (their incidents, changes awaiting them, overdue actions), shown on
   * Slack's App Home. Blocks only: buttons in them route to this flow as usual.
   */
  home?(context: HomeContext): Promise<Block[]>;
  /** Scheduled jobs the flow needs (SLA watch, nudges…). */
  jobs?(services: Services): JobDefinition[];
}

/** Identity helper that keeps a flow's state type when it is declared in its own file. */
export function defineFlow<S>(flow: Flow<S>): Flow<S> {
  return flow;
}
