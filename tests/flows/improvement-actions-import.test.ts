/**
 * Importing an existing improvement register (flows/improvement-actions/import-register.ts, csv.ts): the CSV
 * reader, the checks each row gets (the raise form's, past dates allowed), intake keys that make a rerun safe, and
 * the writes — each entry with its audit event or not at all, also when the store fails half-way or a crash left
 * an entry without its event.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvSyntaxError, decodeUtf8, NotUtf8Error, parseCsv } from '../../flows/improvement-actions/csv';
import {
  ImportFileError,
  importRows,
  importedImprovement,
  planImport,
  type ImportOptions,
  type ImportRow,
} from '../../flows/improvement-actions/import-register';
import { createImprovementRepository } from '../../flows/improvement-actions/improvement.repository';
import type { Services } from '../../src/engine/services';
import { COLLECTIONS } from '../../src/store/collections';
import { createHarness, exampleOrg, type Harness } from '../support/harness';

const FIXTURES = join(__dirname, '..', 'fixtures', 'import');
const fixture = (name: string) => decodeUtf8(readFileSync(join(FIXTURES, name)));
/** The harness's date: 2026-03-02 in London. */
const TODAY = '2026-03-02';
const HEADER = 'ref,title,type,source,owner,priority,target date,status,nonconformity,correction,root cause';

const plan = (text: string) => planImport(text, exampleOrg(), TODAY);
const csv = (...lines: string[]) => [HEADER, ...lines].join('\n');

describe('reading CSV (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and numbers records by the line they start on', () => {
    const records = parseCsv('a,b,c\n1,"two, three","say ""hi"""\n"multi\r\nline",x,"y\nz"\n4,5,6');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'two, three', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', 'x', 'y\nz'] },
      { line: 6, fields: ['4', '5', '6'] },
    ]);
  });

  it('reads CRLF, LF and a byte-order mark alike, leaving blank lines out', () => {
    const lf = parseCsv('\uFEFFa,b\n1,2\n\n3,""\n');
    const crlf = parseCsv('a,b\r\n1,2\r\n\r\n3,""\r\n');
    expect(crlf).toEqual(lf);
    expect(lf).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 4, fields: ['3', ''] },
    ]);
  });

  it('keeps empty fields, a trailing empty field and a quote inside an unquoted field', () => {
    expect(parseCsv('a,,c,\n5" screen,x')).toEqual([
      { line: 1, fields: ['a', '', 'c', ''] },
      { line: 2, fields: ['5" screen', 'x'] },
    ]);
  });

  it('marks a record with text after a closing quote, and refuses a quote that never closes', () => {
    const [, bad, next] = parseCsv('a,b\n"one"two,x\n3,4');
    expect(bad?.error).toMatch(/unexpected text after a closing quote in field 1/);
    expect(next).toEqual({ line: 3, fields: ['3', '4'] });
    expect(() => parseCsv('a,b\n1,"never closed\n2,3\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\n1,"never closed\n2,3\n')).toThrow(/line 2: a quoted field is never closed/);
  });

  it('decodes UTF-8 with or without a BOM and refuses bytes that are not UTF-8', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFMüller,ok', 'utf8'))).toBe('Müller,ok');
    expect(decodeUtf8(Buffer.from('Müller,ok', 'utf8'))).toBe('Müller,ok');
    expect(() => decodeUtf8(Buffer.from([0x4d, 0xfc, 0x6c, 0x6c]))).toThrow(NotUtf8Error); // "Müll" in Windows-1252
  });
});

