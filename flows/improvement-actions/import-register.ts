/**
 * Importing an existing improvement register from CSV (`npm run import:actions -- file.csv`, adapters/import-actions.ts).
 *
 * Two steps. {@link planImport} is pure: it reads the text, maps the header to the known columns (a missing
 * required column stops everything before anything is written), and checks every row the way the raise form does
 * (owner in the organisation file, target date written YYYY-MM-DD, the corrective-action fields) — except that a
 * target date in the past is allowed, since an old register has overdue items; they are counted instead. Each good
 * row becomes the domain's input plus an intake key; each bad row a rejection with its line number and reasons.
 *
 * {@link importRows} writes the good rows through the improvement repository: one entry per intake key, each
 * created with its audit event (`improvement.created`, noting the file, line and ref), or not at all. The intake key
 * comes from the row (its `ref` when the file has one, else a hash of its checked content), so running the same
 * file again skips what is already there instead of duplicating it — also after a crash or a store failure half-way,
 * which is how an interrupted import is finished. An entry a crash left without its creation event (killed between
 * the two writes) gets that event when the file is run again.
 */
import { createHash } from 'node:crypto';
import type { AuditActor } from '../../src/domain/audit';
import { canonicalJson } from '../../src/domain/audit';
import { daysBetween, isIsoDate } from '../../src/domain/dates';
import {
  clauseFor,
  IMPROVEMENT_PRIORITIES,
  IMPROVEMENT_SOURCES,
  IMPROVEMENT_STATUSES,
  IMPROVEMENT_TYPES,
  improvementSchema,
  newImprovementSchema,
  OPEN_IMPROVEMENT_STATUSES,
  type Improvement,
  type ImprovementStatus,
  type NewImprovement,
} from '../../src/domain/improvement';
import { PROCESSES, PROCESS_IDS, type Organisation, type ProcessId } from '../../src/domain/organisation';
import { canonicalRecordNumber, formatRecordNumber, SYSTEM_ACTOR, type PersonRef, type Reporter } from '../../src/domain/records';
import { formatPath } from '../../src/domain/validation';
import type { Services } from '../../src/engine/services';
import { COLLECTIONS } from '../../src/store/collections';
import { DuplicateKeyError } from '../../src/store/ports';
import { findPerson } from '../request-change/request-change.state';
import { LIMITS } from './improvement-actions.ids';
import { SOURCE_RECORD_PREFIXES } from './improvement-actions.state';
import { createImprovementRepository, improvementSnapshot } from './improvement.repository';
import { managerFor } from './roles';
import { CsvSyntaxError, parseCsv, type CsvRecord } from './csv';

/** The columns of an import file, in the order the usage text lists them. Header names are case-insensitive. */
export const IMPORT_COLUMNS = [
  { key: 'ref', header: 'ref', required: false, help: "the old register's id; makes a rerun safe even after the row was edited" },
  { key: 'title', header: 'title', required: true, help: `short title (${LIMITS.title} characters at most)` },
  { key: 'description', header: 'description', required: false, help: 'longer text (may be empty)' },
  { key: 'type', header: 'type', required: true, help: 'improvement | corrective action' },
  { key: 'source', header: 'source', required: true, help: IMPROVEMENT_SOURCES.map(spaced).join(', ') },
  { key: 'sourceRecord', header: 'source record', required: false, help: `an ${SOURCE_RECORD_PREFIXES.map((p) => `${p}…`).join(' / ')} number` },
  { key: 'owner', header: 'owner', required: true, help: 'a person in the organisation file: id, name or e-mail' },
  { key: 'process', header: 'process', required: false, help: 'a process id or name (default: improvement)' },
  { key: 'priority', header: 'priority', required: true, help: `${IMPROVEMENT_PRIORITIES.join(' | ')} (empty: medium)` },
  { key: 'targetDate', header: 'target date', required: true, help: 'YYYY-MM-DD; past dates are allowed (counted as overdue)' },
  { key: 'status', header: 'status', required: false, help: `${IMPROVEMENT_STATUSES.map(spaced).join(' | ')} (empty: approved)` },
  { key: 'nonconformity', header: 'nonconformity', required: false, help: 'what went wrong, where (corrective actions: required)' },
  { key: 'correction', header: 'correction', required: false, help: 'what was done at once to contain it (corrective actions: required)' },
  { key: 'rootCause', header: 'root cause', required: false, help: 'why it happened (corrective actions: required)' },
  { key: 'raisedBy', header: 'raised by', required: false, help: 'who raised it: a person in the organisation file, or a name (empty: "import")' },
] as const;

