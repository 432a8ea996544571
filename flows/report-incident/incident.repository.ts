/**
 * Store access for incidents: the only file of the flow that speaks the document port. Records are validated
 * with the domain schema on the way in and out; what only the store needs (the optimistic-concurrency `version`,
 * the draft a record came from, the SLA watch's next instant) is added here and never leaks into the domain.
 */
import { type AuditActor } from '../../src/domain/audit';
import { conflict, notFound } from '../../src/domain/errors';
import { incidentSchema, OPEN_INCIDENT_STATUSES, type Incident } from '../../src/domain/incident';
import { nextSlaAlertAt } from '../../src/domain/incident-sla';
import { slaCalendarFor } from '../../src/domain/sla';
import type { Organisation } from '../../src/domain/organisation';
import type { Services } from '../../src/engine/services';
import { COLLECTIONS } from '../../src/store/collections';
import { recordCounterName } from '../../src/store/counters';
import type { Doc } from '../../src/store/ports';
import { CONFLICT } from './report-incident.messages';

/** An incident as loaded, with the version a conditional write must expect. */
export interface StoredIncident {
  incident: Incident;
  version: number;
}

/** What is audited with a write: who, which action (`incident.taken`), and the record as it was before. */
export interface AuditNote {
  actor: AuditActor;
  action: string;
  before?: Incident;
  /** Extra facts for the `after` snapshot (an SLA alert's target, a join's person). */
  extra?: Record<string, unknown>;
}

interface IncidentDoc extends Doc {
  version: number;
  intakeKey?: string;
  slaNextAlertAt?: Date;
}

const SCHEMA_KEYS = Object.keys(incidentSchema.shape);

/** The fields an auditor compares: small enough to keep on every event, enough to see what changed. */
export function auditSnapshot(incident: Incident): Record<string, unknown> {
  const last = incident.updates.at(-1);
  return {
    status: incident.status,
    priority: incident.priority,
    service: incident.service,
    team: incident.team,
    assignee: incident.assignee?.id,
    respondBy: incident.sla.respondBy,
    resolveBy: incident.sla.resolveBy,
    respondedAt: incident.sla.respondedAt,
    warnings: incident.sla.warnings.map((w) => w.target),
    breaches: incident.sla.breaches.map((b) => b.target),
    affected: incident.affected.map((p) => p.id),
    resolution: incident.resolution ? { code: incident.resolution.code, notes: incident.resolution.notes } : undefined,
    closure: incident.closure ? { how: incident.closure.how, by: incident.closure.by.id } : undefined,
    reopenCount: incident.reopenCount,
    lastNote: last?.text,
  };
}

/**
 * The last few `slaNextAlertAt` answers per organisation, by everything the answer depends on: most writes (the
 * team card's refs, an update note, a new affected person) leave those inputs alone, and the working-time
 * arithmetic behind the answer is among the dearest parts of a write.
 */
const nextAlertMemo = new WeakMap<Organisation, Map<string, Date | undefined>>();
const NEXT_ALERT_MEMO_MAX = 1000;

function slaInputsKey(incident: Incident): string {
  const { sla } = incident;
  return [
    incident.service,
    incident.priority,
    incident.status,
    incident.createdAt.getTime(),
    sla.respondBy.getTime(),
    sla.resolveBy.getTime(),
    sla.respondedAt ? 1 : 0,
    sla.warnings.map((w) => w.target).join(','),
    sla.breaches.map((b) => b.target).join(','),
  ].join('|');
}

function memoisedNextAlertAt(org: Organisation, incident: Incident): Date | undefined {
  let memo = nextAlertMemo.get(org);
  if (!memo) nextAlertMemo.set(org, (memo = new Map()));
  const key = slaInputsKey(incident);
  if (memo.has(key)) {
    const known = memo.get(key);
    return known ? new Date(known.getTime()) : undefined;
  }
  const next = nextSlaAlertAt(incident, slaCalendarFor(org, incident.service, incident.priority));
  if (memo.size >= NEXT_ALERT_MEMO_MAX) memo.delete(memo.keys().next().value as string);
  memo.set(key, next ? new Date(next.getTime()) : undefined);
  return next;
}