describe('checking a register file', () => {
  it('maps every row of a good file to the domain input, in any header spelling, with its line number', () => {
    const { rows, rejected, total, ignoredColumns } = plan(fixture('good.csv'));
    expect({ total, rejected, ignoredColumns }).toEqual({ total: 3, rejected: [], ignoredColumns: [] });
    expect(rows.map((r) => [r.line, r.ref, r.status, r.input.owner.id, r.input.type, r.input.source])).toEqual([
      [2, 'IR-001', 'approved', 'mei-chen', 'improvement', { kind: 'incident', ref: 'INC-000123' }],
      [3, 'IR-002', 'in_progress', 'lukas-becker', 'corrective_action', { kind: 'audit_finding' }],
      [5, 'IR-003', 'done', 'fatima-rahman', 'improvement', { kind: 'management_review' }],
    ]);
    const [vpn, review] = rows;
    expect(vpn?.input.description).toBe('People report the VPN down when it is their home Wi-Fi, so "VPN down" tickets pile up.');
    expect(vpn?.raisedBy).toEqual({ id: 'jamie-cole', name: 'Jamie Cole', email: 'jamie.cole@northwind-logistics.example', channel: 'webchat' });
    expect(review?.input.description).toBe('Line one\nline two, with a comma');
    expect(review?.input).toMatchObject({ nonconformity: { what: expect.stringMatching(/^Post-implementation/) }, rootCause: 'Changes could be closed without their review.' });
  });

  it('allows a target date in the past (an old register has overdue items) and marks the open ones overdue', () => {
    const { rows } = plan(fixture('good.csv'));
    expect(rows.map((r) => r.overdue)).toEqual([false, true, false]);
    const done = plan(csv('D-1,Old and done,improvement,staff idea,mei-chen,low,2019-05-01,done,,,')).rows[0];
    expect(done).toMatchObject({ overdue: false, status: 'done' });
  });

  it('reports every bad row with its line number and every reason, and keeps the good ones', () => {
    const { rows, rejected, total } = plan(fixture('bad-rows.csv'));
    expect(total).toBe(9);
    expect(rows.map((r) => r.line)).toEqual([2, 10]);
    expect(rejected).toEqual([
      { line: 3, reasons: ['title: empty'] },
      { line: 4, reasons: ['owner: "someone.else@example.com" is not in the organisation file (give their id, name or e-mail)'] },
      { line: 5, reasons: ['target date: "31/01/2099" is not a date written YYYY-MM-DD'] },
      {
        line: 6,
        reasons: ['correction: a corrective action must say what was done at once to contain it', 'root cause: a corrective action must say why it happened'],
      },
      { line: 7, reasons: ['status: "finished"; write one of proposed, approved, in progress, done, verified, rejected'] },
      { line: 8, reasons: ['ref: "B-1" is also on line 2'] },
      { line: 9, reasons: ['has 12 fields but the header has 11 (a missing or extra comma, or a quote not closed on the line before?)'] },
    ]);
  });

  it('checks types, sources, priorities, processes and source records against the lists', () => {
    const header = 'title,type,source,source record,owner,process,priority,target date';
    const { rejected, rows } = plan([header, 'T,upgrade,rumour,CHG-12x,mei-chen,payroll,urgent,2099-01-01', 'T2,Improvement,Staff-Idea,chg 7,MEI.CHEN@northwind-logistics.example,Change Management,,2099-01-01'].join('\n'));
    expect(rejected[0]?.reasons).toEqual([
      expect.stringMatching(/^type: "upgrade"; write improvement or corrective action/),
      expect.stringMatching(/^source: "rumour"; write one of incident, problem/),
      'source record: "CHG-12x" is not an incident, change or problem number (like INC-000123)',
      'priority: "urgent"; write high, medium or low',
      expect.stringMatching(/^process: "payroll" is not a process id/),
    ]);
    expect(rows[0]?.input).toMatchObject({ type: 'improvement', source: { kind: 'staff_idea', ref: 'CHG-000007' }, process: 'change', priority: 'medium', owner: { id: 'mei-chen' } });
  });

  it('stops before anything is written when a required column is missing, doubled, or the file is not CSV', () => {
    expect(() => plan(fixture('missing-column.csv'))).toThrow(ImportFileError);
    expect(() => plan(fixture('missing-column.csv'))).toThrow('the header has no "owner" column (it has: ref, title, type, source, priority, target date)');
    expect(() => plan('title,type,source,priority\nx,improvement,incident,low')).toThrow(/no "owner", "target date" columns/);
    expect(() => plan(`${HEADER},Title\n`)).toThrow(/names the column "Title" twice \(columns 2 and 12\)/);
    expect(() => plan('')).toThrow(/the file is empty/);
    expect(() => plan(csv('R-1,"unclosed,improvement'))).toThrow(/line 2: a quoted field is never closed/);
  });

  it('ignores columns it does not know, saying which', () => {
    const { ignoredColumns, rows } = plan(`${HEADER},Notes,\nN-1,T,improvement,complaint,mei-chen,low,2099-01-01,,,,,some note,`);
    expect(ignoredColumns).toEqual(['Notes', '(column 13, no name)']);
    expect(rows).toHaveLength(1);
  });

  it('keys a row by its ref, else by what it says, so the same file finds the same keys however it is saved', () => {
    const withRef = plan(csv('CAPA-17,T,improvement,complaint,mei-chen,low,2099-01-01,,,,')).rows[0];
    expect(withRef?.intakeKey).toBe('import:ref:capa-17');
    const lf = plan('title,owner,type,source,priority,target date\nT,Mei Chen,improvement,complaint,low,2099-01-01\n').rows[0];
    const other = plan('\uFEFFTarget Date,Priority,Source,Type,Owner,Title\r\n2099-01-01,LOW,Complaint,Improvement,mei.chen@northwind-logistics.example,T\r\n').rows[0];
    expect(lf?.intakeKey).toMatch(/^import:sha256:[0-9a-f]{64}$/);
    expect(other?.intakeKey).toBe(lf?.intakeKey);
    const changed = plan('title,owner,type,source,priority,target date\nT,Mei Chen,improvement,complaint,low,2099-01-02\n').rows[0];
    expect(changed?.intakeKey).not.toBe(lf?.intakeKey);
  });

  it('rejects a row that repeats an earlier one when there is no ref to tell them apart', () => {
    const { rows, rejected } = plan(csv(',T,improvement,complaint,mei-chen,low,2099-01-01,,,,', ',T,improvement,complaint,mei-chen,low,2099-01-01,,,,'));
    expect(rows).toHaveLength(1);
    expect(rejected).toEqual([{ line: 3, reasons: ['the same action as line 2 (give each row a ref to tell them apart)'] }]);
  });

  it('keeps a raiser who is not in the organisation file as written, and defaults to "import"', () => {
    const { rows } = plan('title,type,source,owner,priority,target date,raised by\nA,improvement,complaint,mei-chen,low,2099-01-01,Old Boss\nB,improvement,complaint,mei-chen,low,2099-01-01,');
    expect(rows.map((r) => [r.raisedBy.id, r.raisedBy.name, r.raiserUnknown])).toEqual([
      ['import:old-boss', 'Old Boss', true],
      ['import', 'Register import', false],
    ]);
  });
});