/** A column of an import file. */
export type ImportColumn = (typeof IMPORT_COLUMNS)[number]['key'];

/** The status an imported entry gets when the file does not say. */
export const DEFAULT_IMPORT_STATUS: ImprovementStatus = 'approved';

/** Who raised an entry when the file does not say (the record needs a reporter and a channel). */
export const IMPORT_RAISER: Reporter = { id: 'import', name: 'Register import', channel: 'webchat' };

/** The audit trail's actor for imported entries: the bot, acting for the operator who ran the import. */
export const IMPORT_ACTOR: AuditActor = { id: SYSTEM_ACTOR.id, name: SYSTEM_ACTOR.name };

/** A file that cannot be imported at all: nothing is written. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** A row that passed every check, ready to be written. */
export interface ImportRow {
  /** The line the row starts on (the header is line 1). */
  line: number;
  /** One entry per key: `import:ref:<ref>` or `import:sha256:<hash of the checked row>`. */
  intakeKey: string;
  ref?: string;
  /** The domain's input (already valid). */
  input: NewImprovement & { owner: PersonRef };
  status: ImprovementStatus;
  raisedBy: Reporter;
  /** Still open and its target date is before today: it arrives overdue. */
  overdue: boolean;
  /** `raised by` named someone not in the organisation file (kept as written). */
  raiserUnknown: boolean;
}

/** A bad row and why (every reason, each naming its column). */
export interface ImportRejection {
  line: number;
  reasons: string[];
}

/** What a file holds, checked. */
export interface ImportPlan {
  rows: ImportRow[];
  rejected: ImportRejection[];
  /** Header cells that name no known column (their values are ignored). */
  ignoredColumns: string[];
  /** Data rows read (good and bad). */
  total: number;
}

function spaced(value: string): string {
  return value.replace(/_/g, ' ');
}

