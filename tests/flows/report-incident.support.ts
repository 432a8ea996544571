/**
 * Drives the incident flow the way a person would, event by event through the harness, and records what the
 * notifier sent: shared by the report-incident tests.
 */
import type { Outcome } from '../../src/engine/dispatcher';
import type { ChatIdentity } from '../../src/engine/events';
import type { Button, Message, MessageRef } from '../../src/engine/message';
import type { Transport } from '../../src/engine/notifier';
import { createHarness, type Harness } from '../support/harness';
import { textOf } from '../support/message-text';

export { textOf };

/** A web chat transport that records sends and in-place updates. */
export function fakeWebchat() {
  const sent: Array<{ to: string; message: Message; ref: string }> = [];
  const updated: Array<{ ref: MessageRef; message: Message }> = [];
  const transport: Transport = {
    channel: 'webchat',
    async send(address, message) {
      const ref = `msg-${sent.length + 1}`;
      sent.push({ to: String(address.personId), message, ref });
      return { channel: 'webchat', ref };
    },
    async update(ref, message) {
      updated.push({ ref, message });
    },
  };
  return { transport, sent, updated, to: (person: string) => sent.filter((s) => s.to === person) };
}

/** A harness with the fake web chat registered. */
export async function incidentHarness(options: Parameters<typeof createHarness>[0] = {}) {
  const harness = await createHarness(options);
  const webchat = fakeWebchat();
  harness.services.notifier.register(webchat.transport);
  return Object.assign(harness, { webchat });
}

/** Who acts: web chat names from the example organisation. */
export const as = (userId: string): Partial<ChatIdentity> => ({ channel: 'webchat', userId });

/** The buttons of a message. */
export function buttonsOf(message: Message | undefined): Button[] {
  return (message?.blocks ?? []).flatMap((b) => (b.kind === 'actions' ? b.buttons : []));
}

/** The button with this action (`report-incident:take`), or a failure naming what there is. */
export function button(message: Message | undefined, action: string): Button {
  const found = buttonsOf(message).find((b) => b.action === `report-incident:${action}`);
  if (!found) throw new Error(`no ${action} button in: ${textOf(message)}`);
  return found;
}

/** The first message of an outcome. */
export const first = (outcome: Outcome): Message | undefined => outcome.messages?.[0];

export interface ReportInput {
  summary?: string;
  description?: string;
  service?: string;
  impact?: string;
  urgency?: string;
  onBehalfOf?: string;
}

/** Opens the form, fills it in and returns the confirmation (not yet submitted). */
export async function draftIncident(h: Harness, who: Partial<ChatIdentity>, input: ReportInput = {}, conversation?: string) {
  const conv = conversation ? { conversation: { channel: 'webchat' as const, id: conversation, direct: true } } : {};
  const opened = await h.send({ type: 'command', command: 'incident', args: input.summary ?? 'VPN drops every few minutes', ...conv }, who);
  const form = first(opened)?.form;
  if (!form) throw new Error(`no form: ${textOf(first(opened))}`);
  const values = {
    summary: input.summary ?? 'VPN drops every few minutes',
    description: input.description ?? 'Since this morning, at home.',
    service: input.service ?? 'vpn',
    impact: input.impact ?? 'medium',
    urgency: input.urgency ?? 'medium',
    onBehalfOf: input.onBehalfOf ?? '',
  };
  const reviewed = await h.send({ type: 'submit', form: form.id, values, ...(form.state ? { state: form.state } : {}), ...conv }, who);
  return { form, reviewed, confirmation: first(reviewed), conv };
}

/** Reports an incident end to end and returns its number. */
export async function reportIncident(h: Harness, who: Partial<ChatIdentity>, input: ReportInput = {}, conversation?: string): Promise<string> {
  const { confirmation, conv } = await draftIncident(h, who, input, conversation);
  const submit = button(confirmation, 'submit');
  const outcome = await h.send({ type: 'action', action: submit.action, value: submit.value!, ...conv }, who);
  const match = /INC-\d{6}/.exec(first(outcome)?.summary ?? '');
  if (!match) throw new Error(`not raised: ${textOf(first(outcome))}`);
  return match[0];
}