describe('writing the register', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const goodRows = () => plan(fixture('good.csv')).rows;
  const run = (rows: readonly ImportRow[], options: Partial<ImportOptions> = {}, services: Services = h.services) =>
    importRows(services, rows, { file: 'good.csv', ...options });
  const entries = () => h.store.collection(COLLECTIONS.improvements).find({}, { sort: { id: 1 } });
  const events = () => h.store.collection(COLLECTIONS.audit).find({}, { sort: { seq: 1 } });

  it('creates each entry with its status, manager and one creation event noting the file, line and ref', async () => {
    const outcome = await run(goodRows());
    expect(outcome).toMatchObject({ imported: 3, skipped: 0, repaired: 0, overdue: 1, raiserUnknown: 1 });
    expect([...outcome.ids]).toEqual([[2, 'IMP-000001'], [3, 'IMP-000002'], [5, 'IMP-000003']]);
    const repo = createImprovementRepository(h.services);
    const review = (await repo.get('IMP-000002')).record;
    expect(review).toMatchObject({ status: 'in_progress', type: 'corrective_action', clause: '10.1', targetDate: '2020-01-15', owner: { id: 'lukas-becker' }, manager: { id: 'tom-okafor' } });
    const trail = await h.services.audit.listForRecord('improvement', 'IMP-000002');
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      action: 'improvement.created',
      actor: { id: 'system' },
      clause: '10',
      after: { status: 'in_progress', imported: true, importFile: 'good.csv', importLine: 3, importRef: 'IR-002', title: 'Close changes only with their review' },
    });
    expect(await h.services.audit.verify()).toMatchObject({ ok: true, checked: 3 });
    // The sweep finds the overdue one on its usual indexed query.
    expect((await repo.listTargetBetween(['in_progress'], '2020-01-01', '2020-12-31')).map((s) => s.record.id)).toEqual(['IMP-000002']);
  });

  it('skips everything already imported when the same file runs again: no new entries, numbers or events', async () => {
    await run(goodRows());
    const again = await run(goodRows());
    expect(again).toMatchObject({ imported: 0, skipped: 3, repaired: 0 });
    expect([...again.ids.values()]).toEqual(['IMP-000001', 'IMP-000002', 'IMP-000003']);
    expect(await entries()).toHaveLength(3);
    expect(await events()).toHaveLength(3);
    expect(await createImprovementRepository(h.services).nextNumber()).toBe(4);
  });

  it('reports progress after each batch', async () => {
    const seen: unknown[] = [];
    await run(goodRows(), { batchSize: 2, onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([
      { done: 2, total: 3, imported: 2, skipped: 0 },
      { done: 3, total: 3, imported: 3, skipped: 0 },
    ]);
  });

  it('when the audit log fails mid-way, keeps no entry without its event, and a rerun finishes the import', async () => {
    let appends = 0;
    const failing: Services = {
      ...h.services,
      audit: {
        ...h.services.audit,
        append: (input) => {
          appends += 1;
          return appends === 2 ? Promise.reject(new Error('audit store went away')) : h.services.audit.append(input);
        },
      },
    };
    const first = await run(goodRows(), {}, failing);
    expect(first).toMatchObject({ imported: 1, failure: { line: 3, message: 'audit store went away' } });
    expect((await entries()).map((e) => e.id)).toEqual(['IMP-000001']);
    expect(await events()).toHaveLength(1);

    const rerun = await run(goodRows());
    expect(rerun).toMatchObject({ imported: 2, skipped: 1 });
    expect(rerun.failure).toBeUndefined();
    const stored = await entries();
    expect(stored.map((e) => e.intakeKey)).toEqual(['import:ref:ir-001', 'import:ref:ir-002', 'import:ref:ir-003']);
    for (const entry of stored) expect(await h.services.audit.listForRecord('improvement', entry.id)).toHaveLength(1);
    expect(await h.services.audit.verify()).toMatchObject({ ok: true });
  });

  it('when the store refuses a write mid-way, stops there with the line and writes nothing of that row', async () => {
    const collection = h.store.collection.bind(h.store);
    let inserts = 0;
    const store = {
      ...h.store,
      kind: h.store.kind,
      collection: ((name: string) => {
        const c = collection(name);
        if (name !== COLLECTIONS.improvements) return c;
        return Object.assign(Object.create(c) as typeof c, {
          insertOne: (doc: never) => (++inserts === 3 ? Promise.reject(new Error('disk full')) : c.insertOne(doc)),
        });
      }) as typeof h.store.collection,
    };
    const outcome = await run(goodRows(), {}, { ...h.services, store });
    expect(outcome).toMatchObject({ imported: 2, failure: { line: 5, message: 'disk full' } });
    expect(await entries()).toHaveLength(2);
    expect(await events()).toHaveLength(2);
    expect(await run(goodRows())).toMatchObject({ imported: 1, skipped: 2 });
  });

  it('stops cleanly when asked (Ctrl-C), and a rerun continues where it stopped', async () => {
    let asked = 0;
    const stopped = await run(goodRows(), { shouldStop: () => ++asked > 2 });
    expect(stopped).toMatchObject({ imported: 2, stoppedAt: 5 });
    expect(await run(goodRows())).toMatchObject({ imported: 1, skipped: 2 });
  });

  it('gives an entry a crash left without its creation event that event on the rerun (after a grace period)', async () => {
    const [row] = goodRows();
    const orphan = importedImprovement(row!, { number: await createImprovementRepository(h.services).nextNumber(), now: h.clock.now() });
    await h.store.collection(COLLECTIONS.improvements).insertOne({ ...orphan, version: 1, intakeKey: row!.intakeKey });

    // Another import may be between its two writes right now: too fresh to repair.
    expect(await run([row!])).toMatchObject({ imported: 0, skipped: 1, repaired: 0 });
    h.clock.advance(5 * 60_000);
    expect(await run([row!])).toMatchObject({ imported: 0, skipped: 1, repaired: 1 });
    const trail = await h.services.audit.listForRecord('improvement', orphan.id);
    expect(trail.map((e) => [e.action, e.after?.repaired, e.after?.importLine])).toEqual([['improvement.created', true, 2]]);
    expect(await run([row!])).toMatchObject({ skipped: 1, repaired: 0 });
    expect(await h.services.audit.verify()).toMatchObject({ ok: true });
  });
});
