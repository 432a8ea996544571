import { defineFlow, type Flow } from '../../../src/engine/flow';
import { textMessage, type Form, type Message } from '../../../src/engine/message';

/**
 * A flow written for the Slack tests (the real flows come in later issues): commands that answer with text, a
 * card with buttons, a form (one or two steps), plus an App Home section. It records what reached it in
 * `effects`, so a test can count effects (a retry must not add one).
 */

/** The first step of the test form. */
export function reportForm(state = 'step-1'): Form {
  return {
    id: 'desk:report',
    title: 'Report an incident',
    intro: 'Tell us what is wrong.',
    submitLabel: 'Report',
    state,
    inputs: [
      { kind: 'text', name: 'summary', label: 'Summary', required: true },
      { kind: 'select', name: 'impact', label: 'Impact', options: [{ value: 'low', label: 'Low' }, { value: 'high', label: 'High' }] },
      { kind: 'datetime', name: 'since', label: 'Since' },
      { kind: 'checkbox', name: 'more', label: 'Add details in a second step' },
    ],
  };
}

/** The second step. */
export function detailsForm(state: string): Form {
  return { id: 'desk:details', title: 'Details', submitLabel: 'Save', state, inputs: [{ kind: 'text', name: 'details', label: 'Details', multiline: true, required: true }] };
}

/** A form whose select has more options than Slack carries (an external select). */
export function bigForm(): Form {
  const sites = Array.from({ length: 150 }, (_, i) => ({ value: `site-${i}`, label: i === 42 ? 'Lyon warehouse' : `Site ${i}` }));
  return { id: 'desk:site', title: 'Site', submitLabel: 'Save', inputs: [{ kind: 'select', name: 'site', label: 'Site', options: sites, searchable: true }] };
}

/** The card with buttons; `status` changes when someone takes it. */
export function card(status: string): Message {
  return {
    summary: `INC-1 is ${status}`,
    blocks: [
      { kind: 'heading', text: 'INC-1 VPN down' },
      { kind: 'fields', fields: [{ label: 'Status', value: status }] },
      {
        kind: 'actions',
        buttons: [
          { action: 'desk:take', label: 'Take', value: 'INC-1', style: 'primary' },
          { action: 'desk:close', label: 'Close', value: 'INC-1', style: 'danger', confirm: { title: 'Close INC-1?', text: 'It cannot be reopened.', yes: 'Close', no: 'Keep' } },
          { action: 'desk:form', label: 'Add a note', value: 'INC-1' },
        ],
      },
    ],
  };
}

/** How long the `slow` command and a `slow` summary take: longer than the tests' submit budget. */
export const SLOW_MS = 400;

/** The test flow. */
export function deskFlow(effects: string[]): Flow<unknown> {
  return defineFlow({
    id: 'desk',
    title: 'Desk (test)',
    commands: [
      { name: 'report', usage: 'report', description: 'opens the form' },
      { name: 'card', usage: 'card', description: 'shows a card' },
      { name: 'echo', usage: 'echo <words>', description: 'says the words back' },
      { name: 'big', usage: 'big', description: 'a form with a select of 150 sites' },
    ],
    matchText: (text) => (/\bbroken\b/i.test(text) ? 0.9 : 0),
    async onCommand({ event, actor }) {
      effects.push(`command:${event.command}:${event.args}`);
      if (event.command === 'report') return { messages: [{ summary: 'Report an incident', blocks: [], form: reportForm() }] };
      if (event.command === 'card') return { messages: [card('open')] };
      if (event.command === 'big') return { messages: [{ summary: 'Pick a site', blocks: [], form: bigForm() }] };
      return { messages: [textMessage(['You said: ', event.args, ' (', { person: actor.id, name: actor.name }, ')'])] };
    },
    async onText({ event }) {
      effects.push(`text:${event.text}`);
      return { messages: [{ summary: 'Something is broken?', blocks: [{ kind: 'text', text: 'Sorry to hear that. Tell me more:' }], form: reportForm() }] };
    },
    async onAction({ event, actor }, action) {
      effects.push(`action:${action}:${event.value ?? ''}:${event.source?.ref ?? ''}`);
      if (action === 'take') return { update: card(`taken by ${actor.name}`), messages: [textMessage(`You took ${event.value}.`)] };
      if (action === 'form') return { messages: [{ summary: 'Add a note', blocks: [], form: detailsForm(`note:${event.value}`) }] };
      return {};
    },
    async onSubmit({ event }, form) {
      effects.push(`submit:${form}:${event.state ?? ''}:${JSON.stringify(event.values)}`);
      if (form === 'details') return { messages: [textMessage(`Saved details: ${String(event.values.details)}`)], ...(event.source ? { update: card('noted') } : {}) };
      const summary = typeof event.values.summary === 'string' ? event.values.summary : '';
      if (summary === 'slow') await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
      if (summary.trim().length < 2) return { errors: { summary: 'Give a summary of two characters or more.', nowhere: 'Also check the rest.' } };
      if (event.values.more === true) return { messages: [{ summary: 'Details', blocks: [], form: detailsForm(`after:${summary}`) }] };
      return { messages: [textMessage(`Recorded: ${summary} since ${String(event.values.since ?? 'unknown')}`)] };
    },
    async home({ actor }) {
      return [
        { kind: 'heading', text: `Open incidents of ${actor.name}` },
        { kind: 'actions', buttons: [{ action: 'desk:take', label: 'Take INC-1', value: 'INC-1' }] },
      ];
    },
  }) as Flow<unknown>;
}
