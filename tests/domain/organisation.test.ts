import {
  hasRole,
  indexOrganisation,
  isTeamMember,
  managerOf,
  matchServices,
  organisationSchema,
  personById,
  processOwnerOf,
  serviceById,
  teamsOf,
} from '../../src/domain/organisation';
import { stringify } from 'yaml';
import { OrganisationFileError, parseOrganisation } from '../../src/config/organisation';
import { RISK_QUESTIONS } from '../../src/domain/change-risk';
import { formatPath } from '../../src/domain/validation';
import { anOrganisation, anOrganisationFile, type FileTree } from '../support/mothers';

/** Every problem in a file as `path: message`. */
function problems(edit: (file: FileTree) => void): string[] {
  const result = organisationSchema.safeParse(anOrganisationFile(edit));
  if (result.success) return [];
  return result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

describe('organisation schema: resolution', () => {
  const org = anOrganisation();

  it('fills a person’s zone and hours from the organisation, or from their calendar', () => {
    const alice = org.people.find((p) => p.id === 'alice');
    expect(alice?.timeZone).toBe('Europe/London');
    expect(alice?.workingHours.mon).toEqual({ start: '09:00', end: '17:30' });
    expect(alice?.calendar.holidays).toEqual(['2026-04-06', '2026-12-25']);
    const erin = org.people.find((p) => p.id === 'erin');
    expect(erin?.timeZone).toBe('America/New_York');
    expect(erin?.calendar).toMatchObject({ timeZone: 'America/New_York', holidays: ['2026-07-03'] });
    // The New York calendar left out working hours, so it inherits the organisation's (in New York time).
    expect(erin?.workingHours.fri).toEqual({ start: '09:00', end: '17:30' });
    expect(erin?.calendar.workingHours.sat).toBeUndefined();
  });

  it('adds the roles the file implies to the ones written', () => {
    const carol = org.people.find((p) => p.id === 'carol');
    expect(new Set(carol?.roles)).toEqual(new Set(['change-manager', 'cab', 'ecab', 'process-owner', 'service-owner', 'manager']));
    const alice = org.people.find((p) => p.id === 'alice');
    expect(new Set(alice?.roles)).toEqual(new Set(['service-desk', 'cab', 'process-owner']));
    expect(org.people.find((p) => p.id === 'bob')?.roles).toEqual([]);
  });

  it('turns durations into minutes and keeps the matrix', () => {
    expect(org.priorities.levels[0]).toEqual({
      id: 'P1', label: 'P1 critical', responseMinutes: 15, resolutionMinutes: 240, clock: '24x7', major: true,
    });
    expect(org.priorities.levels[4]).toMatchObject({ id: 'P5', responseMinutes: 960, resolutionMinutes: 9600, clock: 'business', major: false });
    expect(org.priorities.matrix.low?.low).toBe('P5');
  });

  it('resolves team and service calendars', () => {
    expect(org.teams.find((t) => t.id === 'infra')?.supportHours).toEqual({ kind: '24x7' });
    expect(org.teams.find((t) => t.id === 'desk')?.supportHours).toMatchObject({ kind: 'business', timeZone: 'Europe/London' });
    // Email is business hours but its team works 24x7, so business hours are the team's: round the clock.
    expect(org.services.find((s) => s.id === 'email')?.calendar).toEqual({ kind: '24x7' });
    expect(org.services.find((s) => s.id === 'laptops')?.calendar).toMatchObject({ kind: 'business' });
    expect(org.services.find((s) => s.id === 'laptops')?.targets).toEqual({ P3: { resolutionMinutes: 480, responseMinutes: undefined } });
  });

  it('accepts inline calendars for a team and "closed" days', () => {
    const custom = anOrganisation((f) => {
      f.teams[0].supportHours = { timeZone: 'Europe/Berlin', workingHours: { mon: { start: '07:00', end: '19:00' }, sat: 'closed' } };
    });
    expect(custom.teams[0]?.supportHours).toEqual({
      kind: 'business',
      timeZone: 'Europe/Berlin',
      workingHours: { mon: { start: '07:00', end: '19:00' }, sat: undefined },
      holidays: ['2026-04-06', '2026-12-25'],
    });
  });

  it('defaults the nudge schedule and sorts heads-up days', () => {
    expect(org.nudges.headsUpDays).toEqual([7, 1]);
    expect(org.nudges.escalation.map((s) => s.afterDaysOverdue)).toEqual([1, 7, 14, 30]);
    expect(org.nudges.digest).toEqual({ weekday: 'mon', time: '09:00' });
    expect(org.nudges.quietHours).toBe('working-hours');
    const custom = anOrganisation((f) => {
      f.nudges = { headsUpDays: [1, 14, 3] };
    });
    expect(custom.nudges.headsUpDays).toEqual([14, 3, 1]);
  });
});

describe('organisation schema: major incidents', () => {
  it('is optional: without the section nothing is announced and no Teams channel is set', () => {
    expect(anOrganisation().majorIncidents).toEqual({ announce: {} });
  });

  it('keeps the announcement channels and the Teams coordination channel', () => {
    const org = anOrganisation((f) => (f.majorIncidents = { announce: { slackChannel: 'C0MAJOR001', teamsChannel: '19:announce@thread.tacv2' }, teamsChannel: '19:work@thread.tacv2' }));
    expect(org.majorIncidents).toEqual({ announce: { slackChannel: 'C0MAJOR001', teamsChannel: '19:announce@thread.tacv2' }, teamsChannel: '19:work@thread.tacv2' });
  });

  it('refuses channel names, other ids and unknown keys, each at its path', () => {
    expect(problems((f) => (f.majorIncidents = { announce: { slackChannel: '#major', teamsChannel: 'General' }, teamsChannel: 'C0MAJOR001', owner: 'alice' }))).toEqual([
      'majorIncidents.announce.slackChannel: must be a Slack channel id (C… or G…), not a #name',
      'majorIncidents.announce.teamsChannel: must be a Teams channel conversation id ("19:…@thread.tacv2")',
      'majorIncidents.teamsChannel: must be a Teams channel conversation id ("19:…@thread.tacv2")',
      'majorIncidents: Unrecognized key: "owner"',
    ]);
  });
});

describe('organisation schema: field errors', () => {
  it('rejects an unknown time zone with the value and examples', () => {
    expect(problems((f) => (f.people[1].timeZone = 'Europe/Londn'))).toEqual([
      'people[1].timeZone: "Europe/Londn" is not an IANA time zone; use one like Europe/London, America/New_York or UTC',
    ]);
  });

  it('rejects misspelt keys instead of ignoring them', () => {
    expect(problems((f) => (f.people[0].timezone = 'UTC'))).toEqual(['people[0]: Unrecognized key: "timezone"']);
  });

  it('rejects unknown roles, bad ids, bad chat ids and bad hours', () => {
    const found = problems((f) => {
      f.people[0].roles = ['wizard'];
      f.people[1].id = 'Bob Brown';
      f.people[2].slackUserId = '@carol';
      f.people[3].teamsAadId = 'not-a-guid';
      f.organisation.workingHours.mon = '17:30-09:00';
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^people\[0\]\.roles\[0\]: Invalid option/),
        'people[1].id: must be a lower-case id of letters, digits and hyphens, e.g. "service-desk"',
        'people[2].slackUserId: must be a Slack user id: U or W followed by capitals and digits',
        'people[3].teamsAadId: must be the Microsoft Entra (AAD) object id, a GUID',
        'organisation.workingHours.mon: ends (09:00) before it starts (17:30); overnight hours are not supported, use 24x7',
      ]),
    );
  });

  it('rejects impossible holidays and durations', () => {
    expect(problems((f) => {
      f.organisation.holidays = ['2026-02-30'];
      f.priorities.levels[1].response = 'an hour';
    })).toEqual([
      'organisation.holidays[0]: must be a real date written YYYY-MM-DD, e.g. 2026-12-25',
      'priorities.levels[1].response: "an hour" is not a duration; write minutes (90), or 15m, 4h, 1h30m, 3d',
    ]);
  });
});

