/**
 * Cross-reference checks for the organisation file: everything a field-by-field schema cannot see. Each problem
 * carries the path of the offending node (`teams[2].lead`) so the loader can point at its line.
 */
import { formatDuration } from './duration';
import { localBoundaryInstant } from './organisation-changes.schema';
import type { OrganisationFile } from './organisation.schema';

/** One cross-reference problem: where it is (zod-style path) and what is wrong. */
export interface ReferenceProblem {
  path: (string | number)[];
  message: string;
}

type Path = (string | number)[];

/** Every cross-reference problem in a field-valid file, in file order (empty when the file is consistent). */
export function checkOrganisationReferences(file: OrganisationFile): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const report = (path: Path, message: string): void => {
    problems.push({ path, message });
  };
  const people = new Set(file.people.map((p) => p.id));
  const teams = new Set(file.teams.map((t) => t.id));
  const calendars = new Set(['business', ...Object.keys(file.calendars)]);
  const priorityIds = new Set(file.priorities.levels.map((l) => l.id));
  const knownPeople = (): string => listSome([...people]);

  const person = (path: Path, id: string, what: string): void => {
    if (!people.has(id)) report(path, `${what} "${id}" is not one of the people in this file (people: ${knownPeople()})`);
  };
  const unique = <T>(items: readonly T[], key: (item: T) => string | undefined, path: (i: number) => Path, what: string): void => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const k = key(item);
      if (k === undefined) return;
      const first = seen.get(k);
      if (first === undefined) seen.set(k, i);
      else report(path(i), `${what} "${k}" is already used at index ${first}; each must be unique`);
    });
  };

  // People: unique identities, so an incoming Slack/Teams/web chat/e-mail identity maps to exactly one person.
  unique(file.people, (p) => p.id, (i) => ['people', i, 'id'], 'id');
  unique(file.people, (p) => p.email.toLowerCase(), (i) => ['people', i, 'email'], 'email');
  unique(file.people, (p) => p.slackUserId, (i) => ['people', i, 'slackUserId'], 'slackUserId');
  unique(file.people, (p) => p.teamsAadId?.toLowerCase(), (i) => ['people', i, 'teamsAadId'], 'teamsAadId');
  unique(file.people, (p) => p.webchatName?.toLowerCase(), (i) => ['people', i, 'webchatName'], 'webchatName');
  const managerOf = new Map(file.people.map((p) => [p.id, p.manager]));
  file.people.forEach((p, i) => {
    if (p.manager !== undefined) {
      if (p.manager === p.id) report(['people', i, 'manager'], `"${p.id}" cannot be their own manager`);
      else person(['people', i, 'manager'], p.manager, 'manager');
    }
    if (p.calendar !== undefined && !calendars.has(p.calendar)) {
      report(['people', i, 'calendar'], `calendar "${p.calendar}" is not defined; use one of: ${[...calendars].join(', ')}`);
    }
    // A management loop would make "manager's manager" escalations go round forever.
    const seen = new Set([p.id]);
    for (let m = p.manager; m !== undefined && m !== p.id; m = managerOf.get(m)) {
      if (seen.has(m)) break;
      seen.add(m);
      if (managerOf.get(m) === p.id) {
        report(['people', i, 'manager'], `managers go round in a loop (${[...seen].join(' → ')} → ${p.id})`);
        break;
      }
    }
  });

  unique(file.teams, (t) => t.id, (i) => ['teams', i, 'id'], 'team id');
  file.teams.forEach((t, i) => {
    t.members.forEach((m, j) => person(['teams', i, 'members', j], m, 'member'));
    unique(t.members, (m) => m, (j) => ['teams', i, 'members', j], 'member');
    if (!t.members.includes(t.lead)) {
      report(['teams', i, 'lead'], `lead "${t.lead}" must be one of the team's members (${t.members.join(', ')})`);
    }
    person(['teams', i, 'manager'], t.manager, 'manager');
    if (typeof t.supportHours === 'string' && t.supportHours !== '24x7' && !calendars.has(t.supportHours)) {
      report(['teams', i, 'supportHours'], `"${t.supportHours}" is not a calendar; use 24x7, ${[...calendars].join(', ')}, or an inline calendar`);
    }
  });

  unique(file.services, (s) => s.id, (i) => ['services', i, 'id'], 'service id');
  file.services.forEach((s, i) => {
    person(['services', i, 'owner'], s.owner, 'owner');
    if (!teams.has(s.supportTeam)) {
      report(['services', i, 'supportTeam'], `team "${s.supportTeam}" is not defined (teams: ${[...teams].join(', ')})`);
    }
    for (const key of Object.keys(s.targets)) {
      if (!priorityIds.has(key)) {
        report(['services', i, 'targets', key], `"${key}" is not a priority; use one of: ${[...priorityIds].join(', ')}`);
      }
    }
  });

  checkPriorities(file, report);
  checkApprovers(file, person, report);
  for (const [process, owner] of Object.entries(file.processOwners)) {
    if (owner !== undefined) person(['processOwners', process], owner, 'process owner');
  }

  const ladder = file.nudges.escalation;
  ladder.forEach((step, i) => {
    const previous = ladder[i - 1];
    if (previous && step.afterDaysOverdue <= previous.afterDaysOverdue) {
      report(['nudges', 'escalation', i, 'afterDaysOverdue'], `must be more than the step before (${previous.afterDaysOverdue}); list steps in order`);
    }
  });
  unique(file.nudges.headsUpDays, (d) => String(d), (i) => ['nudges', 'headsUpDays', i], 'heads-up day');
  checkChanges(file, unique, report);
  return problems;
}

