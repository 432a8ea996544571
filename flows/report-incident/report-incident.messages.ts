/**
 * Everything a person reads while reporting an incident: the offer, the details form, the confirmation with the
 * priority and targets, "Is it one of these?", the receipt, and the words for stale or repeated submissions.
 * Text is plain: renderers escape it for each platform, so nothing here escapes anything.
 */
import type { Incident } from '../../src/domain/incident';
import type { Organisation, Service } from '../../src/domain/organisation';
import type { Block, Form, Message, Span } from '../../src/engine/message';
import { formatTime, serviceName } from '../shared/format';
import { priorityLabel, statusWords, targetPhrases, teamName } from './incident-format';
import { ACTIONS, FORMS, id, LIMITS } from './report-incident.ids';
import type { Details, Draft } from './report-incident.state';

/** Field errors of the forms, next to the input they concern. */
export const FIELD_ERRORS = {
  summaryEmpty: 'Say in a few words what is wrong.',
  summaryTooLong: (max: number, got: number) => `Keep the summary to ${max} characters (it has ${got}); put the rest in the details.`,
  descriptionTooLong: (max: number) => `Keep the details to ${max} characters.`,
  serviceMissing: 'Pick the service that is affected.',
  serviceUnknown: 'That is not a service I know; pick one from the list.',
  impact: 'Pick who is affected from the list.',
  urgency: 'Pick how badly work is affected from the list.',
  onBehalfOfTooLong: (max: number) => `Keep this to ${max} characters: a name or an e-mail address.`,
  noteEmpty: 'Please write a few words here.',
  noteTooLong: (max: number) => `Keep this to ${max} characters.`,
  assignee: 'Pick someone from the support team.',
  resolutionCode: 'Pick how it was resolved.',
  holdOrResume: 'Pick what should happen to the incident.',
};

/** Someone else changed the incident between reading and writing it. */
export const CONFLICT = (incidentId: string) =>
  `${incidentId} was changed by someone else a moment ago, so I changed nothing. Type ${incidentId} to see where it stands now.`;

/** The answer to plain words that read like an incident: an offer, prefilled when taken up. */
export function offerMessage(text: string, suggested: Service | undefined): Message {
  const quoted = text.length > 150 ? `${text.slice(0, 149)}…` : text;
  const lines: Span[] = ['That sounds like something is not working: ', { italic: quoted }, '\nShall I raise an incident so the right team picks it up?'];
  if (suggested) lines.push(`\nIt looks like it is about ${suggested.name}.`);
  return {
    summary: 'Shall I raise an incident for this?',
    blocks: [
      { kind: 'text', text: lines },
      { kind: 'actions', buttons: [{ action: id(ACTIONS.report), label: 'Report an incident', style: 'primary' }] },
    ],
  };
}

/** The details form (a modal on Slack, card inputs on Teams, an HTML form on the web chat). */
export function detailsForm(org: Organisation, prefill: Partial<Details>, draftId: string, errors?: Record<string, string>): Message {
  const form: Form = {
    id: id(FORMS.details),
    title: 'Report an incident',
    intro: 'Tell me what is wrong. Next you will see its priority and how soon the team aims to respond before anything is raised.',
    inputs: [
      { kind: 'text', name: 'summary', label: 'What is wrong?', required: true, maxLength: LIMITS.summary, initial: prefill.summary ?? '', hint: `One line, up to ${LIMITS.summary} characters.`, placeholder: 'The VPN disconnects every few minutes' },
      { kind: 'text', name: 'description', label: 'Details', multiline: true, maxLength: LIMITS.description, initial: prefill.description ?? '', hint: 'What you see, since when, and anything you have tried.' },
      { kind: 'select', name: 'service', label: 'Which service?', required: true, searchable: true, options: org.services.map((s) => ({ value: s.id, label: s.name, description: s.description })), ...(prefill.service ? { initial: prefill.service } : {}) },
      { kind: 'select', name: 'impact', label: 'Who is affected?', required: true, options: org.priorities.impact.map((l) => ({ value: l.id, label: l.label, description: l.description })), ...(prefill.impact ? { initial: prefill.impact } : {}) },
      { kind: 'select', name: 'urgency', label: 'How badly is work affected?', required: true, options: org.priorities.urgency.map((l) => ({ value: l.id, label: l.label, description: l.description })), ...(prefill.urgency ? { initial: prefill.urgency } : {}) },
      { kind: 'text', name: 'onBehalfOf', label: 'On behalf of (optional)', maxLength: LIMITS.onBehalfOf, initial: prefill.onBehalfOf ?? '', hint: 'Their name or e-mail address, if you are reporting this for someone else.' },
    ],
    submitLabel: 'Next',
    cancelLabel: 'Cancel',
    state: draftId,
    ...(errors ? { errors } : {}),
  };
  return { summary: 'Report an incident', blocks: [], form };
}