describe('organisation schema: cross-references', () => {
  it('accepts the small organisation as it is', () => {
    expect(problems(() => undefined)).toEqual([]);
  });

  it('requires the team lead to be a member', () => {
    expect(problems((f) => (f.teams[1].lead = 'alice'))).toEqual([
      'teams[1].lead: lead "alice" must be one of the team\'s members (bob, erin)',
    ]);
  });

  it('names unknown people, teams, calendars and priorities where they are referenced', () => {
    const found = problems((f) => {
      f.people[1].manager = 'zoe';
      f.people[0].calendar = 'mars';
      f.teams[0].members.push('yuri');
      f.services[2].supportTeam = 'helpdesk';
      f.services[2].targets = { P9: { response: '1h' } };
      f.teams[1].supportHours = 'nights';
      f.approvers.cab.members.push('xavier');
      f.processOwners.problem = 'walt';
    });
    expect(found).toEqual([
      'people[0].calendar: calendar "mars" is not defined; use one of: business, new-york',
      'people[1].manager: manager "zoe" is not one of the people in this file (people: alice, bob, carol, dave, erin)',
      'teams[0].members[2]: member "yuri" is not one of the people in this file (people: alice, bob, carol, dave, erin)',
      'teams[1].supportHours: "nights" is not a calendar; use 24x7, business, new-york, or an inline calendar',
      'services[2].supportTeam: team "helpdesk" is not defined (teams: desk, infra)',
      'services[2].targets.P9: "P9" is not a priority; use one of: P1, P2, P3, P4, P5',
      'approvers.cab.members[4]: CAB member "xavier" is not one of the people in this file (people: alice, bob, carol, dave, erin)',
      'processOwners.problem: process owner "walt" is not one of the people in this file (people: alice, bob, carol, dave, erin)',
    ]);
  });

  it('requires unique ids and chat identities (e-mail case-insensitively)', () => {
    const found = problems((f) => {
      f.people.push({ id: 'alice', name: 'Another Alice', email: 'ALICE@acme.example', slackUserId: 'U0ALICE001', webchatName: 'alice' });
      f.services.push({ ...f.services[0] });
    });
    expect(found).toEqual([
      'people[5].id: id "alice" is already used at index 0; each must be unique',
      'people[5].email: email "alice@acme.example" is already used at index 0; each must be unique',
      'people[5].slackUserId: slackUserId "U0ALICE001" is already used at index 0; each must be unique',
      'people[5].webchatName: webchatName "alice" is already used at index 0; each must be unique',
      'services[3].id: service id "email" is already used at index 0; each must be unique',
    ]);
  });

  it('finds management loops and self-management', () => {
    expect(problems((f) => (f.people[3].manager = 'bob'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^people\[1\]\.manager: managers go round in a loop/)]),
    );
    expect(problems((f) => (f.people[0].manager = 'alice'))).toEqual(['people[0].manager: "alice" cannot be their own manager']);
  });

  it('requires a complete matrix that only names defined priorities', () => {
    expect(problems((f) => delete f.priorities.matrix.low.medium)).toEqual([
      'priorities.matrix.low: impact "low" has no priority for urgency "medium"',
    ]);
    expect(problems((f) => (f.priorities.matrix.low.low = 'P6'))).toEqual([
      'priorities.matrix.low.low: "P6" has no targets in priorities.levels (P1, P2, P3, P4, P5)',
    ]);
    expect(problems((f) => (f.priorities.matrix.huge = { high: 'P1' }))).toEqual(['priorities.matrix.huge: "huge" is not an impact level (high, medium, low)']);
    expect(problems((f) => delete f.priorities.matrix.medium)).toEqual([
      'priorities.matrix: no row for impact "medium"; give a priority for each urgency (high, medium, low)',
    ]);
  });

  it('checks targets, quorum and the nudge ladder make sense', () => {
    expect(problems((f) => {
      f.priorities.levels[0].response = '5h';
      f.approvers.cab.quorum = 5;
      f.nudges = { escalation: [{ afterDaysOverdue: 7, notify: ['owner'] }, { afterDaysOverdue: 3, notify: ['manager'] }] };
    })).toEqual([
      'priorities.levels[0].response: response target (5h) is longer than the resolution target (4h)',
      'approvers.cab.quorum: quorum 5 is more than the 4 CAB members',
      'nudges.escalation[1].afterDaysOverdue: must be more than the step before (7); list steps in order',
    ]);
  });
});

