/**
 * Everything people read while an incident is worked: the team card (refreshed in place on every change), the
 * work forms, what the reporter is told in words, refusals, look-ups, and the SLA and auto-close notices.
 */
import { RESOLUTION_CODES, incidentLifecycle, type Incident } from '../../src/domain/incident';
import type { Organisation, Person } from '../../src/domain/organisation';
import { textMessage as text, type Block, type Button, type Message } from '../../src/engine/message';
import { formatTime, serviceName } from '../shared/format';
import { priorityLabel, RESOLUTION_WORDS, statusWords, teamName, teamTimeZone } from './incident-format';
import { raiseImprovementButton } from '../shared/raise-improvement';
import { ACTIONS, FORMS, id, LIMITS } from './report-incident.ids';

function deadlineText(deadline: Date, met: Date | undefined, breached: boolean, timeZone: string): string {
  const when = formatTime(deadline, timeZone);
  if (met) return `${when} (met)`;
  return breached ? `${when} (missed)` : when;
}

/** The work buttons the incident's state allows, each carrying the incident's number. */
export function workButtons(incident: Incident): Button[] {
  const can = (action: string) => incidentLifecycle.can(incident.status, action);
  const buttons: Button[] = [];
  if (can('take')) buttons.push({ action: id(ACTIONS.take), label: 'Take', style: 'primary', value: incident.id });
  if (incident.status !== 'resolved' && incident.status !== 'closed') {
    buttons.push({ action: id(ACTIONS.assign), label: 'Assign…', value: incident.id }, { action: id(ACTIONS.update), label: 'Update', value: incident.id });
  }
  if (can('resolve')) buttons.push({ action: id(ACTIONS.resolve), label: 'Resolve…', value: incident.id });
  return buttons;
}

function recordBlocks(org: Organisation, incident: Incident, timeZone: string): Block[] {
  const breached = (target: string) => incident.sla.breaches.some((b) => b.target === target);
  return [
    { kind: 'heading', text: `${incident.id} · ${priorityLabel(org, incident.priority)}${incident.major ? ' · major' : ''}` },
    { kind: 'text', text: [{ bold: incident.summary }, ...(incident.description ? [`\n${incident.description}`] : [])] },
    {
      kind: 'fields',
      fields: [
        { label: 'Service', value: serviceName(org, incident.service) },
        { label: 'Status', value: statusWords(incident.status) },
        { label: 'Reported by', value: [{ person: incident.reporter.id, name: incident.reporter.name }] },
        ...(incident.onBehalfOf ? [{ label: 'On behalf of', value: incident.onBehalfOf.name }] : []),
        { label: 'Assigned to', value: incident.assignee ? [{ person: incident.assignee.id, name: incident.assignee.name }] : 'nobody yet' },
        { label: 'Respond by', value: deadlineText(incident.sla.respondBy, incident.sla.respondedAt, breached('response'), timeZone) },
        { label: 'Resolve by', value: deadlineText(incident.sla.resolveBy, incident.resolution?.at, breached('resolution'), timeZone) },
        ...(incident.affected.length > 0 ? [{ label: 'Also affected', value: incident.affected.map((p) => p.name).join(', ') }] : []),
      ],
    },
    ...(incident.resolution
      ? [{ kind: 'text' as const, text: `Resolved by ${incident.resolution.by.name}: ${RESOLUTION_WORDS[incident.resolution.code]}. ${incident.resolution.notes}`.trim() }]
      : []),
  ];
}

/** The card posted to the support team and refreshed in place whenever the incident changes. */
export function teamCard(org: Organisation, incident: Incident): Message {
  const zone = teamTimeZone(org, incident.team);
  const buttons = workButtons(incident);
  const waiting = incident.status === 'resolved' ? ' Waiting for the reporter to confirm.' : '';
  return {
    summary: `${incident.id} (${priorityLabel(org, incident.priority)}, ${statusWords(incident.status)}): ${incident.summary}`,
    blocks: [
      ...recordBlocks(org, incident, zone),
      ...(buttons.length > 0 ? [{ kind: 'actions' as const, buttons }] : []),
      { kind: 'context', text: `Incident management (ISO/IEC 20000-1 8.6.1) · ${teamName(org, incident.team)} · ${statusWords(incident.status)}.${waiting}` },
    ],
  };
}

/** The record as a look-up shows it, with the buttons the viewer may use. */
export function recordMessage(org: Organisation, incident: Incident, viewer: { timeZone: string; mayWork: boolean; isReporter: boolean }): Message {
  const history = incident.updates.filter((u) => viewer.mayWork || u.kind !== 'work_note').slice(-5);
  const buttons = viewer.mayWork ? workButtons(incident) : [];
  if (viewer.isReporter && incident.status === 'resolved') buttons.push(...answerButtons(incident));
  // Its support team or an incident manager can turn what it taught into an improvement action.
  if (viewer.mayWork && (incident.status === 'resolved' || incident.status === 'closed')) buttons.push(raiseImprovementButton(incident.id));
  return {
    summary: `${incident.id} (${statusWords(incident.status)}): ${incident.summary}`,
    blocks: [
      ...recordBlocks(org, incident, viewer.timeZone),
      ...(history.length > 0
        ? [{ kind: 'text' as const, text: history.map((u) => `- ${formatTime(u.at, viewer.timeZone)} ${u.by.name}: ${u.text}`).join('\n') }]
        : []),
      ...(buttons.length > 0 ? [{ kind: 'actions' as const, buttons }] : []),
    ],
  };
}

