import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  DEFAULT_ORGANISATION_FILE,
  loadOrganisation,
  OrganisationFileError,
  parseOrganisation,
} from '../../src/config/organisation';
import { PROCESS_IDS } from '../../src/domain/organisation';
import { anOrganisationFile, type FileTree } from '../support/mothers';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'itsm-org-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` to a temp file and returns the error loading it throws. */
function failureOf(text: string, name = 'organisation.yaml'): OrganisationFileError {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  try {
    loadOrganisation(file);
  } catch (error) {
    expect(error).toBeInstanceOf(OrganisationFileError);
    return error as OrganisationFileError;
  }
  throw new Error('expected the file to be refused');
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`${needle} not in text`);
  return { line: index + 1, column: (lines[index] as string).indexOf(needle) + 1 };
}

const yamlOf = (edit?: (file: FileTree) => void): string => stringify(anOrganisationFile(edit));

describe('loadOrganisation: the bundled example', () => {
  it('is the default file and loads', () => {
    expect(DEFAULT_ORGANISATION_FILE).toBe(path.resolve(__dirname, '../../config/organisation.example.yaml'));
    const org = loadOrganisation();
    expect(org.name).toBe('Northwind Logistics');
    expect(org.people.length).toBeGreaterThanOrEqual(10);
    expect(org.teams.length).toBeGreaterThanOrEqual(4);
    expect(org.services.length).toBeGreaterThanOrEqual(8);
    expect(new Set(org.people.map((p) => p.timeZone)).size).toBeGreaterThanOrEqual(3);
    expect(org.priorities.levels.map((l) => l.id)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
    expect(org.priorities.levels.slice(0, 4).map((l) => [l.responseMinutes, l.resolutionMinutes])).toEqual([
      [15, 240],
      [60, 480],
      [240, 1440],
      [480, 4320],
    ]);
    expect(Object.keys(org.processOwners).sort()).toEqual([...PROCESS_IDS].sort());
    expect(org.approvers.changeManagers).toHaveLength(2);
    expect(org.approvers.cab.quorum).toBe(2);
    expect(org.people.every((p) => p.slackUserId && p.teamsAadId && p.webchatName)).toBe(true);
    expect(org.calendar.holidays).toEqual(expect.arrayContaining(['2026-12-25', '2026-12-28', '2027-12-27', '2027-12-28']));
    expect(org.priorities.levels.filter((l) => l.major).map((l) => l.id)).toEqual(['P1']);
    expect(org.majorIncidents).toEqual({
      announce: { slackChannel: expect.stringMatching(/^C/), teamsChannel: expect.stringMatching(/^19:.+@thread\.tacv2$/) },
      teamsChannel: expect.stringMatching(/^19:.+@thread\.tacv2$/),
    });
  });
});

describe('loadOrganisation: one clear line per problem', () => {
  it('a missing file names the file and ITSM_CONFIG', () => {
    const file = path.join(dir, 'nope.yaml');
    expect(() => loadOrganisation(file)).toThrow(OrganisationFileError);
    try {
      loadOrganisation(file);
    } catch (error) {
      const e = error as OrganisationFileError;
      expect(e.message).toBe(
        `${file}: (file): organisation file not found. Set ITSM_CONFIG to the path of your organisation file (copy config/organisation.example.yaml to start one), or unset ITSM_CONFIG to use the bundled example.`,
      );
      expect(e.line).toBeUndefined();
      expect(e.file).toBe(file);
    }
  });

  it('a folder instead of a file says so', () => {
    expect(() => loadOrganisation(dir)).toThrow('this is a folder, not an organisation file');
  });

  it('a YAML syntax error points at its line', () => {
    const e = failureOf('organisation:\n  name: Acme\n  name: Again\n');
    expect(e.message).toMatch(/organisation\.yaml:3:3: \(yaml\): YAML syntax: Map keys must be unique$/);
    expect([e.line, e.column, e.path]).toEqual([3, 3, '(yaml)']);
  });

  it('an unclosed flow list is a syntax error on the line where YAML notices', () => {
    const e = failureOf('organisation:\n  holidays: [2026-01-01,\npeople: []\n');
    expect(e.line).toBe(3);
    expect(e.message).toContain('YAML syntax:');
    expect(e.message.split('\n')).toHaveLength(1);
  });

  it('a wrong type at people[3].timeZone points at that node', () => {
    const text = yamlOf((f) => (f.people[3].timeZone = 42));
    const e = failureOf(text);
    const at = positionOf(text, 'timeZone: 42');
    expect(e.path).toBe('people[3].timeZone');
    expect([e.line, e.column]).toEqual([at.line, at.column + 'timeZone: '.length]);
    expect(e.message).toBe(`${e.file}:${at.line}:${e.column}: people[3].timeZone: expected text, got the number 42`);
  });

  it('an unknown time zone says what is allowed', () => {
    const text = yamlOf((f) => (f.people[3].timeZone = 'Europe/Londn'));
    const e = failureOf(text);
    expect(e.line).toBe(positionOf(text, 'Europe/Londn').line);
    expect(e.message).toMatch(/people\[3\]\.timeZone: "Europe\/Londn" is not an IANA time zone; use one like Europe\/London/);
  });

  it('an unknown team referenced by a service points at the reference', () => {
    const text = yamlOf((f) => (f.services[2].supportTeam = 'helpdesk'));
    const e = failureOf(text);
    expect(e.line).toBe(positionOf(text, 'supportTeam: helpdesk').line);
    expect(e.path).toBe('services[2].supportTeam');
    expect(e.message).toMatch(/: services\[2\]\.supportTeam: team "helpdesk" is not defined \(teams: desk, infra\)$/);
  });

  it('a team lead who is not a member points at the lead', () => {
    const text = yamlOf((f) => (f.teams[1].lead = 'dave'));
    const e = failureOf(text);
    expect(e.line).toBe(positionOf(text, 'lead: dave').line);
    expect(e.path).toBe('teams[1].lead');
  });

  it('a misspelt key points at the key and suggests the right one', () => {
    const text = yamlOf((f) => (f.people[2].timezone = 'UTC'));
    const e = failureOf(text);
    const at = positionOf(text, 'timezone: UTC');
    expect([e.line, e.column, e.path]).toEqual([at.line, at.column, 'people[2].timezone']);
    expect(e.message).toContain('unknown key "timezone" (did you mean "timeZone"?); allowed here: id, name, email, timeZone,');
  });

  it('a misspelt key in an inline team calendar lists the calendar keys', () => {
    const text = yamlOf((f) => (f.teams[0].supportHours = { timeZone: 'UTC', holiday: ['2026-01-01'] }));
    const e = failureOf(text);
    expect(e.message).toContain('teams[0].supportHours.holiday: unknown key "holiday" (did you mean "holidays"?); allowed here: timeZone, workingHours, holidays');
  });

  it('a missing required field points at its parent and says it is required', () => {
    const text = yamlOf((f) => delete f.people[1].email);
    const e = failureOf(text);
    expect(e.path).toBe('people[1].email');
    expect(e.line).toBe(positionOf(text, 'id: bob').line);
    expect(e.message).toMatch(/people\[1\]\.email: required: expected text$/);
  });

  it('an empty value is reported at its key', () => {
    const text = yamlOf().replace('name: Acme Test Ltd', 'name:');
    const e = failureOf(text);
    expect([e.line, e.path]).toEqual([positionOf(text, 'name:').line, 'organisation.name']);
    expect(e.message).toMatch(/organisation\.name: required: expected text$/);
  });

  it('an enum value lists the choices', () => {
    const text = yamlOf((f) => (f.services[0].criticality = 'urgent'));
    const e = failureOf(text);
    expect(e.message).toMatch(/services\[0\]\.criticality: "urgent" is not allowed; use one of: critical, high, medium, low$/);
  });

  it('an incomplete matrix row points at the row (flow mapping)', () => {
    const text = [
      ...yamlOf((f) => delete f.priorities.matrix).split('\n').filter((l) => l !== ''),
    ];
    const at = text.findIndex((l) => l.startsWith('priorities:'));
    text.splice(at + 1, 0, '  matrix:', '    high:   { high: P1, medium: P2, low: P3 }', '    medium: { high: P2, medium: P3 }', '    low:    { high: P3, medium: P4, low: P5 }');
    const e = failureOf(text.join('\n'));
    expect(e.line).toBe(at + 4);
    expect(e.message).toMatch(/priorities\.matrix\.medium: impact "medium" has no priority for urgency "low"$/);
  });

  it('a Slack channel name instead of an id in majorIncidents points at it', () => {
    const text = yamlOf((f) => (f.majorIncidents = { announce: { slackChannel: '#major-incidents' }, teamsChannel: '19:abc@thread.tacv2' }));
    const e = failureOf(text);
    const at = positionOf(text, 'slackChannel: "#major-incidents"');
    expect([e.line, e.column, e.path]).toEqual([at.line, at.column + 'slackChannel: '.length, 'majorIncidents.announce.slackChannel']);
    expect(e.message).toMatch(/majorIncidents\.announce\.slackChannel: must be a Slack channel id \(C… or G…\), not a #name$/);
  });

  it('a bad Teams channel or a misspelt key in majorIncidents points at its line', () => {
    const bad = yamlOf((f) => (f.majorIncidents = { teamsChannel: 'Major incidents' }));
    const e = failureOf(bad);
    expect([e.line, e.path]).toEqual([positionOf(bad, 'teamsChannel: Major incidents').line, 'majorIncidents.teamsChannel']);
    expect(e.message).toMatch(/must be a Teams channel conversation id \("19:…@thread\.tacv2"\)$/);
    const misspelt = yamlOf((f) => (f.majorIncidents = { announce: { slackChanel: 'C0MAJOR001' } }));
    const m = failureOf(misspelt);
    expect([m.line, m.path]).toEqual([positionOf(misspelt, 'slackChanel').line, 'majorIncidents.announce.slackChanel']);
    expect(m.message).toContain('unknown key "slackChanel" (did you mean "slackChannel"?); allowed here: slackChannel, teamsChannel');
  });

  it('reports the first problem by line and keeps them all', () => {
    const text = yamlOf((f) => {
      f.services[1].owner = 'nobody';
      f.people[0].email = 'not-an-email';
      f.teams[0].lead = 'dave';
    });
    const e = failureOf(text);
    // Field errors come first (cross-references are only checked on a field-valid file), so only the e-mail.
    expect(e.path).toBe('people[0].email');
    const fixed = text.replace('not-an-email', 'alice@acme.example');
    const again = failureOf(fixed);
    expect(again.issues.map((i) => i.path)).toEqual(['teams[0].lead', 'services[1].owner']);
    expect(again.message).toBe(again.issues[0]?.text);
    expect(again.issues.every((i) => /^.+:\d+:\d+: \S+: .+$/.test(i.text))).toBe(true);
    expect(again.issues[0]!.line!).toBeLessThan(again.issues[1]!.line!);
  });

  it('an empty file or a file that is not a mapping says how to start', () => {
    expect(failureOf('').message).toMatch(/:1:1: \(root\): the file is empty; start from config\/organisation\.example\.yaml$/);
    expect(failureOf('# only a comment\n').message).toContain('the file is empty');
    expect(failureOf('- a\n- b\n').message).toContain('the file must be a mapping');
  });

  it('parses YAML held in memory, naming the given file in messages', () => {
    expect(parseOrganisation(yamlOf(), 'memory.yaml').name).toBe('Acme Test Ltd');
    expect(() => parseOrganisation('organisation: [', 'memory.yaml')).toThrow(/^memory\.yaml:1:\d+: \(yaml\): YAML syntax:/);
  });
});