describe('organisation lookups', () => {
  const org = anOrganisation();
  const index = indexOrganisation(org);

  it('finds people by id and by each chat identity, case-insensitively where people type', () => {
    expect(personById(index, 'bob')?.name).toBe('Bob Brown');
    expect(index.personBySlackId.get('U0ALICE001')?.id).toBe('alice');
    expect(index.personByTeamsId.get('11111111-2222-4333-8444-555555555555')?.id).toBe('bob');
    expect(index.personByEmail.get('alice@acme.example')?.id).toBe('alice');
    expect(index.personByWebchatName.get('bob')?.id).toBe('bob');
    expect(personById(index, 'nobody')).toBeUndefined();
  });

  it('knows teams, services, roles, managers and process owners', () => {
    expect(teamsOf(index, 'bob').map((t) => t.id)).toEqual(['desk', 'infra']);
    expect(teamsOf(index, 'dave')).toEqual([]);
    expect(serviceById(index, 'vpn')?.name).toBe('Remote access');
    expect(hasRole(personById(index, 'alice'), 'service-desk')).toBe(true);
    expect(hasRole(personById(index, 'bob'), 'service-desk')).toBe(false);
    expect(hasRole(undefined, 'auditor')).toBe(false);
    const desk = index.teamById.get('desk');
    expect(desk && isTeamMember(desk, 'alice')).toBe(true);
    expect(desk && isTeamMember(desk, 'erin')).toBe(false);
    expect(managerOf(index, 'bob')?.id).toBe('carol');
    expect(managerOf(index, 'dave')).toBeUndefined();
    expect(processOwnerOf(index, 'change')?.id).toBe('carol');
    expect(processOwnerOf(index, 'problem')).toBeUndefined();
  });

  it('suggests services from the words people use, whole words only', () => {
    expect(matchServices(org, 'the VPN is down again').map((s) => s.id)).toEqual(['vpn']);
    expect(matchServices(org, 'Outlook keeps crashing and my laptops fan is loud').map((s) => s.id)).toEqual(['email', 'laptops']); // equal-length matches keep catalogue order
    expect(matchServices(org, 'remote access from home fails').map((s) => s.id)).toEqual(['vpn']);
    expect(matchServices(org, 'emailing is slow')).toEqual([]);
  });
});