function answerButtons(incident: Incident): Button[] {
  return [
    { action: id(ACTIONS.confirm), label: 'Yes, it is fixed', style: 'primary', value: incident.id },
    { action: id(ACTIONS.reopen), label: 'No, reopen it…', value: incident.id },
  ];
}

/** Assign…: someone from the support team. */
export function assignMessage(incident: Incident, members: readonly Person[]): Message {
  return {
    summary: `Assign ${incident.id}`,
    blocks: [],
    form: {
      id: id(FORMS.assign),
      title: `Assign ${incident.id}`,
      intro: incident.summary,
      inputs: [{ kind: 'select', name: 'assignee', label: 'Assign to', required: true, searchable: true, options: members.map((p) => ({ value: p.id, label: p.name })), ...(incident.assignee ? { initial: incident.assignee.id } : {}) }],
      submitLabel: 'Assign',
      cancelLabel: 'Cancel',
      state: incident.id,
    },
  };
}

/** Update: a note for the reporter, optionally putting the incident on hold or taking it off hold. */
export function updateMessage(incident: Incident): Message {
  const options = [{ value: 'none', label: 'Leave it as it is' }];
  if (incidentLifecycle.can(incident.status, 'hold')) options.push({ value: 'hold', label: 'Put it on hold (waiting for someone)' });
  if (incidentLifecycle.can(incident.status, 'resume')) options.push({ value: 'resume', label: 'Take it off hold' });
  return {
    summary: `Update ${incident.id}`,
    blocks: [],
    form: {
      id: id(FORMS.update),
      title: `Update ${incident.id}`,
      intro: incident.summary,
      inputs: [
        { kind: 'text', name: 'note', label: 'Update for the reporter', required: true, multiline: true, maxLength: LIMITS.note },
        { kind: 'select', name: 'status', label: 'Status', required: true, options, initial: 'none' },
      ],
      submitLabel: 'Send update',
      cancelLabel: 'Cancel',
      state: incident.id,
    },
  };
}

/** Resolve…: how it was resolved and what was done, both required. */
export function resolveMessage(incident: Incident): Message {
  return {
    summary: `Resolve ${incident.id}`,
    blocks: [],
    form: {
      id: id(FORMS.resolve),
      title: `Resolve ${incident.id}`,
      intro: incident.summary,
      inputs: [
        { kind: 'select', name: 'code', label: 'How was it resolved?', required: true, options: RESOLUTION_CODES.map((code) => ({ value: code, label: RESOLUTION_WORDS[code] })) },
        { kind: 'text', name: 'notes', label: 'What was done (the reporter reads this)', required: true, multiline: true, maxLength: LIMITS.note },
      ],
      submitLabel: 'Resolve',
      cancelLabel: 'Cancel',
      state: incident.id,
    },
  };
}

/** Reopen…: why the fix did not hold. */
export function reopenMessage(incident: Incident): Message {
  return {
    summary: `Reopen ${incident.id}`,
    blocks: [],
    form: {
      id: id(FORMS.reopen),
      title: `Reopen ${incident.id}`,
      intro: incident.summary,
      inputs: [{ kind: 'text', name: 'reason', label: 'What is still wrong?', required: true, multiline: true, maxLength: LIMITS.note }],
      submitLabel: 'Reopen',
      cancelLabel: 'Cancel',
      state: incident.id,
    },
  };
}

/** The reporter's news about a resolution, with Confirm / Reopen and when it closes by itself. */
export function resolvedNotice(incident: Incident, autoCloseAt: Date, timeZone: string): Message {
  const how = incident.resolution ? `${RESOLUTION_WORDS[incident.resolution.code]}: ${incident.resolution.notes}` : '';
  return {
    summary: `${incident.id} has been resolved. Is it working for you now?`,
    blocks: [
      { kind: 'text', text: [{ bold: `${incident.id} has been resolved` }, ` by ${incident.resolution?.by.name ?? 'the support team'} (${incident.summary}).`] },
      { kind: 'text', text: how },
      { kind: 'text', text: 'Is it working for you now?' },
      { kind: 'actions', buttons: answerButtons(incident) },
      { kind: 'context', text: `If I do not hear from you by ${formatTime(autoCloseAt, timeZone)}, I will close it.` },
    ],
  };
}

