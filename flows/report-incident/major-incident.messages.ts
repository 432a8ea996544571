/**
 * What people read about a major incident (clause 8.6.1): the room's topic, the announcement to management and
 * staff, each change as it happens, the post-incident review's owner's note, and the `major` command's answers.
 */
import type { Improvement } from '../../src/domain/improvement';
import type { Incident } from '../../src/domain/incident';
import type { Organisation } from '../../src/domain/organisation';
import { textMessage as text, type Message } from '../../src/engine/message';
import { serviceName } from '../shared/format';
import { priorityLabel, statusWords, teamName } from './incident-format';
import { ACTIONS, id } from './report-incident.ids';

const CONTEXT = 'Major incident management (ISO/IEC 20000-1 8.6.1)';

/** A readable room name, `inc-000123-vpn-is-down-in-lyon`; each platform adapts it to its own rules. */
export function roomName(incident: Incident): string {
  const slug = incident.summary
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${incident.id.toLowerCase()}${slug ? `-${slug}` : ''}`.slice(0, 80).replace(/-+$/, '');
}

/** The room's topic: what it is for, in one line. */
export function roomTopic(org: Organisation, incident: Incident): string {
  const summary = /[.!?…]$/.test(incident.summary) ? incident.summary : `${incident.summary}.`;
  return `Major incident ${incident.id} (${priorityLabel(org, incident.priority)}): ${summary} ${teamName(org, incident.team)} is working on it.`;
}

/** The announcement to top management and staff: what is down, how bad, who is on it. No buttons: it is news. */
export function majorAnnouncement(org: Organisation, incident: Incident, reason: string): Message {
  return {
    summary: `Major incident ${incident.id}: ${incident.summary} (${priorityLabel(org, incident.priority)}, ${serviceName(org, incident.service)})`,
    blocks: [
      { kind: 'heading', text: `Major incident ${incident.id}` },
      { kind: 'text', text: [{ bold: incident.summary }, ...(incident.description ? [`\n${incident.description}`] : [])] },
      {
        kind: 'fields',
        fields: [
          { label: 'Service', value: serviceName(org, incident.service) },
          { label: 'Priority', value: priorityLabel(org, incident.priority) },
          { label: 'Status', value: statusWords(incident.status) },
          { label: 'Working on it', value: teamName(org, incident.team) },
          ...(incident.assignee ? [{ label: 'Led by', value: incident.assignee.name }] : []),
        ],
      },
      { kind: 'context', text: `${reason} Updates follow here until it is resolved. ${CONTEXT}.` },
    ],
  };
}

/** A change to a major incident, for its room and the announcement channels: the latest entry of its history. */
export function majorChange(incident: Incident): Message {
  const latest = incident.updates.at(-1);
  const what = latest ? (latest.kind === 'status' ? latest.text : `Update from ${latest.by.name}: ${latest.text}`) : '';
  return {
    summary: `${incident.id} (major incident, ${statusWords(incident.status)}): ${what}`.trim(),
    blocks: [
      { kind: 'text', text: [{ bold: `${incident.id} · major incident · ${statusWords(incident.status)}` }, ` — ${incident.summary}`] },
      ...(what ? [{ kind: 'text' as const, text: what }] : []),
      ...(incident.status === 'resolved' ? [{ kind: 'context' as const, text: 'A post-incident review follows.' }] : []),
    ],
  };
}

/** The owner of the post-incident review hears what they own and by when. */
export function reviewOwnerNote(incident: Incident, review: Improvement): Message {
  const words = `You own the post-incident review ${review.id} for major incident ${incident.id} (${incident.summary}): what happened, why, and what will stop it happening again. It is due by ${review.targetDate}.`;
  return {
    summary: words,
    blocks: [
      { kind: 'text', text: words },
      { kind: 'actions', buttons: [{ action: id(ACTIONS.view), label: `Open ${incident.id}`, value: incident.id }] },
    ],
  };
}

/** Where the word went when a major incident was declared. */
export interface DeclaredWhere {
  room: 'opened' | 'teams' | 'none';
  announced: number;
}

/** The `major` command's answers. */
export const MAJOR_TEXT = {
  usage: 'Which incident? Type major followed by its number, e.g. major INC-000123.',
  refused: (org: Organisation, i: Incident) =>
    `Sorry, only ${teamName(org, i.team)} or an incident manager can declare ${i.id} a major incident. Nothing was changed.`,
  already: (i: Incident) => text(`${i.id} is already a major incident.`),
  declared: (i: Incident, where: DeclaredWhere) => {
    const room =
      where.room === 'opened'
        ? ' A channel was opened for it with the support team invited.'
        : where.room === 'teams'
          ? ' It was posted to the major-incident channel.'
          : '';
    const announced = where.announced > 0 ? ' Management and staff have been told.' : '';
    return text(`${i.id} is now a major incident.${room}${announced} A post-incident review will follow its resolution.`);
  },
  reason: {
    priority: (org: Organisation, i: Incident) => `raised at ${priorityLabel(org, i.priority)}`,
    declared: (name: string) => `declared by ${name}`,
  },
  announcedBecause: (reason: string) => `Major incident ${reason.charAt(0).toLowerCase()}${reason.slice(1)}.`,
};