/** A standard change template as the file writes it, then any overrides. */
const aTemplate = (overrides: Record<string, unknown> = {}) => ({
  id: 'mailbox-quota',
  title: 'Raise one mailbox quota',
  services: ['email'],
  implementationPlan: 'Set the quota.',
  backoutPlan: 'Set it back.',
  testPlan: 'Send a mail.',
  duration: '30m',
  ...overrides,
});

describe('organisation schema: changes', () => {
  it('without the section: no templates, no freezes, the built-in questions and bands, daily reminders', () => {
    expect(anOrganisation().changes).toEqual({
      standardCatalogue: [],
      riskQuestions: RISK_QUESTIONS,
      riskBands: { low: 3, medium: 8 },
      freezeWindows: [],
      approvalReminders: { everyMinutes: 1440, escalateBeforeMinutes: 1440 },
    });
    expect(anOrganisation().services.every((s) => s.maintenanceWindows.length === 0)).toBe(true);
  });

  it('resolves templates, freezes, reminders and maintenance windows', () => {
    const org = anOrganisation((f) => {
      f.services[1].maintenanceWindows = [{ days: ['sat', 'sun'], start: '22:00', end: '02:00', timeZone: 'America/New_York' }];
      f.changes = {
        standardCatalogue: [aTemplate({ implementerTeam: 'infra', duration: '1h30m' })],
        freezeWindows: [{ id: 'year-end', name: 'Year end', start: '2026-12-24 12:00', end: '2026-12-31', services: ['email'], reason: 'Closing the books.' }],
        approvalReminders: { every: '12h' },
      };
    });
    expect(org.changes.standardCatalogue).toEqual([
      { id: 'mailbox-quota', title: 'Raise one mailbox quota', description: '', services: ['email'], implementationPlan: 'Set the quota.', backoutPlan: 'Set it back.', testPlan: 'Send a mail.', durationMinutes: 90, implementerTeam: 'infra' },
    ]);
    expect(org.changes.freezeWindows).toEqual([
      { id: 'year-end', name: 'Year end', start: new Date('2026-12-24T12:00:00Z'), end: new Date('2027-01-01T00:00:00Z'), services: ['email'], reason: 'Closing the books.' },
    ]);
    expect(org.changes.approvalReminders).toEqual({ everyMinutes: 720, escalateBeforeMinutes: 1440 });
    expect(org.services[1]?.maintenanceWindows).toEqual([{ days: ['sat', 'sun'], start: '22:00', end: '02:00', timeZone: 'America/New_York' }]);
  });

  it('refuses bad fields at their paths', () => {
    expect(problems((f) => {
      f.services[0].maintenanceWindows = [{ days: ['sun'], start: '2am', end: '06:00' }, { days: [], start: '02:00', end: '02:00' }];
      f.changes = {
        standardCatalogue: [aTemplate({ duration: '0m', backoutPlan: ' ' })],
        freezeWindows: [{ id: 'x', name: 'X', start: '2026-02-30', end: '14/12/2026', reason: 'r' }],
        riskBands: { low: 5, medium: 5 },
        approvalReminders: { every: '10m' },
      };
    })).toEqual([
      'services[0].maintenanceWindows[0].start: must be a time of day as HH:mm, e.g. "09:00" or "17:30"',
      'services[0].maintenanceWindows[1].days: name at least one day (mon … sun)',
      'services[0].maintenanceWindows[1].end: must differ from start (02:00); a window needs a length',
      'changes.standardCatalogue[0].backoutPlan: must not be empty',
      'changes.standardCatalogue[0].duration: duration must be longer than 0m',
      'changes.riskBands.medium: must be more than low (5)',
      'changes.freezeWindows[0].start: must be a date "YYYY-MM-DD" or a date and time "YYYY-MM-DD HH:mm", e.g. 2026-12-14 or "2026-12-14 18:00"',
      'changes.freezeWindows[0].end: must be a date "YYYY-MM-DD" or a date and time "YYYY-MM-DD HH:mm", e.g. 2026-12-14 or "2026-12-14 18:00"',
      'changes.approvalReminders.every: remind at most hourly (1h or more)',
    ]);
  });

  it('checks services, teams, ids and the order of a freeze', () => {
    expect(problems((f) => {
      f.changes = {
        standardCatalogue: [aTemplate({ services: ['email', 'mainframe'], implementerTeam: 'wizards' }), aTemplate()],
        freezeWindows: [
          { id: 'peak', name: 'Peak', start: '2026-12-14', end: '2026-12-01', reason: 'Peak.' },
          { id: 'close', name: 'Close', start: '2026-06-26 18:00', end: '2026-06-26 17:00', services: ['ledger'], reason: 'Close.' },
        ],
        riskQuestions: [
          { id: 'reach', text: 'Who?', options: [{ value: 'few', label: 'Few', score: 0 }, { value: 'few', label: 'Many', score: 3 }] },
          { id: 'reach', text: 'Again?', options: [{ value: 'a', label: 'A', score: 0 }, { value: 'b', label: 'B', score: 1 }] },
        ],
      };
    })).toEqual([
      'changes.standardCatalogue[1].id: template id "mailbox-quota" is already used at index 0; each must be unique',
      'changes.standardCatalogue[0].services[1]: service "mainframe" is not in the service catalogue (services: email, vpn, laptops)',
      'changes.standardCatalogue[0].implementerTeam: team "wizards" is not defined (teams: desk, infra)',
      'changes.freezeWindows[0].end: the freeze ends (2026-12-01) before it starts (2026-12-14)',
      'changes.freezeWindows[1].services[0]: service "ledger" is not in the service catalogue (services: email, vpn, laptops)',
      'changes.freezeWindows[1].end: the freeze ends (2026-06-26 17:00) before it starts (2026-06-26 18:00)',
      'changes.riskQuestions[1].id: question id "reach" is already used at index 0; each must be unique',
      'changes.riskQuestions[0].options[1].value: answer value "few" is already used at index 0; each must be unique',
    ]);
  });
});

