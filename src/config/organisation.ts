/**
 * Loads the organisation file (YAML) once at start-up. Every problem — a YAML syntax error, a field of the wrong
 * shape, a reference to someone who is not in the file — becomes one line an operator can click in an editor:
 *
 *     config/organisation.yaml:42:12: teams[2].lead: lead "sam" must be one of the team's members (ana, raj)
 *
 * Positions come from the YAML document's node ranges (parseDocument + LineCounter), so they are exact.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { organisationSchema, type Organisation } from '../domain/organisation';
import { formatPath } from '../domain/validation';

/**
 * The bundled example organisation. Resolved from this file's folder: `src/config` when run with tsx, and
 * `dist/src/config` after a build, where the example is one more level up (it is not copied into dist).
 */
export const DEFAULT_ORGANISATION_FILE = ((): string => {
  const candidates = ['../../config/organisation.example.yaml', '../../../config/organisation.example.yaml'].map((p) =>
    path.resolve(__dirname, p),
  );
  return candidates.find((p) => existsSync(p)) ?? (candidates[0] as string);
})();

/** One problem in the organisation file, located at its node. */
export interface OrganisationIssue {
  file: string;
  /** 1-based; absent when the file could not be read at all. */
  line?: number;
  column?: number;
  /** YAML path of the offending node, e.g. `teams[2].lead`; `(yaml)` for syntax errors, `(file)` when unreadable. */
  path: string;
  message: string;
  /** The whole line: `<file>:<line>:<col>: <path>: <message>`. */
  text: string;
}

/** The organisation file is missing or wrong; `message` is the first problem by line, `issues` has them all. */
export class OrganisationFileError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly path: string;
  readonly issues: readonly OrganisationIssue[];

  constructor(issues: readonly OrganisationIssue[]) {
    const first = issues[0];
    if (!first) throw new Error('OrganisationFileError needs at least one issue');
    super(first.text);
    this.name = 'OrganisationFileError';
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.path = first.path;
    this.issues = issues;
  }
}

function issue(file: string, pathText: string, message: string, pos?: { line: number; col: number }): OrganisationIssue {
  const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
  return { file, line: pos?.line, column: pos?.col, path: pathText, message, text: `${where}: ${pathText}: ${message}` };
}

/** Reads and validates the organisation file; throws {@link OrganisationFileError} with a located message. */
export function loadOrganisation(filePath: string = DEFAULT_ORGANISATION_FILE): Organisation {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOENT'
        ? 'organisation file not found'
        : code === 'EISDIR'
          ? 'this is a folder, not an organisation file'
          : `cannot read the organisation file (${code ?? String(error)})`;
    throw new OrganisationFileError([
      issue(
        filePath,
        '(file)',
        `${what}. Set ITSM_CONFIG to the path of your organisation file (copy config/organisation.example.yaml to start one), or unset ITSM_CONFIG to use the bundled example.`,
      ),
    ]);
  }
  return parseOrganisation(text, filePath);
}

/** Parses organisation YAML already in memory; `file` is only used in messages. */
export function parseOrganisation(text: string, file: string): Organisation {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new OrganisationFileError(
      sortByPosition(
        doc.errors.map((e) =>
          issue(file, '(yaml)', `YAML syntax: ${firstLine(e.message)}`, lineCounter.linePos(e.pos[0])),
        ),
      ),
    );
  }
  if (doc.contents === null || !isMap(doc.contents)) {
    const pos = doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]) : { line: 1, col: 1 };
    const message =
      doc.contents === null
        ? 'the file is empty; start from config/organisation.example.yaml'
        : 'the file must be a mapping with organisation, people, teams, services, priorities and approvers';
    throw new OrganisationFileError([issue(file, '(root)', message, pos)]);
  }
  const result = organisationSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  throw new OrganisationFileError(
    sortByPosition(result.error.issues.map((i) => locate(i, doc, lineCounter, file))),
  );
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function sortByPosition(issues: OrganisationIssue[]): OrganisationIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

type Issue = z.core.$ZodIssue;

/**
 * Finds where an issue points: `at` is the deepest node that exists along its path (for the position), `value`
 * the node at the full path when there is one (for describing what was found).
 */
function nodeAt(doc: Document, issuePath: readonly PropertyKey[]): { at: Node; value?: Node } {
  let node = doc.contents as Node;
  for (const part of issuePath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair || !isPair(pair)) return { at: node };
      // `key:` with no value is an empty scalar placed after it; the key is the better place to point.
      const value = pair.value as Node | null;
      if (!value || (isScalar(value) && value.source === '' && value.value === null)) return { at: pair.key as Node };
      node = value;
    } else if (isSeq(node) && typeof part === 'number' && node.items[part]) {
      node = node.items[part] as Node;
    } else {
      return { at: node };
    }
  }
  return { at: node, value: node };
}

