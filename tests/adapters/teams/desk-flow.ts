import { DomainError } from '../../../src/domain/errors';
import { defineFlow, type Flow } from '../../../src/engine/flow';
import { textMessage, type Message } from '../../../src/engine/message';

/**
 * A small flow for the Teams tests: a command that echoes, a form with every input kind whose submission
 * "creates a record", and a card with buttons. Everything it does is recorded in `effects`.
 */
export function deskFlow(effects: string[]): Flow<unknown> {
  let records = 0;
  return defineFlow({
    id: 'desk',
    title: 'Desk',
    commands: [
      { name: 'echo', usage: 'echo <words>', description: 'says the words back' },
      { name: 'incident', usage: 'incident', description: 'opens the report form' },
      { name: 'card', usage: 'card', description: 'a card with buttons' },
    ],
    async onCommand({ event, actor }) {
      effects.push(`command:${event.command}:${event.args}`);
      if (event.command === 'incident') return { messages: [reportForm(event.args)] };
      if (event.command === 'card') return { messages: [buttonCard()] };
      return { messages: [textMessage(`echo ${event.args} from ${actor.name}`)] };
    },
    async onAction({ event, actor }, action) {
      effects.push(`action:${action}:${event.value ?? ''}`);
      if (action === 'ping') return { messages: [textMessage('pong')] };
      return { update: textMessage(`${event.value} taken by ${actor.name}`) };
    },
    async onSubmit({ event }, form) {
      effects.push(`submit:${form}:${event.state ?? ''}`);
      const summary = typeof event.values.summary === 'string' ? event.values.summary.trim() : '';
      if (!summary) return { errors: { summary: 'Give the incident a short summary.' } };
      if (summary === 'forbidden') throw new DomainError('not_allowed', 'Only the service desk can report that.');
      records += 1;
      effects.push(`created:INC-${records}:${JSON.stringify(event.values)}`);
      return { messages: [textMessage(`Logged INC-00000${records}`)] };
    },
  }) as Flow<unknown>;
}

/** The report form: every input kind the neutral model has. */
export function reportForm(summary = ''): Message {
  return {
    summary: 'Report an incident',
    blocks: [{ kind: 'text', text: 'Tell us what is wrong.' }],
    form: {
      id: 'desk:report',
      title: 'Report an incident',
      inputs: [
        { kind: 'text', name: 'summary', label: 'Summary', required: true, maxLength: 200, initial: summary },
        { kind: 'text', name: 'details', label: 'Details', multiline: true, hint: 'What you saw, and since when.' },
        { kind: 'select', name: 'impact', label: 'Impact', options: [{ value: 'low', label: 'Just me' }, { value: 'high', label: 'Many people' }] },
        { kind: 'multiselect', name: 'services', label: 'Services', options: [{ value: 'vpn', label: 'VPN' }, { value: 'mail', label: 'Mail' }] },
        { kind: 'datetime', name: 'since', label: 'Since' },
        { kind: 'checkbox', name: 'urgent', label: 'Urgent' },
      ],
      submitLabel: 'Report',
      cancelLabel: 'Cancel',
      state: 'draft-1',
    },
  };
}

/** A card with a plain, a primary and a confirmed button. */
export function buttonCard(): Message {
  return {
    summary: 'INC-000001',
    blocks: [
      { kind: 'heading', text: 'INC-000001' },
      {
        kind: 'actions',
        buttons: [
          { action: 'desk:take', label: 'Take', value: 'INC-000001', style: 'primary' },
          { action: 'desk:ping', label: 'Ping' },
        ],
      },
    ],
  };
}