describe('organisation file: changes errors are one located line each', () => {
  /** The loader's error for the small organisation's YAML after `edit`. */
  function failureOf(edit: (file: FileTree) => void): { error: OrganisationFileError; text: string } {
    const text = stringify(anOrganisationFile(edit));
    try {
      parseOrganisation(text, 'organisation.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(OrganisationFileError);
      return { error: error as OrganisationFileError, text };
    }
    throw new Error('expected the file to be refused');
  }
  const lineOf = (text: string, needle: string, after = 'changes:') => {
    const lines = text.split('\n');
    const from = lines.findIndex((l) => l.startsWith(after));
    return lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
  };

  it('an unknown service in a template points at it', () => {
    const { error, text } = failureOf((f) => (f.changes = { standardCatalogue: [aTemplate({ services: ['email', 'mainframe'] })] }));
    expect(error.line).toBe(lineOf(text, '- mainframe'));
    expect(error.message).toBe(
      `organisation.yaml:${error.line}:${error.column}: changes.standardCatalogue[0].services[1]: service "mainframe" is not in the service catalogue (services: email, vpn, laptops)`,
    );
  });

  it('a freeze that ends before it starts points at its end', () => {
    const { error, text } = failureOf((f) => (f.changes = { freezeWindows: [{ id: 'peak', name: 'Peak', start: '2026-12-14', end: '2026-12-01', reason: 'Peak.' }] }));
    expect(error.line).toBe(lineOf(text, 'end: 2026-12-01'));
    expect(error.message).toMatch(/^organisation\.yaml:\d+:\d+: changes\.freezeWindows\[0\]\.end: the freeze ends \(2026-12-01\) before it starts \(2026-12-14\)$/);
  });

  it('a bad time of day in a maintenance window points at it', () => {
    const { error, text } = failureOf((f) => (f.services[2].maintenanceWindows = [{ days: ['sat'], start: '25:00', end: '02:00' }]));
    expect(error.line).toBe(lineOf(text, 'start: 25:00', 'services:'));
    expect(error.message).toMatch(/: services\[2\]\.maintenanceWindows\[0\]\.start: must be a time of day as HH:mm, e\.g\. "09:00" or "17:30"$/);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('an unknown weekday lists the days', () => {
    const { error, text } = failureOf((f) => (f.services[0].maintenanceWindows = [{ days: ['sun', 'funday'], start: '02:00', end: '06:00' }]));
    expect(error.line).toBe(lineOf(text, '- funday', 'services:'));
    expect(error.message).toMatch(
      /^organisation\.yaml:\d+:\d+: services\[0\]\.maintenanceWindows\[0\]\.days\[1\]: "funday" is not allowed; use one of: mon, tue, wed, thu, fri, sat, sun$/,
    );
  });

  it('a misspelt key in the changes section suggests the right one', () => {
    const { error } = failureOf((f) => (f.changes = { freezeWindow: [] }));
    expect(error.message).toContain('changes.freezeWindow: unknown key "freezeWindow" (did you mean "freezeWindows"?); allowed here: standardCatalogue, riskQuestions, riskBands, freezeWindows, approvalReminders');
  });
});