type Unique = <T>(items: readonly T[], key: (item: T) => string | undefined, path: (i: number) => Path, what: string) => void;

function checkChanges(file: OrganisationFile, unique: Unique, report: (path: Path, message: string) => void): void {
  const { standardCatalogue, freezeWindows, riskQuestions } = file.changes;
  const serviceIds = file.services.map((s) => s.id);
  const teamIds = file.teams.map((t) => t.id);
  const service = (path: Path, id: string): void => {
    if (!serviceIds.includes(id)) report(path, `service "${id}" is not in the service catalogue (services: ${listSome(serviceIds)})`);
  };

  unique(standardCatalogue, (t) => t.id, (i) => ['changes', 'standardCatalogue', i, 'id'], 'template id');
  standardCatalogue.forEach((t, i) => {
    t.services.forEach((id, j) => service(['changes', 'standardCatalogue', i, 'services', j], id));
    if (t.implementerTeam !== undefined && !teamIds.includes(t.implementerTeam)) {
      report(['changes', 'standardCatalogue', i, 'implementerTeam'], `team "${t.implementerTeam}" is not defined (teams: ${teamIds.join(', ')})`);
    }
  });

  unique(freezeWindows, (w) => w.id, (i) => ['changes', 'freezeWindows', i, 'id'], 'freeze window id');
  const zone = file.organisation.timeZone;
  freezeWindows.forEach((w, i) => {
    w.services?.forEach((id, j) => service(['changes', 'freezeWindows', i, 'services', j], id));
    const start = localBoundaryInstant(w.start, zone, 'start');
    const end = localBoundaryInstant(w.end, zone, 'end');
    if (start && end && end.getTime() <= start.getTime()) {
      report(['changes', 'freezeWindows', i, 'end'], `the freeze ends (${w.end}) before it starts (${w.start})`);
    }
  });

  if (riskQuestions) {
    unique(riskQuestions, (q) => q.id, (i) => ['changes', 'riskQuestions', i, 'id'], 'question id');
    riskQuestions.forEach((q, i) =>
      unique(q.options, (o) => o.value, (j) => ['changes', 'riskQuestions', i, 'options', j, 'value'], 'answer value'),
    );
  }
}

function checkPriorities(file: OrganisationFile, report: (path: Path, message: string) => void): void {
  const { impact, urgency, matrix, levels } = file.priorities;
  const levelIds = levels.map((l) => l.id);
  const uniqueIds = (list: { id: string }[], name: string): void => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.id)) report(['priorities', name, i, 'id'], `"${item.id}" is listed twice`);
      seen.add(item.id);
    });
  };
  uniqueIds(impact, 'impact');
  uniqueIds(urgency, 'urgency');
  uniqueIds(levels, 'levels');
  levels.forEach((l, i) => {
    if (l.response > l.resolution) {
      report(['priorities', 'levels', i, 'response'], `response target (${formatDuration(l.response)}) is longer than the resolution target (${formatDuration(l.resolution)})`);
    }
  });
  const impactIds = impact.map((l) => l.id);
  const urgencyIds = urgency.map((l) => l.id);
  for (const key of Object.keys(matrix)) {
    if (!impactIds.includes(key)) report(['priorities', 'matrix', key], `"${key}" is not an impact level (${impactIds.join(', ')})`);
  }
  for (const imp of impactIds) {
    const row = matrix[imp];
    if (row === undefined) {
      report(['priorities', 'matrix'], `no row for impact "${imp}"; give a priority for each urgency (${urgencyIds.join(', ')})`);
      continue;
    }
    for (const key of Object.keys(row)) {
      if (!urgencyIds.includes(key)) report(['priorities', 'matrix', imp, key], `"${key}" is not an urgency level (${urgencyIds.join(', ')})`);
    }
    for (const urg of urgencyIds) {
      const priority = row[urg];
      if (priority === undefined) report(['priorities', 'matrix', imp], `impact "${imp}" has no priority for urgency "${urg}"`);
      else if (!levelIds.includes(priority)) {
        report(['priorities', 'matrix', imp, urg], `"${priority}" has no targets in priorities.levels (${levelIds.join(', ')})`);
      }
    }
  }
}

function checkApprovers(
  file: OrganisationFile,
  person: (path: Path, id: string, what: string) => void,
  report: (path: Path, message: string) => void,
): void {
  const { changeManagers, cab, ecab } = file.approvers;
  changeManagers.forEach((id, i) => person(['approvers', 'changeManagers', i], id, 'change manager'));
  cab.members.forEach((id, i) => person(['approvers', 'cab', 'members', i], id, 'CAB member'));
  ecab.members.forEach((id, i) => person(['approvers', 'ecab', 'members', i], id, 'ECAB member'));
  const cabSize = new Set(cab.members).size;
  if (cab.quorum > cabSize) report(['approvers', 'cab', 'quorum'], `quorum ${cab.quorum} is more than the ${cabSize} CAB members`);
  const ecabSize = new Set(ecab.members).size;
  if (ecab.quorum > ecabSize) report(['approvers', 'ecab', 'quorum'], `quorum ${ecab.quorum} is more than the ${ecabSize} ECAB members`);
}

function listSome(ids: string[]): string {
  return ids.length <= 8 ? ids.join(', ') : `${ids.slice(0, 8).join(', ')}, … ${ids.length - 8} more`;
}
