/**
 * Working an incident from the team card: Take, Assign…, Update, Resolve…, and the reporter's Confirm / Reopen.
 * Every change is checked against the permissions and the domain's lifecycle, written conditionally on the
 * version that was read (two people pressing Take at once: one wins, the other is told), audited with before and
 * after, mirrored on every copy of the team card, told to the people concerned in words, and — for a major
 * incident — posted to its room and the announcement channels.
 */
import { DomainError, notAllowed } from '../../src/domain/errors';
import { RESOLUTION_CODES, incidentLifecycle, type Incident, type ResolutionCode } from '../../src/domain/incident';
import {
  addIncidentUpdate,
  assertIncidentOpen,
  assignIncident,
  closeIncident,
  holdIncident,
  isReporterOf,
  mayWorkOnIncident,
  reopenIncident,
  resolveIncident,
  resumeIncident,
  takeIncident,
} from '../../src/domain/incident-actions';
import { autoCloseDueAt } from '../../src/domain/incident-sla';
import { canonicalRecordNumber } from '../../src/domain/records';
import { slaCalendarFor } from '../../src/domain/sla';
import type { ActionEvent, SubmitEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import type { Message } from '../../src/engine/message';
import { createIncidentRepository, type StoredIncident } from './incident.repository';
import { auditActor, personRef, refreshTeamCards, tellAll } from './incident-effects';
import { relayMajorChange } from './major-incident';
import { DONE, NEWS, REFUSED, assignMessage, reopenMessage, resolveMessage, resolvedNotice, updateMessage } from './incident-work.messages';
import { FIELD_ERRORS } from './report-incident.messages';
import { checkNote } from './report-incident.state';
import { calendarOf, timeZoneOf } from '../shared/people';

type Who = 'worker' | 'reporter' | 'reporter-or-worker';

/** The incident a button or form names, or a polite "can't find it". */
export async function load(turn: Turn, typed: string | undefined): Promise<StoredIncident> {
  const incidentId = canonicalRecordNumber(typed ?? '');
  const stored = incidentId ? await createIncidentRepository(turn.services).load(incidentId) : null;
  if (!stored) throw new DomainError('not_found', REFUSED.notFound(typed ?? ''));
  return stored;
}

function permit(turn: Turn, incident: Incident, who: Who): void {
  const index = turn.services.people.index;
  const worker = mayWorkOnIncident(index, turn.actor.id, incident);
  const reporter = isReporterOf(turn.actor.id, incident);
  if (who === 'worker' && !worker) throw notAllowed(REFUSED.work(turn.services.org, incident));
  if (who === 'reporter' && !reporter) throw notAllowed(REFUSED.answer(incident));
  if (who === 'reporter-or-worker' && !worker && !reporter) throw notAllowed(REFUSED.reopen(incident));
}

interface Change {
  who: Who;
  action: string;
  apply(incident: Incident): Incident;
  /** Who is told what, once the change is saved. */
  news(next: Incident): Array<{ person: string | undefined; message: Message }>;
  done(next: Incident): Message;
  /** Replaces the message the button was on (the reporter's Confirm / Reopen). */
  update?(next: Incident): Message;
}

/** Load, check, apply, write conditionally, audit, refresh the cards, tell people. */
async function change(turn: Turn, stored: StoredIncident, spec: Change): Promise<Reply> {
  permit(turn, stored.incident, spec.who);
  const next = spec.apply(stored.incident);
  const repo = createIncidentRepository(turn.services);
  const saved = await repo.save(next, stored.version, { actor: auditActor(turn.actor), action: spec.action, before: stored.incident });
  await refreshTeamCards(turn.services, saved.incident);
  await tellAll(turn.services, saved, turn.actor.id, spec.news(saved.incident));
  await relayMajorChange(turn.services, saved);
  return { messages: [spec.done(saved.incident)], ...(spec.update ? { update: spec.update(saved.incident) } : {}) };
}

function ctx(turn: Turn) {
  return { actor: personRef(turn.actor), now: turn.now };
}

const reporterOf = (i: Incident) => i.reporter.id;

/** Take: the incident becomes the presser's and in progress. */
export async function take(turn: Turn<ActionEvent>): Promise<Reply> {
  return change(turn, await load(turn, turn.event.value), {
    who: 'worker',
    action: 'incident.taken',
    apply: (i) => takeIncident(i, ctx(turn)),
    news: (i) => [{ person: reporterOf(i), message: NEWS.taken(i) }],
    done: DONE.taken,
  });
}

/** Assign…, Update, Resolve…, Reopen…: check first (so nobody fills in a form for nothing), then open the form. */
export async function openForm(turn: Turn<ActionEvent>, form: 'assign' | 'update' | 'resolve' | 'reopen'): Promise<Reply> {
  const { incident } = await load(turn, turn.event.value);
  permit(turn, incident, form === 'reopen' ? 'reporter-or-worker' : 'worker');
  if (form === 'resolve' || form === 'reopen') incidentLifecycle.next(incident.status, form, incident.id);
  else assertIncidentOpen(incident, form === 'assign' ? 'reassigned' : 'updated');
  if (form === 'assign') {
    const team = turn.services.people.index.teamById.get(incident.team);
    const members = (team?.members ?? []).flatMap((m) => turn.services.people.person(m) ?? []);
    return { messages: [assignMessage(incident, members)] };
  }
  const message = form === 'update' ? updateMessage(incident) : form === 'resolve' ? resolveMessage(incident) : reopenMessage(incident);
  return { messages: [message] };
}

/** The assign form: someone from the incident's support team. */
export async function submitAssign(turn: Turn<SubmitEvent>): Promise<Reply> {
  const stored = await load(turn, turn.event.state);
  const chosen = String(turn.event.values.assignee ?? '');
  const team = turn.services.people.index.teamById.get(stored.incident.team);
  const person = team?.members.includes(chosen) ? turn.services.people.person(chosen) : undefined;
  permit(turn, stored.incident, 'worker');
  if (!person) return { errors: { assignee: FIELD_ERRORS.assignee } };
  const assignee = { id: person.id, name: person.name, email: person.email };
  return change(turn, stored, {
    who: 'worker',
    action: 'incident.assigned',
    apply: (i) => assignIncident(i, { ...ctx(turn), assignee }),
    news: (i) => [
      { person: reporterOf(i), message: NEWS.assigned(i) },
      { person: person.id, message: NEWS.assignedToYou(i, turn.actor.name) },
    ],
    done: DONE.assigned,
  });
}

/** The update form: a note, optionally on hold or off hold. */
export async function submitUpdate(turn: Turn<SubmitEvent>): Promise<Reply> {
  const stored = await load(turn, turn.event.state);
  permit(turn, stored.incident, 'worker');
  const checked = checkNote(turn.event.values.note, 'note');
  if ('errors' in checked) return { errors: checked.errors };
  const status = String(turn.event.values.status ?? 'none');
  if (!['none', 'hold', 'resume'].includes(status)) return { errors: { status: FIELD_ERRORS.holdOrResume } };
  const { note } = checked;
  const calendar = slaCalendarFor(turn.services.org, stored.incident.service, stored.incident.priority);
  return change(turn, stored, {
    who: 'worker',
    action: status === 'hold' ? 'incident.put_on_hold' : status === 'resume' ? 'incident.resumed' : 'incident.updated',
    apply: (i) =>
      status === 'hold'
        ? holdIncident(i, { ...ctx(turn), reason: note })
        : status === 'resume'
          ? addIncidentUpdate(resumeIncident(i, { ...ctx(turn), calendar }), { ...ctx(turn), text: note })
          : addIncidentUpdate(i, { ...ctx(turn), text: note }),
    news: (i) => {
      const words = status === 'hold' ? NEWS.onHold : status === 'resume' ? NEWS.resumed : NEWS.update;
      return [{ person: reporterOf(i), message: words(i, turn.actor.name, note) }];
    },
    done: DONE.updated,
  });
}

/** The resolve form: a code and notes, both required; the reporter is asked to confirm. */
export async function submitResolve(turn: Turn<SubmitEvent>): Promise<Reply> {
  const stored = await load(turn, turn.event.state);
  permit(turn, stored.incident, 'worker');
  const code = String(turn.event.values.code ?? '');
  const checked = checkNote(turn.event.values.notes, 'notes');
  const errors = { ...('errors' in checked ? checked.errors : {}), ...(RESOLUTION_CODES.includes(code as ResolutionCode) ? {} : { code: FIELD_ERRORS.resolutionCode }) };
  if ('errors' in checked || Object.keys(errors).length > 0) return { errors };
  const { services } = turn;
  const calendar = slaCalendarFor(services.org, stored.incident.service, stored.incident.priority);
  return change(turn, stored, {
    who: 'worker',
    action: 'incident.resolved',
    apply: (i) => resolveIncident(i, { ...ctx(turn), code: code as ResolutionCode, notes: checked.note, calendar }),
    news: (i) => [
      ...[i.reporter.id, i.onBehalfOf?.id].map((person) => ({
        person,
        message: resolvedNotice(i, autoCloseDueAt(i, calendarOf(services, i.reporter.id))!, timeZoneOf(services, person ?? i.reporter.id)),
      })),
      ...i.affected.map((p) => ({ person: p.id, message: NEWS.update(i, turn.actor.name, checked.note) })),
    ],
    done: DONE.resolved,
  });
}

/** "Yes, it is fixed": the reporter closes the incident. */
export async function confirm(turn: Turn<ActionEvent>): Promise<Reply> {
  return change(turn, await load(turn, turn.event.value), {
    who: 'reporter',
    action: 'incident.closed',
    apply: (i) => closeIncident(i, { ...ctx(turn), how: 'confirmed' }),
    news: (i) => [{ person: i.assignee?.id, message: NEWS.confirmedFixed(i, turn.actor.name) }],
    done: DONE.closed,
    update: (i) => DONE.confirmed(i),
  });
}

/** The reopen form: what is still wrong; the assignee (or the team lead) hears about it. */
export async function submitReopen(turn: Turn<SubmitEvent>): Promise<Reply> {
  const stored = await load(turn, turn.event.state);
  permit(turn, stored.incident, 'reporter-or-worker');
  const checked = checkNote(turn.event.values.reason, 'reason');
  if ('errors' in checked) return { errors: checked.errors };
  const lead = turn.services.people.index.teamById.get(stored.incident.team)?.lead;
  return change(turn, stored, {
    who: 'reporter-or-worker',
    action: 'incident.reopened',
    apply: (i) => reopenIncident(i, { ...ctx(turn), reason: checked.note }),
    news: (i) => [
      { person: i.assignee?.id ?? lead, message: NEWS.reopened(i, turn.actor.name, checked.note) },
      { person: reporterOf(i), message: NEWS.reopened(i, turn.actor.name, checked.note) },
    ],
    done: DONE.reopened,
  });
}