function locate(zodIssue: Issue, doc: Document, lineCounter: LineCounter, file: string): OrganisationIssue {
  const found = nodeAt(doc, zodIssue.path);
  let target = found.at;
  let issuePath = zodIssue.path;
  let message = describe(zodIssue, found.value);
  if (zodIssue.code === 'unrecognized_keys' && found.value && isMap(found.value)) {
    // Point at the first unknown key itself, not at the map that contains it.
    const key = zodIssue.keys[0];
    const pair = found.value.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (pair?.key) target = pair.key as Node;
    if (key !== undefined) issuePath = [...zodIssue.path, key];
    message = unknownKeyMessage(zodIssue.keys, zodIssue.path);
  }
  const offset = target.range?.[0] ?? 0;
  return issue(file, formatPath(issuePath), message, lineCounter.linePos(offset));
}

/** What the value at a node is, in words, for "expected …, got …". */
function kindOf(node: Node | undefined): string {
  if (!node) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'an empty value';
    if (typeof v === 'number') return `the number ${v}`;
    if (typeof v === 'boolean') return `${v}`;
    return `"${String(v)}"`;
  }
  return 'something else';
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping (key: value lines)',
  array: 'a list ([a, b] or lines starting with "- ")',
  date: 'a date',
};

function describe(i: Issue, node: Node | undefined): string {
  switch (i.code) {
    case 'invalid_type': {
      const expected = TYPE_WORDS[i.expected] ?? i.expected;
      return node === undefined || (isScalar(node) && node.value === null)
        ? `required: expected ${expected}`
        : `expected ${expected}, got ${kindOf(node)}`;
    }
    case 'invalid_value':
      return `${kindOf(node)} is not allowed; use one of: ${i.values.map(String).join(', ')}`;
    case 'too_small':
      return i.origin === 'array' ? `needs at least ${String(i.minimum)} item(s)` : i.message.replace(/^Too small: /, '');
    case 'too_big':
      return i.origin === 'array' ? `allows at most ${String(i.maximum)} item(s)` : i.message.replace(/^Too big: /, '');
    case 'invalid_union': {
      const expected = [...new Set(i.errors.flatMap((branch) => branch.filter((e) => e.code === 'invalid_type').map((e) => TYPE_WORDS[(e as { expected: string }).expected] ?? 'something else')))];
      return expected.length > 0 ? `expected ${expected.join(' or ')}, got ${kindOf(node)}` : i.message;
    }
    case 'invalid_key':
      return `key is not allowed here: ${i.issues[0]?.message ?? i.message}`;
    default:
      return i.message;
  }
}

function unknownKeyMessage(keys: readonly string[], parentPath: readonly PropertyKey[]): string {
  const allowed = allowedKeysAt(parentPath);
  const key = keys[0] ?? '';
  // Allow about one typo per three letters, so "respond" finds "response" but "x" does not find "id".
  const tolerance = Math.max(1, Math.floor(key.length / 3));
  const suggestion = allowed.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= tolerance);
  const more = keys.length > 1 ? ` (and ${keys.slice(1).map((k) => `"${k}"`).join(', ')})` : '';
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
  return `unknown key "${key}"${more}${hint}${allowed.length > 0 ? `; allowed here: ${allowed.join(', ')}` : ''}`;
}

/** The keys the schema allows at a path, found by walking zod's definitions (wrappers unwrapped). */
function allowedKeysAt(issuePath: readonly PropertyKey[]): string[] {
  const defOf = (s: unknown): Record<string, unknown> | undefined => (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  const unwrap = (s: unknown): unknown => {
    for (let guard = 0; guard < 20; guard++) {
      const def = defOf(s);
      if (def?.type === 'pipe') s = def.in;
      else if (['optional', 'default', 'prefault', 'nullable', 'readonly'].includes(def?.type as string)) s = def?.innerType;
      // supportHours is "a calendar name or an inline calendar": the keys are the inline calendar's.
      else if (def?.type === 'union') s = (def.options as unknown[]).find((o) => defOf(o)?.type === 'object') ?? s;
      else return s;
    }
    return s;
  };
  let schema: unknown = organisationSchema;
  for (const part of issuePath) {
    const def = defOf(unwrap(schema));
    if (def?.type === 'object') schema = (def.shape as Record<string, unknown>)[String(part)];
    else if (def?.type === 'array') schema = def.element;
    else if (def?.type === 'record') schema = def.valueType;
    else return [];
  }
  const def = defOf(unwrap(schema));
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}