/** `Target Date`, `target_date`, `targetDate` → `targetdate`. */
function headerKey(cell: string): string {
  return cell.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** `In Progress`, `in-progress`, `in_progress` → `in_progress`. */
function choiceKey(value: string): string {
  return value.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

const STATUS_ALIASES: Record<string, ImprovementStatus> = { effectiveness_verified: 'verified', open: 'approved', closed: 'done' };

function choose<T extends string>(values: readonly T[], typed: string, aliases: Record<string, T> = {}): T | undefined {
  const key = choiceKey(typed);
  return values.find((v) => v === key) ?? aliases[key];
}

function chooseProcess(typed: string): ProcessId | undefined {
  const key = typed.trim().toLowerCase();
  const asId = key.replace(/[\s_]+/g, '-');
  return PROCESS_IDS.find((id) => id === asId || PROCESSES[id].name.toLowerCase() === key);
}

function refOf(person: { id: string; name: string; email?: string }): PersonRef {
  return { id: person.id, name: person.name, ...(person.email ? { email: person.email } : {}) };
}

function quoteShort(value: string, max = 60): string {
  return `"${value.length > max ? `${value.slice(0, max)}…` : value}"`;
}

/** Maps the header to the known columns; throws {@link ImportFileError} when a required one is missing or doubled. */
export function readHeader(header: CsvRecord): { index: Map<ImportColumn, number>; ignored: string[] } {
  if (header.error) throw new ImportFileError(`line ${header.line} (the header): ${header.error}`);
  const byKey = new Map<string, ImportColumn>(IMPORT_COLUMNS.map((c) => [headerKey(c.header), c.key]));
  const index = new Map<ImportColumn, number>();
  const ignored: string[] = [];
  header.fields.forEach((cell, i) => {
    const column = byKey.get(headerKey(cell));
    if (!column) {
      ignored.push(cell.trim() === '' ? `(column ${i + 1}, no name)` : cell.trim());
      return;
    }
    if (index.has(column)) throw new ImportFileError(`the header names the column "${cell.trim()}" twice (columns ${(index.get(column) ?? 0) + 1} and ${i + 1})`);
    index.set(column, i);
  });
  const missing = IMPORT_COLUMNS.filter((c) => c.required && !index.has(c.key)).map((c) => `"${c.header}"`);
  if (missing.length > 0) {
    throw new ImportFileError(`the header has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''} (it has: ${header.fields.map((f) => f.trim()).join(', ')})`);
  }
  return { index, ignored };
}

/** Checks one data row; `today` is the organisation's date (a target date before it makes the entry overdue). */
export function checkRow(
  record: CsvRecord,
  header: { index: Map<ImportColumn, number>; width: number },
  org: Organisation,
  today: string,
): { row: Omit<ImportRow, 'intakeKey'> } | { reasons: string[] } {
  if (record.error) return { reasons: [record.error] };
  const extra = record.fields.slice(header.width).some((f) => f.trim() !== '');
  if (record.fields.length < header.width || extra) {
    return { reasons: [`has ${record.fields.length} fields but the header has ${header.width} (a missing or extra comma, or a quote not closed on the line before?)`] };
  }
  const value = (column: ImportColumn): string => {
    const i = header.index.get(column);
    return i === undefined ? '' : (record.fields[i] ?? '').trim();
  };
  const reasons: string[] = [];
  const tooLong = (column: ImportColumn, label: string, max: number) => {
    const v = value(column);
    if (v.length > max) reasons.push(`${label}: ${max} characters at most (this is ${v.length})`);
  };

  const ref = value('ref');
  if (ref.length > 100) reasons.push(`ref: 100 characters at most (this is ${ref.length})`);
  const title = value('title');
  if (title === '') reasons.push('title: empty');
  tooLong('title', 'title', LIMITS.title);
  tooLong('description', 'description', LIMITS.description);

  const typed = { type: value('type'), source: value('source'), priority: value('priority'), status: value('status'), process: value('process') };
  const type = choose(IMPROVEMENT_TYPES, typed.type);
  if (!type) reasons.push(`type: ${typed.type === '' ? 'empty' : quoteShort(typed.type)}; write improvement or corrective action`);
  const source = choose(IMPROVEMENT_SOURCES, typed.source);
  if (!source) reasons.push(`source: ${typed.source === '' ? 'empty' : quoteShort(typed.source)}; write one of ${IMPROVEMENT_SOURCES.map(spaced).join(', ')}`);
  const typedRecord = value('sourceRecord');
  const sourceRef = typedRecord === '' ? undefined : canonicalRecordNumber(typedRecord);
  if (typedRecord !== '' && !SOURCE_RECORD_PREFIXES.some((p) => sourceRef?.startsWith(p))) {
    reasons.push(`source record: ${quoteShort(typedRecord, 40)} is not an incident, change or problem number (like INC-000123)`);
  }
  const priority = typed.priority === '' ? 'medium' : choose(IMPROVEMENT_PRIORITIES, typed.priority);
  if (!priority) reasons.push(`priority: ${quoteShort(typed.priority)}; write high, medium or low`);
  const status = typed.status === '' ? DEFAULT_IMPORT_STATUS : choose(IMPROVEMENT_STATUSES, typed.status, STATUS_ALIASES);
  if (!status) reasons.push(`status: ${quoteShort(typed.status)}; write one of ${IMPROVEMENT_STATUSES.map(spaced).join(', ')}`);
  const process = typed.process === '' ? 'improvement' : chooseProcess(typed.process);
  if (!process) reasons.push(`process: ${quoteShort(typed.process)} is not a process id (like ${PROCESS_IDS.slice(0, 3).join(', ')}) or name`);

  const typedOwner = value('owner');
  const owner = typedOwner === '' ? undefined : findPerson(org, typedOwner);
  if (typedOwner === '') reasons.push('owner: empty; name a person from the organisation file');
  else if (!owner) reasons.push(`owner: ${quoteShort(typedOwner)} is not in the organisation file (give their id, name or e-mail)`);

  const targetDate = value('targetDate');
  if (targetDate === '') reasons.push('target date: empty');
  else if (!isIsoDate(targetDate)) reasons.push(`target date: ${quoteShort(targetDate, 30)} is not a date written YYYY-MM-DD`);

  const nonconformity = value('nonconformity');
  const correction = value('correction');
  const rootCause = value('rootCause');
  tooLong('nonconformity', 'nonconformity', LIMITS.text);
  tooLong('correction', 'correction', LIMITS.text);
  tooLong('rootCause', 'root cause', LIMITS.text);
  if (type === 'corrective_action') {
    if (nonconformity === '') reasons.push('nonconformity: a corrective action must describe the nonconformity it corrects');
    if (correction === '') reasons.push('correction: a corrective action must say what was done at once to contain it');
    if (rootCause === '') reasons.push('root cause: a corrective action must say why it happened');
  }

  const typedRaiser = value('raisedBy');
  const raiser = typedRaiser === '' ? undefined : findPerson(org, typedRaiser);
  if (typedRaiser.length > 200) reasons.push(`raised by: 200 characters at most (this is ${typedRaiser.length})`);

  if (reasons.length > 0 || !type || !source || !priority || !status || !process || !owner) return { reasons };

  const input: ImportRow['input'] = {
    title,
    description: value('description'),
    source: { kind: source, ...(sourceRef ? { ref: sourceRef } : {}) },
    type,
    process,
    owner: refOf(owner),
    priority,
    targetDate,
    // Improvements may carry them too when the old register had them; corrective actions must.
    ...(nonconformity ? { nonconformity: { what: nonconformity } } : {}),
    ...(correction ? { correction } : {}),
    ...(rootCause ? { rootCause } : {}),
  };
  // Whatever else the domain asks of an entry (the same schema createImprovement applies).
  const checked = newImprovementSchema.safeParse(input);
  if (!checked.success) return { reasons: checked.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`) };

  const raisedBy: Reporter = raiser
    ? { ...refOf(raiser), channel: IMPORT_RAISER.channel }
    : typedRaiser === ''
      ? IMPORT_RAISER
      : { id: `import:${typedRaiser.toLowerCase().replace(/\s+/g, '-')}`, name: typedRaiser, channel: IMPORT_RAISER.channel };
  return {
    row: {
      line: record.line,
      ...(ref ? { ref } : {}),
      input,
      status,
      raisedBy,
      overdue: OPEN_IMPROVEMENT_STATUSES.includes(status) && daysBetween(today, targetDate) < 0,
      raiserUnknown: typedRaiser !== '' && !raiser,
    },
  };
}

/**
 * The intake key of a checked row: its ref (case-insensitive) when it has one, else a hash of what it says once
 * checked — so the same file run again (from another folder, with CRLF instead of LF, with columns in another
 * order, an owner written as an e-mail instead of a name) finds the same keys.
 */
export function intakeKeyOf(row: Omit<ImportRow, 'intakeKey'>): string {
  if (row.ref) return `import:ref:${row.ref.toLowerCase()}`;
  const content = { ...row.input, owner: row.input.owner.id, status: row.status, raisedBy: row.raisedBy.id };
  return `import:sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}

/**
 * Reads and checks a whole file (pure). Throws {@link ImportFileError} when it cannot be imported at all: not CSV,
 * no header, a required column missing. Two rows with the same ref, or the same content and no ref, are one
 * action: the later one is rejected, naming the first.
 */
export function planImport(text: string, org: Organisation, today: string): ImportPlan {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new ImportFileError(error.message);
    throw error;
  }
  const [headerRecord, ...data] = records;
  if (!headerRecord) throw new ImportFileError('the file is empty; the first line must be the header (title, type, source, owner, priority, target date, …)');
  const { index, ignored } = readHeader(headerRecord);
  const header = { index, width: headerRecord.fields.length };

  const rows: ImportRow[] = [];
  const rejected: ImportRejection[] = [];
  const firstLine = new Map<string, number>();
  for (const record of data) {
    const checked = checkRow(record, header, org, today);
    if ('reasons' in checked) {
      rejected.push({ line: record.line, reasons: checked.reasons });
      continue;
    }
    const intakeKey = intakeKeyOf(checked.row);
    const earlier = firstLine.get(intakeKey);
    if (earlier !== undefined) {
      const why = checked.row.ref ? `ref: ${quoteShort(checked.row.ref)} is also on line ${earlier}` : `the same action as line ${earlier} (give each row a ref to tell them apart)`;
      rejected.push({ line: record.line, reasons: [why] });
      continue;
    }
    firstLine.set(intakeKey, record.line);
    rows.push({ ...checked.row, intakeKey });
  }
  return { rows, rejected, ignoredColumns: ignored, total: data.length };
}

/** The stored entry for a row: the import's own status, numbered `number`, created at `now`. */
export function importedImprovement(row: ImportRow, ctx: { number: number; now: Date; manager?: PersonRef }): Improvement {
  const data = newImprovementSchema.parse(row.input);
  return improvementSchema.parse({
    id: formatRecordNumber('IMP', ctx.number),
    ...data,
    owner: row.input.owner,
    manager: data.manager ?? ctx.manager,
    raisedBy: row.raisedBy,
    status: row.status,
    channel: row.raisedBy.channel,
    messages: [],
    clause: clauseFor(data.type),
    createdAt: ctx.now,
    updatedAt: ctx.now,
  });
}

/** Where an imported entry came from, kept on its creation event. */
export function importNote(row: Pick<ImportRow, 'line' | 'ref'>, file: string): Record<string, unknown> {
  return { imported: true, importFile: file, importLine: row.line, ...(row.ref ? { importRef: row.ref } : {}) };
}

/** Progress after each batch. */
export interface ImportProgress {
  /** Rows written or found already imported so far. */
  done: number;
  total: number;
  imported: number;
  skipped: number;
}

/** What {@link importRows} did. */
export interface ImportOutcome {
  /** Created now, each with its audit event. */
  imported: number;
  /** Already there from an earlier run (same intake key). */
  skipped: number;
  /** Of those skipped, entries a crash had left without their creation event, which they now have. */
  repaired: number;
  /** Of those imported, entries still open with a target date in the past. */
  overdue: number;
  /** Of those imported, entries raised by someone not in the organisation file (kept as written). */
  raiserUnknown: number;
  /** The numbers given, by line. */
  ids: Map<number, string>;
  /** The write that failed, and where: every row before it is complete; a rerun of the file continues here. */
  failure?: { line: number; message: string };
  /** Stopped on request (Ctrl-C) before this line; a rerun continues here. */
  stoppedAt?: number;
}

export interface ImportOptions {
  /** The file's name as the audit events should show it. */
  file: string;
  /** Rows per batch: one query finds which are already imported; progress is reported after each (default 500). */
  batchSize?: number;
  onProgress?(progress: ImportProgress): void;
  /** Asked before each row: true stops cleanly (the row in hand is finished first). */
  shouldStop?(): boolean;
  /** An entry found without any audit event is given its creation event only when older than this (default 60 s). */
  repairAfterMs?: number;
}

interface IntakeDoc {
  id: string;
  intakeKey?: string;
  createdAt?: Date;
  [field: string]: unknown;
}

/** Services whose audit log adds `extra` to each event's `after` (the repository's create event, noted as an import). */
function noting(services: Services, extra: Record<string, unknown>): Services {
  const audit = services.audit;
  return { ...services, audit: { ...audit, append: (input) => audit.append({ ...input, after: { ...input.after, ...extra } }) } };
}

/** Writes the planned rows, in batches; see the file comment. Store failures are reported, not thrown. */
export async function importRows(services: Services, rows: readonly ImportRow[], options: ImportOptions): Promise<ImportOutcome> {
  const batchSize = options.batchSize ?? 500;
  const repairAfterMs = options.repairAfterMs ?? 60_000;
  const outcome: ImportOutcome = { imported: 0, skipped: 0, repaired: 0, overdue: 0, raiserUnknown: 0, ids: new Map() };
  const improvements = services.store.collection<IntakeDoc>(COLLECTIONS.improvements);
  const events = services.store.collection(COLLECTIONS.audit);
  const repo = createImprovementRepository(services);

  const skip = (row: ImportRow, id: string) => {
    outcome.skipped += 1;
    outcome.ids.set(row.line, id);
  };

  /** Entries of this batch already imported, and the creation event for any a crash left without one. */
  async function alreadyImported(batch: readonly ImportRow[]): Promise<Map<string, string>> {
    const found = await improvements.find({ intakeKey: { $in: batch.map((r) => r.intakeKey) } }, { projection: ['intakeKey', 'createdAt'] });
    const byKey = new Map(found.map((doc) => [doc.intakeKey as string, doc]));
    if (found.length > 0) {
      const audited = await events.find({ 'record.kind': 'improvement', 'record.id': { $in: found.map((d) => d.id) } }, { projection: ['record'] });
      const withEvents = new Set(audited.map((e) => (e.record as { id: string }).id));
      const cutoff = services.clock.now().getTime() - repairAfterMs;
      for (const row of batch) {
        const doc = byKey.get(row.intakeKey);
        if (!doc || withEvents.has(doc.id) || !(doc.createdAt instanceof Date) || doc.createdAt.getTime() > cutoff) continue;
        const stored = await repo.get(doc.id);
        await services.audit.append({
          at: services.clock.now(),
          actor: IMPORT_ACTOR,
          action: 'improvement.created',
          record: { kind: 'improvement', id: doc.id },
          after: { ...improvementSnapshot(stored.record), title: stored.record.title, clause: stored.record.clause, source: stored.record.source.kind, ...importNote(row, options.file), repaired: true },
          clause: '10',
        });
        outcome.repaired += 1;
      }
    }
    return new Map(found.map((doc) => [doc.intakeKey as string, doc.id]));
  }

  async function create(row: ImportRow): Promise<void> {
    const number = await repo.nextNumber();
    const found = managerFor(services, row.input.owner.id);
    const manager = found ? refOf(found) : undefined;
    const improvement = importedImprovement(row, { number, now: services.clock.now(), ...(manager ? { manager } : {}) });
    try {
      await createImprovementRepository(noting(services, importNote(row, options.file))).create(improvement, { intakeKey: row.intakeKey, actor: IMPORT_ACTOR });
    } catch (error) {
      // Another import of the same file got there first (MongoDB lets two run at once): that one counts.
      const raced = error instanceof DuplicateKeyError ? await repo.findByIntakeKey(row.intakeKey) : null;
      if (!raced) throw error;
      skip(row, raced.record.id);
      return;
    }
    outcome.imported += 1;
    outcome.ids.set(row.line, improvement.id);
    if (row.overdue) outcome.overdue += 1;
    if (row.raiserUnknown) outcome.raiserUnknown += 1;
  }

  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    let current = batch[0] as ImportRow;
    try {
      const existing = await alreadyImported(batch);
      for (const row of batch) {
        current = row;
        if (options.shouldStop?.()) {
          outcome.stoppedAt = row.line;
          return outcome;
        }
        const id = existing.get(row.intakeKey);
        if (id) skip(row, id);
        else await create(row);
      }
    } catch (error) {
      outcome.failure = { line: current.line, message: error instanceof Error ? error.message : String(error) };
      return outcome;
    }
    options.onProgress?.({ done: Math.min(start + batchSize, rows.length), total: rows.length, imported: outcome.imported, skipped: outcome.skipped });
  }
  return outcome;
}