function levelLabel(levels: Organisation['priorities']['impact'], levelId: string): string {
  return levels.find((l) => l.id === levelId)?.label ?? levelId;
}

/** The draft shown back with its priority, targets in the reporter's zone and similar open incidents. */
export function confirmationMessage(input: {
  org: Organisation;
  draft: Draft;
  priority: string;
  deadlines: { respondBy: Date; resolveBy: Date };
  timeZone: string;
  similar: readonly Incident[];
}): Message {
  const { org, draft, priority, deadlines, timeZone, similar } = input;
  const targets = targetPhrases(org, draft.service, priority);
  const blocks: Block[] = [
    { kind: 'heading', text: 'Check your incident before I raise it' },
    {
      kind: 'fields',
      fields: [
        { label: 'Summary', value: draft.summary },
        { label: 'Service', value: serviceName(org, draft.service) },
        { label: 'Who is affected', value: levelLabel(org.priorities.impact, draft.impact) },
        { label: 'How badly', value: levelLabel(org.priorities.urgency, draft.urgency) },
        ...(draft.onBehalfOf ? [{ label: 'On behalf of', value: draft.onBehalfOf }] : []),
      ],
    },
    {
      kind: 'text',
      text: [
        'Priority ',
        { bold: priorityLabel(org, priority) },
        `: the team aims to respond within ${targets.respond} (by ${formatTime(deadlines.respondBy, timeZone)}) and to resolve it within ${targets.resolve} (by ${formatTime(deadlines.resolveBy, timeZone)}).`,
      ],
    },
  ];
  if (similar.length > 0) {
    blocks.push({ kind: 'divider' }, { kind: 'text', text: 'Is it one of these? If so, join it and you will hear when it is fixed.' });
    for (const incident of similar) {
      blocks.push(
        { kind: 'text', text: [{ bold: incident.id }, ` ${incident.summary} — ${statusWords(incident.status)}, reported ${formatTime(incident.createdAt, timeZone)}`] },
        { kind: 'actions', buttons: [{ action: id(ACTIONS.join), label: `Join ${incident.id}`, value: incident.id }] },
      );
    }
    blocks.push({ kind: 'divider' });
  }
  blocks.push({
    kind: 'actions',
    buttons: [
      { action: id(ACTIONS.submit), label: 'Raise the incident', style: 'primary', value: draft.id },
      { action: id(ACTIONS.edit), label: 'Edit', value: draft.id },
      { action: id(ACTIONS.cancel), label: 'Cancel', value: draft.id },
    ],
  });
  return { summary: `Check your incident: ${draft.summary} (${priorityLabel(org, priority)})`, blocks };
}

/** The confirmation once it was used: no buttons left to press twice. */
export function confirmationUsedMessage(text: string): Message {
  return { summary: text, blocks: [{ kind: 'context', text }] };
}

/** The receipt: number, priority, targets and what happens next. */
export function receiptMessage(org: Organisation, incident: Incident, timeZone: string): Message {
  const targets = targetPhrases(org, incident.service, incident.priority);
  return {
    summary: `${incident.id} raised: ${incident.summary}`,
    blocks: [
      { kind: 'heading', text: `${incident.id} raised` },
      { kind: 'text', text: [{ bold: incident.summary }, ` (${serviceName(org, incident.service)}), priority ${priorityLabel(org, incident.priority)}.`] },
      {
        kind: 'text',
        text: `${teamName(org, incident.team)} aim to respond within ${targets.respond} (by ${formatTime(incident.sla.respondBy, timeZone)}) and to resolve it within ${targets.resolve} (by ${formatTime(incident.sla.resolveBy, timeZone)}).`,
      },
      {
        kind: 'text',
        text: `What happens next: ${teamName(org, incident.team)} have been told. I will message you when someone picks it up, when there is news, and when it is resolved.`,
      },
      { kind: 'context', text: `Type ${incident.id} to see it at any time, or mine for all your open incidents.` },
    ],
  };
}

/** Texts of the reporting steps that need no layout. */
export const INTAKE_TEXT = {
  submitted: (incidentId: string) => `Raised as ${incidentId}.`,
  alreadySubmitted: (incidentId: string) => `You already raised this one: it is ${incidentId}. Nothing new was raised.`,
  stale: 'This confirmation is no longer current (it expired, or you started another report), so I raised nothing. Type incident to start again.',
  detailsReplayed: (incidentId: string) => `That form was already used to raise ${incidentId}. To report something else, type incident.`,
  stillSaving: 'I am still saving this incident. Give it a moment, then type mine to see it.',
  cancelled: 'Cancelled: nothing was raised.',
  joined: (incident: Incident) => `You are now recorded as affected by ${incident.id} (${incident.summary}). I will tell you when it is resolved.`,
  alreadyJoined: (incident: Incident) => `You are already on ${incident.id} (${incident.summary}).`,
  joinedConfirmation: (incidentId: string) => `You joined ${incidentId} instead of raising a new incident.`,
};
