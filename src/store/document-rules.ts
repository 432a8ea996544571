/**
 * Rules every store applies at its edge, so the embedded and MongoDB implementations refuse the same things with
 * the same messages: unsupported or internal (`_id`) query paths, malformed updates, documents without an `id`.
 * Pure functions; the stores call them before anything reaches NeDB or the driver.
 */
import { UPDATE_OPERATORS, assertSafeFilter, type Doc, type Filter, type IndexSpec, type Update } from './ports';

const UPDATE_OPS = new Set<string>(UPDATE_OPERATORS);

/**
 * True for a plain object literal (not a Date, RegExp, array, or class instance) — from any realm: objects made
 * by `structuredClone` or another vm context have another `Object.prototype`.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** True for a Date from any realm. */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

function refersToInternalId(path: string): boolean {
  return path === '_id' || path.startsWith('_id.');
}

/**
 * {@link assertSafeFilter} plus: no path may name the store's internal `_id` (the embedded store's random string,
 * MongoDB's ObjectId). Documents are addressed by their own `id`; a filter reaching `_id` would behave differently
 * per store and leak an implementation detail into the repositories.
 */
export function assertStoreFilter(filter: Filter): void {
  if (!isPlainObject(filter)) throw new Error('a filter must be a plain object');
  assertSafeFilter(filter);
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    if (!isPlainObject(value)) return;
    for (const [key, inner] of Object.entries(value)) {
      if (refersToInternalId(key)) throw new Error(`filters cannot use _id${path ? ` (at ${path})` : ''}; use id`);
      visit(inner, path ? `${path}.${key}` : key);
    }
  };
  visit(filter, '');
}

/** A field path with an empty part (`''`, `a..b`, `.a`, `a.`) or a part starting with `$`. */
const INVALID_PATH = /(?:^|\.)(?:\.|$|\$)/;

/**
 * Refuses updates the port does not define: no operator (a whole-document replacement), an operator outside
 * {@link UPDATE_OPERATORS}, a non-object operand, an empty or `$`-containing path, or a path that names `_id`.
 */
export function assertStoreUpdate(update: Update): void {
  if (!isPlainObject(update)) throw new Error('an update must be a plain object of update operators');
  const operators = Object.keys(update);
  if (operators.length === 0) throw new Error('an update needs at least one update operator, e.g. $set');
  for (const operator of operators) {
    if (!UPDATE_OPS.has(operator)) {
      throw new Error(
        operator.startsWith('$')
          ? `unsupported update operator ${operator}`
          : `updates must use operators ($set, …); whole-document replacement is not supported (got field ${operator})`,
      );
    }
    const operand = (update as Record<string, unknown>)[operator];
    if (!isPlainObject(operand)) throw new Error(`${operator} needs an object of field paths`);
    for (const path of Object.keys(operand)) {
      if (INVALID_PATH.test(path)) {
        throw new Error(`invalid field path "${path}" in ${operator}`);
      }
      if (refersToInternalId(path)) throw new Error(`updates cannot touch _id (in ${operator})`);
      if (path === 'id' || path.startsWith('id.')) {
        const value = operand[path];
        const setsAString = (operator === '$set' || operator === '$setOnInsert') && path === 'id';
        if (!setsAString || typeof value !== 'string' || value.length === 0) {
          throw new Error(`${operator} cannot make id anything but a non-empty string`);
        }
      }
    }
  }
  assertNoConflicts(update);
}

/**
 * Refuses two paths of one update that are the same field or one inside the other (`n` in `$set` and `$inc`, or
 * `a` and `a.b`), as MongoDB does — checked here so every store refuses it, the test stand-in included.
 */
function assertNoConflicts(update: Update): void {
  const operands = Object.values(update) as Array<Record<string, unknown>>;
  // One path cannot conflict with itself (most updates write one).
  if (operands.length === 1 && Object.keys(operands[0]!).length === 1) return;
  const paths = operands.flatMap((operand) => Object.keys(operand)).sort();
  for (let i = 1; i < paths.length; i++) {
    const a = paths[i - 1] as string;
    const b = paths[i] as string;
    if (a === b || b.startsWith(`${a}.`)) throw new Error(`updating the path '${b}' would create a conflict at '${a}'`);
  }
}

/** Refuses a document without a non-empty string `id`, or one carrying an `_id` of its own. */
export function assertInsertable(doc: Doc): void {
  if (!isPlainObject(doc)) throw new Error('a document must be a plain object');
  if (typeof doc.id !== 'string' || doc.id.length === 0) throw new Error('a document needs a non-empty string id');
  if ('_id' in doc) throw new Error('documents must not carry _id; the store keeps its own');
}

/**
 * A deep copy without `undefined` object fields (the port's "`undefined` fields are not stored"); `undefined`
 * inside arrays becomes `null`, as in JSON and BSON. Dates are copied as Dates.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : withoutUndefined(item))) as T;
  if (isDate(value)) return new Date(value.getTime()) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const inner = value[key];
    if (inner !== undefined) out[key] = withoutUndefined(inner);
  }
  return out as T;
}

/**
 * A deep copy of plain objects, arrays and Dates (anything else is shared). Not `structuredClone`: under Jest it
 * returns objects of another realm, whose Dates fail `instanceof Date`.
 */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => deepCopy(item)) as T;
  if (isDate(value)) return new Date(value.getTime()) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = deepCopy(value[key]);
  return out as T;
}

/** Removes `undefined` values from every operator's operand (an empty operand is dropped). */
export function updateWithoutUndefined(update: Update): Update {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [operator, operand] of Object.entries(update)) {
    const cleaned = withoutUndefined(operand as Record<string, unknown>);
    if (Object.keys(cleaned).length > 0) out[operator] = cleaned;
  }
  return out as Update;
}

/**
 * The projection paths to fetch: always `id`, and no path that another listed path already contains (MongoDB
 * refuses `a` together with `a.b` as a path collision).
 */
export function projectionPaths(projection: readonly string[]): string[] {
  const paths = [...new Set(['id', ...projection])].filter((path) => !refersToInternalId(path));
  return paths.filter((path) => !paths.some((other) => other !== path && path.startsWith(`${other}.`)));
}

/** The index name both stores use: MongoDB's own convention, `status_1_sla.resolveBy_1`. */
export function indexName(spec: IndexSpec): string {
  return Object.entries(spec.keys)
    .map(([path, direction]) => `${path}_${direction}`)
    .join('_');
}

/**
 * Refuses an upsert that would create a document without an `id`: the filter must pin `id` to a string (plainly or
 * with `$eq`), or `$set`/`$setOnInsert` must give one. Both stores check this, so neither can create an anonymous
 * document that no repository could address again.
 */
export function assertUpsertGivesId(filter: Filter, update: Update): void {
  const pinned = isPlainObject(filter.id) ? filter.id.$eq : filter.id;
  const set = update.$set?.id ?? update.$setOnInsert?.id;
  if ((typeof pinned === 'string' && pinned.length > 0) || (typeof set === 'string' && set.length > 0)) return;
  throw new Error('an upsert must give the new document a string id (in the filter or in $setOnInsert)');
}