/** Creates the repository over the flow's services. */
export function createIncidentRepository(services: Services) {
  const { store, counters, audit, org, clock } = services;
  const incidents = () => store.collection<IncidentDoc>(COLLECTIONS.incidents);

  function toDomain(doc: IncidentDoc): StoredIncident {
    return { incident: incidentSchema.parse(doc), version: doc.version ?? 0 };
  }

  function slaNextAlertAt(incident: Incident): Date | undefined {
    return memoisedNextAlertAt(org, incident);
  }

  async function appendAudit(incident: Incident, note: AuditNote): Promise<void> {
    await audit.append({
      at: clock.now(),
      actor: note.actor,
      action: note.action,
      record: { kind: 'incident', id: incident.id },
      ...(note.before ? { before: auditSnapshot(note.before) } : {}),
      after: { ...auditSnapshot(incident), ...note.extra },
      clause: '8.6.1',
    });
  }

  return {
    /** The next incident number. A number taken by a write that then fails is skipped, never handed out again. */
    async nextNumber(): Promise<number> {
      return counters.next(recordCounterName('INC'));
    },

    /** The record created from a draft, if any (a retry after a crash finds the first attempt's record). */
    async findByIntakeKey(intakeKey: string): Promise<StoredIncident | null> {
      const doc = await incidents().findOne({ intakeKey });
      return doc ? toDomain(doc) : null;
    },

    /**
     * Stores a new incident and its `incident.created` event. When the audit append fails the record is removed
     * again, so a failed submit leaves nothing half-written and can simply be retried.
     */
    async create(incident: Incident, options: { intakeKey: string; actor: AuditActor }): Promise<StoredIncident> {
      const valid = incidentSchema.parse(incident);
      const doc: IncidentDoc = { ...valid, version: 1, intakeKey: options.intakeKey, slaNextAlertAt: slaNextAlertAt(valid) };
      await incidents().insertOne(doc);
      try {
        await appendAudit(valid, { actor: options.actor, action: 'incident.created', extra: { summary: valid.summary, reporter: valid.reporter.id } });
      } catch (error) {
        await incidents().deleteOne({ id: valid.id, version: 1 });
        throw error;
      }
      return { incident: valid, version: 1 };
    },

    async load(id: string): Promise<StoredIncident | null> {
      const doc = await incidents().findOne({ id });
      return doc ? toDomain(doc) : null;
    },

    /** The incident, or a `not_found` DomainError naming the number. */
    async get(id: string): Promise<StoredIncident> {
      const doc = await incidents().findOne({ id });
      if (!doc) throw notFound(id);
      return toDomain(doc);
    },

    /**
     * Writes `next` only if the stored record is still at `expectedVersion`, then audits it. Of two people
     * pressing Take at once exactly one wins; the other gets a `conflict` DomainError and nothing changes.
     */
    async save(next: Incident, expectedVersion: number, note: AuditNote): Promise<StoredIncident> {
      const valid = incidentSchema.parse(next);
      const set: Record<string, unknown> = { version: expectedVersion + 1 };
      const unset: Record<string, ''> = {};
      for (const key of SCHEMA_KEYS) {
        const value = (valid as Record<string, unknown>)[key];
        if (key === 'id') continue;
        if (value === undefined) unset[key] = '';
        else set[key] = value;
      }
      const nextAlert = slaNextAlertAt(valid);
      if (nextAlert) set.slaNextAlertAt = nextAlert;
      else unset.slaNextAlertAt = '';
      const written = await incidents().findOneAndUpdate(
        { id: valid.id, version: expectedVersion },
        { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) },
      );
      if (!written) throw conflict(CONFLICT(valid.id), { recordId: valid.id });
      await appendAudit(valid, note);
      return { incident: valid, version: expectedVersion + 1 };
    },

    /** Open incidents of a service, newest first: the candidates for "Is it one of these?". */
    async listOpenByService(service: string, limit = 200): Promise<Incident[]> {
      const docs = await incidents().find({ status: { $in: [...OPEN_INCIDENT_STATUSES] }, service }, { sort: { createdAt: -1 }, limit });
      return docs.map((doc) => toDomain(doc).incident);
    },

    /** A person's incidents that still need something: reported (or for them), or assigned to them. */
    async listOpenForPerson(personId: string, limit = 50): Promise<Incident[]> {
      const status = { $in: [...OPEN_INCIDENT_STATUSES, 'resolved'] };
      const docs = await incidents().find(
        { status, $or: [{ 'reporter.id': personId }, { 'onBehalfOf.id': personId }, { 'assignee.id': personId }] },
        { sort: { createdAt: -1 }, limit },
      );
      return docs.map((doc) => toDomain(doc).incident);
    },

    /** Open incidents whose next SLA warning or breach instant has come, oldest first. */
    async listDueForSla(now: Date, limit = 500): Promise<StoredIncident[]> {
      const docs = await incidents().find(
        { status: { $in: [...OPEN_INCIDENT_STATUSES] }, slaNextAlertAt: { $lte: now } },
        { sort: { slaNextAlertAt: 1 }, limit },
      );
      return docs.map(toDomain);
    },

    /** Resolved incidents resolved at or before `cutoff`, oldest first: candidates for automatic closure. */
    async listResolvedBefore(cutoff: Date, limit = 500): Promise<StoredIncident[]> {
      const docs = await incidents().find({ status: 'resolved', 'resolution.at': { $lte: cutoff } }, { sort: { 'resolution.at': 1 }, limit });
      return docs.map(toDomain);
    },
  };
}

/** The repository's type. */
export type IncidentRepository = ReturnType<typeof createIncidentRepository>;
