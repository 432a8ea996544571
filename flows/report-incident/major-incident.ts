/**
 * Major incidents (ISO/IEC 20000-1 clause 8.6.1): the criteria (priorities marked `major` in the organisation
 * file, or a declaration with `major INC-…`), the procedure (a room for the work: a Slack channel with the team
 * invited, else the configured Teams channel), communication to top management and staff (the `announce`
 * channels, on declaration and on every change after it), and the review (a post-incident review in the
 * improvement register once it is resolved).
 *
 * Every step is idempotent: declaring is a conditional write that a second declaration finds done; the room,
 * the posts and the review are keyed by the incident (and its version), so a replay, a retry or a second
 * replica never opens a second room, posts twice, or raises a second review.
 */
import type { AuditActor } from '../../src/domain/audit';
import { endOfWorkingDays } from '../../src/domain/business-hours';
import { localIsoDate } from '../../src/domain/dates';
import { isDomainError } from '../../src/domain/errors';
import { createImprovement, improvementSchema, type Improvement } from '../../src/domain/improvement';
import { decideImprovement } from '../../src/domain/improvement-actions';
import type { Incident } from '../../src/domain/incident';
import { mayDeclareMajorIncident, setMajorIncident } from '../../src/domain/incident-actions';
import { hasRole, type Person } from '../../src/domain/organisation';
import { canonicalRecordNumber, parseRecordNumber, SYSTEM_ACTOR, type MessageRef, type PersonRef } from '../../src/domain/records';
import type { ChannelKind, CommandEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import { textMessage, type Message } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import { COLLECTIONS } from '../../src/store/collections';
import { createIncidentRepository, type IncidentRepository, type StoredIncident } from './incident.repository';
import { auditActor, MAJOR_ROOM, personRef, SYSTEM_AUDIT_ACTOR, tell } from './incident-effects';
import { teamCard } from './incident-work.messages';
import { majorAnnouncement, majorChange, MAJOR_TEXT, reviewOwnerNote, roomName, roomTopic, type DeclaredWhere } from './major-incident.messages';
import { KEYS } from './report-incident.ids';

/** Working days the post-incident review is due in. */
export const REVIEW_WORKING_DAYS = 5;

/** Who declares: as the audit trail and the record's history name them. */
interface Declarer {
  audit: AuditActor;
  person: PersonRef;
}

const SYSTEM_DECLARER: Declarer = { audit: SYSTEM_AUDIT_ACTOR, person: SYSTEM_ACTOR };

/** True when the organisation file marks the incident's priority major. */
export function meetsMajorCriteria(services: Services, incident: Pick<Incident, 'priority'>): boolean {
  return services.org.priorities.levels.some((level) => level.id === incident.priority && level.major);
}

/** The announcement channels of the organisation file, on the platforms that have one. */
function announceChannels(services: Services): Array<{ channel: ChannelKind; id: string }> {
  const { slackChannel, teamsChannel } = services.org.majorIncidents.announce;
  return [
    ...(slackChannel ? [{ channel: 'slack' as const, id: slackChannel }] : []),
    ...(teamsChannel ? [{ channel: 'teams' as const, id: teamsChannel }] : []),
  ];
}

/** Sends once per key; a failed delivery is logged (the record is already saved, a later change posts again). */
async function post(services: Services, to: { channel: ChannelKind; id: string }, message: Message, key: string): Promise<number> {
  try {
    const result = await services.notifier.notify({ conversation: to }, message, { key });
    return result.deliveries.length;
  } catch (error) {
    services.logger.warn({ err: error, channel: to.channel, conversationId: to.id, key }, 'major-incident post failed');
    return 0;
  }
}

/** Writes `change` on the current version, re-reading after a concurrent write (up to three times). */
async function saveOnCurrent(
  repo: IncidentRepository,
  stored: StoredIncident,
  change: (incident: Incident) => Incident | null,
  note: { actor: AuditActor; action: string; extra?: Record<string, unknown> },
): Promise<StoredIncident> {
  let current = stored;
  for (let attempt = 0; ; attempt++) {
    const next = change(current.incident);
    if (!next) return current;
    try {
      return await repo.save(next, current.version, { ...note, before: current.incident });
    } catch (error) {
      if (!isDomainError(error, 'conflict') || attempt >= 2) throw error;
      current = await repo.get(stored.incident.id);
    }
  }
}

/**
 * The room for the work: a room opened on a platform that can (Slack: a channel with the support team and the
 * incident managers invited, the card posted), else a post of the card in the configured Teams channel. Kept on
 * the record as a `major-room` reference, so later changes go there and the card there is refreshed in place.
 */
async function ensureRoom(services: Services, repo: IncidentRepository, stored: StoredIncident): Promise<{ stored: StoredIncident; room: DeclaredWhere['room'] }> {
  const { incident } = stored;
  const known = incident.messages.find((m) => m.purpose === MAJOR_ROOM);
  if (known) return { stored, room: known.channel === 'teams' ? 'teams' : 'opened' };
  const { org } = services;
  const team = services.people.index.teamById.get(incident.team);
  const managers = org.people.filter((p) => hasRole(p, 'incident-manager')).map((p) => p.id);
  const people = [...(team?.members ?? []), ...(incident.assignee ? [incident.assignee.id] : []), ...managers];
  const card = teamCard(org, incident);
  let ref: MessageRef | undefined;
  const room = await services.notifier.openRoom({ name: roomName(incident), topic: roomTopic(org, incident), people, message: card }, { key: KEYS.majorRoom(incident.id) });
  if (room) {
    ref = { channel: room.channel, conversationId: room.conversationId, messageId: room.ref?.ref ?? room.conversationId, purpose: MAJOR_ROOM };
  } else if (org.majorIncidents.teamsChannel) {
    const result = await services.notifier.notify({ conversation: { channel: 'teams', id: org.majorIncidents.teamsChannel } }, card, { key: KEYS.majorTeamsPost(incident.id) });
    const delivery = result.deliveries[0];
    if (delivery) ref = { channel: 'teams', conversationId: org.majorIncidents.teamsChannel, messageId: delivery.ref.ref, purpose: MAJOR_ROOM };
  }
  if (!ref) return { stored, room: 'none' };
  const found = ref;
  const saved = await saveOnCurrent(
    repo,
    stored,
    (current) => (current.messages.some((m) => m.purpose === MAJOR_ROOM) ? null : { ...current, messages: [...current.messages, found] }),
    { actor: SYSTEM_AUDIT_ACTOR, action: 'incident.major_room_opened', extra: { room: { channel: found.channel, conversationId: found.conversationId } } },
  );
  return { stored: saved, room: found.channel === 'teams' ? 'teams' : 'opened' };
}

/**
 * Declares the incident major (audited `incident.major_declared`), opens its room and announces it. Safe to call
 * again: an incident already major keeps its declaration, and the room and announcement are found done.
 */
async function declare(services: Services, stored: StoredIncident, by: Declarer, reason: string): Promise<{ stored: StoredIncident; where: DeclaredWhere }> {
  const repo = createIncidentRepository(services);
  const now = services.clock.now();
  const declared = await saveOnCurrent(
    repo,
    stored,
    (current) => (current.major ? null : setMajorIncident(current, { actor: by.person, now, major: true, reason })),
    { actor: by.audit, action: 'incident.major_declared', extra: { major: true, reason } },
  );
  const { stored: withRoom, room } = await ensureRoom(services, repo, declared);
  const announcement = majorAnnouncement(services.org, withRoom.incident, MAJOR_TEXT.announcedBecause(reason));
  let announced = 0;
  for (const to of announceChannels(services)) announced += await post(services, to, announcement, KEYS.majorAnnounced(withRoom.incident.id, to.channel));
  if (withRoom.incident.status === 'resolved') await ensureReview(services, withRoom.incident);
  return { stored: withRoom, where: { room, announced } };
}

/**
 * After a submit: an incident raised at a major priority is declared major by the bot. Called for replays too,
 * so a declaration cut short by a crash is finished by the next press of the button.
 */
export async function declareIfMajorPriority(services: Services, incidentId: string): Promise<void> {
  const stored = await createIncidentRepository(services).load(incidentId);
  if (!stored || stored.incident.status === 'closed') return;
  if (!stored.incident.major && !meetsMajorCriteria(services, stored.incident)) return;
  await declare(services, stored, SYSTEM_DECLARER, MAJOR_TEXT.reason.priority(services.org, stored.incident));
}

/** `major INC-000123`: the support team or an incident manager declares a major incident. */
export async function declareMajorCommand(turn: Turn<CommandEvent>): Promise<Reply> {
  const typed = turn.event.args.trim().split(/\s+/)[0] ?? '';
  const incidentId = canonicalRecordNumber(typed);
  if (!incidentId || !incidentId.startsWith('INC-')) return { messages: [textMessage(MAJOR_TEXT.usage)] };
  const { services, actor } = turn;
  const stored = await createIncidentRepository(services).load(incidentId);
  if (!stored || !mayDeclareMajorIncident(services.people.index, actor.id, stored.incident)) {
    // Someone who may not declare it learns no more about the incident than that.
    if (!stored) return { messages: [textMessage(`I can't find ${typed}. Check the number.`)] };
    return { messages: [textMessage(MAJOR_TEXT.refused(services.org, stored.incident))] };
  }
  if (stored.incident.major) return { messages: [MAJOR_TEXT.already(stored.incident)] };
  const { stored: declared, where } = await declare(services, stored, { audit: auditActor(actor), person: personRef(actor) }, MAJOR_TEXT.reason.declared(actor.name));
  return { messages: [MAJOR_TEXT.declared(declared.incident, where)] };
}

/**
 * After a change to an incident: when it is major, the change goes to its room and the announcement channels
 * (once per version), and a resolution raises the post-incident review.
 */
export async function relayMajorChange(services: Services, saved: StoredIncident): Promise<void> {
  const { incident, version } = saved;
  if (!incident.major) return;
  const message = majorChange(incident);
  const rooms = incident.messages.filter((m) => m.purpose === MAJOR_ROOM).map((m) => ({ channel: m.channel, id: m.conversationId }));
  for (const to of rooms) await post(services, to, message, KEYS.majorChange(incident.id, version, `room:${to.channel}`));
  for (const to of announceChannels(services)) await post(services, to, message, KEYS.majorChange(incident.id, version, `announce:${to.channel}`));
  if (incident.status === 'resolved') await ensureReview(services, incident);
}

/** The review's owner: an incident manager from the organisation file, else the support team's manager. */
function reviewOwner(services: Services, incident: Incident): Person | undefined {
  const managers = services.org.people.filter((p) => hasRole(p, 'incident-manager'));
  const team = services.people.index.teamById.get(incident.team);
  return managers[0] ?? (team ? services.people.person(team.manager) : undefined);
}

/**
 * The post-incident review: an improvement (clause 10.2) sourced from the incident, owned by an incident manager,
 * due in five of their working days; audited `improvement.created`, and the owner told. Once per incident: the
 * idempotency key guards the number and the insert, and an existing review for the incident is found first.
 */
export async function ensureReview(services: Services, incident: Incident): Promise<Improvement | null> {
  const owner = reviewOwner(services, incident);
  if (!owner) {
    services.logger.warn({ incident: incident.id }, 'no incident manager or team manager to own the post-incident review');
    return null;
  }
  const improvements = services.store.collection<Improvement & { id: string }>(COLLECTIONS.improvements);
  const now = services.clock.now();
  const once = await services.idempotency.once(
    KEYS.majorReview(incident.id),
    async () => {
      const existing = await improvements.findOne({ 'source.kind': 'incident', 'source.ref': incident.id });
      if (existing) return { id: existing.id };
      const number = parseRecordNumber(await services.counters.nextRecordNumber('IMP'))!.n;
      const due = localIsoDate(endOfWorkingDays(now, REVIEW_WORKING_DAYS, owner.calendar), owner.timeZone);
      const proposed = createImprovement(
        {
          title: `Post-incident review of ${incident.id}: ${incident.summary}`.slice(0, 150),
          description: `Major incident ${incident.id} (${incident.priority}, ${incident.service}): review what happened, why, how it was handled, and what will stop it happening again.`,
          source: { kind: 'incident', ref: incident.id },
          type: 'improvement',
          process: 'incident',
          owner: { id: owner.id, name: owner.name, email: owner.email },
          priority: 'high',
          targetDate: due,
        },
        { number, now, raisedBy: { ...SYSTEM_ACTOR, channel: incident.channel }, timeZone: owner.timeZone },
      );
      // The review is not a proposal: the incident process requires it after every major incident, so it starts
      // approved, and the improvement sweep nudges its owner towards the target date like any approved action.
      const review = decideImprovement(proposed, { actor: SYSTEM_ACTOR, now, approved: true, comment: 'Required after a major incident by the incident management process.' });
      await improvements.insertOne(improvementSchema.parse(review));
      try {
        await services.audit.append({
          at: now,
          actor: SYSTEM_AUDIT_ACTOR,
          action: 'improvement.created',
          record: { kind: 'improvement', id: review.id },
          after: { title: review.title, source: review.source, owner: review.owner.id, targetDate: review.targetDate, status: review.status },
          clause: review.clause,
        });
      } catch (error) {
        // No record without its audit event: the next try raises it again (under a new number).
        await improvements.deleteOne({ id: review.id });
        throw error;
      }
      return { id: review.id };
    },
    { now, leaseMs: 60_000 },
  );
  if (!once.result) return null;
  const review = await improvements.findOne({ id: once.result.id });
  if (!review) return null;
  const parsed = improvementSchema.parse(review);
  await tell(services, parsed.owner.id, reviewOwnerNote(incident, parsed), KEYS.majorReviewOwner(incident.id, parsed.owner.id));
  return parsed;
}
