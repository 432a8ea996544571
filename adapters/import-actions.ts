/**
 * `npm run import:actions -- register.csv`: loads an existing improvement register into the configured store (the
 * same store and organisation file as the bot, under the same DATA_DIR lock as `npm run job`: with the embedded
 * store, stop the bot first). The file is read and checked completely before the store is opened, so a file that
 * cannot be imported (unreadable, not UTF-8, a required column missing) changes nothing. Good rows are then written
 * one by one, each with its audit event, in batches of 500 with progress after each; bad rows are listed with
 * their line numbers. Running the same file again skips what is already imported, which is also how an import
 * stopped by a store failure or Ctrl-C is finished. The rules live in flows/improvement-actions/import-register.ts.
 *
 * Exit codes: 0 every row imported (or already there); 1 some rows rejected, the good ones imported; 2 usage or a
 * fatal error (nothing of the failing row is kept; rows before it are complete and are skipped on a rerun).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import pino from 'pino';
import { decodeUtf8, NotUtf8Error } from '../flows/improvement-actions/csv';
import {
  DEFAULT_IMPORT_STATUS,
  IMPORT_COLUMNS,
  ImportFileError,
  importRows,
  planImport,
  type ImportOutcome,
  type ImportPlan,
} from '../flows/improvement-actions/import-register';
import { EnvError, parseEnv, type Env } from '../src/config/env';
import { DEFAULT_ORGANISATION_FILE, loadOrganisation, OrganisationFileError } from '../src/config/organisation';
import { localIsoDate } from '../src/domain/dates';
import { systemClock } from '../src/engine/clock';
import type { Services } from '../src/engine/services';
import { openFoundation } from './bot';
import { createLogger } from './logging';
import { startupFailure } from './startup-errors';

const NAME = 'itsm-bot import';

/** The usage text: how to run it and the columns a file may have. */
function usage(): string {
  const width = Math.max(...IMPORT_COLUMNS.map((c) => c.header.length)) + 2;
  const columns = IMPORT_COLUMNS.map((c) => `  ${c.header.padEnd(width)}${c.required ? 'required' : 'optional'}  ${c.help}`).join('\n');
  return [
    'usage: npm run import:actions -- [--check] <file.csv>',
    '',
    'Loads an existing improvement register (CSV, UTF-8 with or without BOM, a header row first) into the',
    "bot's store (MONGODB_URI, else DATA_DIR: stop the bot first, as for `npm run job`). --check only checks",
    'the file and writes nothing. Rows already imported (same ref, else same content) are skipped, so running',
    'the same file again is safe and finishes an interrupted import.',
    '',
    'Columns (header names are case-insensitive; other columns are ignored with a warning):',
    columns,
    '',
    `Imported entries keep their status (default ${DEFAULT_IMPORT_STATUS}); no cards are sent, the nudge sweep picks up what is due.`,
    'Exit codes: 0 all rows imported or already there; 1 some rows rejected (listed with their line numbers),',
    'the good ones imported; 2 usage or a fatal error (nothing of the failing row is kept).',
  ].join('\n');
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Reads the file and checks every row; null (after saying why) when it cannot be imported at all. */
function readPlan(path: string, env: Env): ImportPlan | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    err(`${NAME}: cannot read ${path}: ${(error as Error).message}; nothing imported`);
    return null;
  }
  let text: string;
  try {
    text = decodeUtf8(bytes);
  } catch (error) {
    if (!(error instanceof NotUtf8Error)) throw error;
    err(`${NAME}: ${path}: ${error.message}; nothing imported`);
    return null;
  }
  try {
    const org = loadOrganisation(env.ITSM_CONFIG ?? DEFAULT_ORGANISATION_FILE);
    return planImport(text, org, localIsoDate(systemClock.now(), org.timeZone));
  } catch (error) {
    if (error instanceof ImportFileError) err(`${NAME}: ${path}: ${error.message}; nothing imported`);
    else if (error instanceof OrganisationFileError) err(`${NAME}: ${error.message}`);
    else throw error;
    return null;
  }
}

function reportPlan(plan: ImportPlan): void {
  if (plan.ignoredColumns.length > 0) err(`warning: ignoring columns the import does not know: ${plan.ignoredColumns.join(', ')}`);
  for (const rejection of plan.rejected) err(`line ${rejection.line}: ${rejection.reasons.join('; ')}`);
}

function summarise(file: string, plan: ImportPlan, outcome: ImportOutcome): void {
  out(`${file}: ${outcome.imported} imported, ${outcome.skipped} skipped as already imported, ${plan.rejected.length} rejected (${plural(plan.total, 'row')})`);
  if (outcome.overdue > 0) out(`warning: ${plural(outcome.overdue, 'imported entry is', 'imported entries are')} past the target date (overdue: the nudges will start)`);
  if (outcome.raiserUnknown > 0) out(`warning: ${plural(outcome.raiserUnknown, 'entry names a raiser', 'entries name a raiser')} not in the organisation file (kept as written)`);
  if (outcome.repaired > 0) out(`note: ${plural(outcome.repaired, 'entry', 'entries')} from an interrupted run got the audit event it lacked`);
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(usage());
    return 0;
  }
  const check = argv.includes('--check');
  const files = argv.filter((a) => a !== '--check');
  const [path] = files;
  if (!path || files.length !== 1 || path.startsWith('-')) {
    err(usage());
    return 2;
  }
  let env: Env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      err(`${NAME}: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const file = basename(path);

  // The whole file is checked before the store is opened: a file that cannot be imported changes nothing.
  const plan = readPlan(path, env);
  if (!plan) return 2;
  reportPlan(plan);
  if (check) {
    const overdue = plan.rows.filter((r) => r.overdue).length;
    out(`${file}: ${plural(plan.total, 'row')} checked: ${plan.rows.length} good, ${plan.rejected.length} rejected${overdue > 0 ? `, ${overdue} overdue` : ''}; nothing written (--check)`);
    return plan.rejected.length > 0 ? 1 : 0;
  }

  // Logs go to stderr: stdout is the report.
  const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, pino.destination({ dest: 2, sync: true }));
  let services: Services;
  try {
    services = await openFoundation(env, logger);
  } catch (error) {
    err(`${NAME}: ${startupFailure(error, env)}; nothing imported`);
    return 2;
  }

  // Ctrl-C (or a stop from a supervisor) finishes the row in hand, then stops; a rerun continues.
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (plan.rows.length > 0) out(`importing ${plural(plan.rows.length, 'row')} from ${file} into the ${services.store.kind} store…`);
    const outcome = await importRows(services, plan.rows, {
      file,
      shouldStop: () => stopping,
      onProgress: (p) => {
        if (p.done < p.total) out(`… ${p.done} of ${p.total} rows (${p.imported} imported, ${p.skipped} already imported)`);
      },
    });
    summarise(file, plan, outcome);
    const resume = 'run the same file again to import the rest: rows already imported are skipped';
    if (outcome.failure) {
      err(`${NAME}: the store failed at line ${outcome.failure.line}: ${outcome.failure.message}`);
      err(`${NAME}: nothing of line ${outcome.failure.line} was kept; every row before it is imported with its audit event; ${resume}`);
      return 2;
    }
    if (outcome.stoppedAt !== undefined) {
      err(`${NAME}: stopped before line ${outcome.stoppedAt}; ${resume}`);
      return 2;
    }
    return plan.rejected.length > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await services.store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    err(`${NAME}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