/** What the reporter (or the new assignee) is told, in words, after each change. */
export const NEWS = {
  taken: (i: Incident) => text(`${i.assignee?.name ?? 'Someone'} has picked up ${i.id} (${i.summary}) and is working on it.`),
  assigned: (i: Incident) => text(`${i.id} (${i.summary}) is now with ${i.assignee?.name ?? 'the support team'}.`),
  assignedToYou: (i: Incident, by: string) => ({
    ...text(`${by} assigned ${i.id} to you: ${i.summary}`),
    blocks: [{ kind: 'text' as const, text: `${by} assigned ${i.id} to you: ${i.summary}` }, { kind: 'actions' as const, buttons: [{ action: id(ACTIONS.view), label: `Open ${i.id}`, value: i.id }] }],
  }),
  update: (i: Incident, by: string, note: string) => text([`Update on ${i.id} from ${by}: `, { italic: note }]),
  onHold: (i: Incident, by: string, note: string) => text([`${by} has put ${i.id} on hold: `, { italic: note }]),
  resumed: (i: Incident, by: string, note: string) => text([`${by} is working on ${i.id} again: `, { italic: note }]),
  reopened: (i: Incident, by: string, reason: string) => text([`${by} reopened ${i.id} (${i.summary}): `, { italic: reason }]),
  confirmedFixed: (i: Incident, by: string) => text(`${by} confirmed the fix for ${i.id} (${i.summary}); it is closed.`),
  autoClosed: (i: Incident) =>
    text(`${i.id} (${i.summary}) was closed because there was no answer for three working days after it was resolved. If the problem is back, report a new incident and mention ${i.id}.`),
  slaWarning: (org: Organisation, i: Incident, target: 'response' | 'resolution', timeZone: string) =>
    text(`${i.id} (${priorityLabel(org, i.priority)}, ${i.summary}): three quarters of the ${target} time has gone. ${target === 'response' ? 'Respond' : 'Resolve'} by ${formatTime(target === 'response' ? i.sla.respondBy : i.sla.resolveBy, timeZone)}.`),
  slaBreach: (org: Organisation, i: Incident, target: 'response' | 'resolution', timeZone: string) =>
    text(`${i.id} (${priorityLabel(org, i.priority)}, ${i.summary}) has missed its ${target} target (${formatTime(target === 'response' ? i.sla.respondBy : i.sla.resolveBy, timeZone)}). It is ${statusWords(i.status)}${i.assignee ? `, with ${i.assignee.name}` : ' and nobody has it yet'}.`),
};

/** What the person who acted is told. */
export const DONE = {
  taken: (i: Incident) => text(`You have ${i.id}. The reporter has been told.`),
  assigned: (i: Incident) => text(`${i.id} is now with ${i.assignee?.name ?? 'nobody'}.`),
  updated: (i: Incident) => text(`Update added to ${i.id}; the reporter has been told.`),
  resolved: (i: Incident) => text(`${i.id} is resolved. The reporter has been asked to confirm.`),
  closed: (i: Incident) => text(`Thank you: ${i.id} is closed.`),
  /** What the resolution message becomes once the reporter confirmed, so it cannot be pressed again. */
  confirmed: (i: Incident) => text(`${i.id}: you confirmed it is fixed.`),
  reopened: (i: Incident) => text(`${i.id} is open again and the team has been told.`),
};

/** Polite refusals: nothing was changed. */
export const REFUSED = {
  work: (org: Organisation, i: Incident) =>
    `Sorry, only ${teamName(org, i.team)}, the service desk or an incident manager can work on ${i.id}. Nothing was changed.`,
  view: (i: Incident) => `Sorry, ${i.id} can only be seen by the people who reported it or are affected, its support team, the service owner and incident managers.`,
  answer: (i: Incident) => `Only the person who reported ${i.id} can confirm it is fixed. Nothing was changed.`,
  reopen: (i: Incident) => `Only the person who reported ${i.id} or its support team can reopen it. Nothing was changed.`,
  notFound: (typed: string) => `I can't find ${typed}. Check the number, or type mine to see your incidents.`,
};

/** A person's open incidents (the `mine` command and the App Home section). */
export function mineBlocks(org: Organisation, personId: string, incidents: readonly Incident[]): Block[] {
  if (incidents.length === 0) return [{ kind: 'heading', text: 'Your incidents' }, { kind: 'text', text: 'You have no open incidents.' }];
  const blocks: Block[] = [{ kind: 'heading', text: 'Your incidents' }];
  for (const i of incidents) {
    const role = i.assignee?.id === personId ? 'assigned to you' : 'you reported it';
    blocks.push(
      { kind: 'text', text: [{ bold: i.id }, ` · ${priorityLabel(org, i.priority)} · ${statusWords(i.status)} — ${i.summary} (${role})`] },
      { kind: 'actions', buttons: [{ action: id(ACTIONS.view), label: `Open ${i.id}`, value: i.id }] },
    );
  }
  return blocks;
}

/** The `mine` answer. */
export function mineMessage(org: Organisation, personId: string, incidents: readonly Incident[]): Message {
  return { summary: incidents.length === 0 ? 'You have no open incidents.' : `You have ${incidents.length} open incidents.`, blocks: mineBlocks(org, personId, incidents) };
}
