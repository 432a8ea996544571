/**
 * MongoDB query semantics for the embedded store. NeDB's own matcher differs from MongoDB's in ways repositories
 * would trip over (`$ne` on arrays, `{ field: null }` not matching a missing field, `$not` being top-level only,
 * no `$eq`, `$regex` needing a RegExp), so matching is done by `mingo` — the engine the MongoDB stand-in uses —
 * through NeDB's `$where`. Plain top-level equality, `$in` and numeric/date range conditions are also handed to
 * NeDB as they are, so its indexes still pick the candidates. Sorting and projection follow MongoDB's rules
 * (BSON type order, binary string order, missing = null; dotted paths through arrays).
 */
import { Query } from 'mingo';
import { isDate, isPlainObject } from '../../../src/store/document-rules';
import type { Filter, Sort } from '../../../src/store/ports';

type Value = unknown;

function isIndexablePrimitive(value: Value): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || isDate(value);
}

function isRange(value: Value): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return (
    keys.length > 0 &&
    keys.every((key) => ['$gt', '$gte', '$lt', '$lte'].includes(key)) &&
    Object.values(value).every((bound) => typeof bound === 'number' || isDate(bound))
  );
}

/**
 * The NeDB query for a port filter: its {@link indexConditions} plus a `$where` running the full filter through
 * {@link compileFilter}. An empty filter matches everything without a `$where`.
 */
export function toNedbQuery(filter: Filter): Record<string, unknown> {
  if (Object.keys(filter).length === 0) return {};
  const matcher = compileFilter(filter);
  return {
    ...indexConditions(filter),
    $where(this: Record<string, unknown>): boolean {
      return matcher(this);
    },
  };
}

/**
 * The top-level conditions of a filter NeDB can pick candidates by from an index, where NeDB's meaning equals
 * MongoDB's: equality with a string, number, boolean or date, `$in` of those, one range bound. They only narrow
 * the candidates: the full filter decides.
 */
export function indexConditions(filter: Filter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [path, condition] of Object.entries(filter)) {
    if (path.startsWith('$')) continue;
    if (isIndexablePrimitive(condition)) query[path] = condition;
    else if (isPlainObject(condition)) {
      const keys = Object.keys(condition);
      if (keys.length === 1 && Array.isArray(condition.$in) && condition.$in.every(isIndexablePrimitive)) query[path] = { $in: condition.$in };
      // One bound only: on an array field MongoDB lets different elements meet different bounds, while NeDB asks
      // one element to meet all of them — a single bound is implied either way, and enough to pick the index.
      else if (isRange(condition)) {
        const [operator, bound] = Object.entries(condition)[0] as [string, unknown];
        query[path] = { [operator]: bound };
      }
    }
  }
  return query;
}

// ---- matching ------------------------------------------------------------------------------------------------

/** One condition of a plain filter: true or false when it can tell for sure, undefined when mingo must decide. */
type Check = (doc: Record<string, unknown>) => boolean | undefined;

const RANGE_TESTS: Record<string, (c: number) => boolean> = {
  $gt: (c) => c > 0,
  $gte: (c) => c >= 0,
  $lt: (c) => c < 0,
  $lte: (c) => c <= 0,
};

/** The value at a dotted path, `undefined` when missing, or ARRAY when the path meets an array (mingo decides). */
const ARRAY = Symbol('array');
function plainValueAt(doc: Record<string, unknown>, parts: readonly string[]): unknown {
  let node: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(node)) return ARRAY;
    if (!isPlainObject(node)) return undefined;
    node = node[part];
  }
  return Array.isArray(node) ? ARRAY : node;
}

/** A number or date the fast path can compare exactly; anything else (NaN, an invalid date) goes to mingo. */
function comparable(value: Value): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (isDate(value)) return Number.isFinite(value.getTime()) ? value.getTime() : undefined;
  return undefined;
}

/**
 * The exact check for `$in` over strings, booleans, finite numbers and valid dates, else null: set look-ups, each
 * type in its own set (`'1'` never matches `1`; dates by instant). A sweep asks for thousands of keys or dates at
 * once, and mingo compared every document with the whole list. A missing path or null matches none of them (null
 * is not in such a list); a value of another kind is left to mingo.
 */
function inCheck(parts: readonly string[], list: readonly Value[]): Check | null {
  const strings = new Set<string>();
  const booleans = new Set<boolean>();
  const numbers = new Set<number>();
  const dates = new Set<number>();
  for (const item of list) {
    if (typeof item === 'string') strings.add(item);
    else if (typeof item === 'boolean') booleans.add(item);
    else if (comparable(item) === undefined) return null;
    else if (isDate(item)) dates.add(item.getTime());
    else numbers.add(item as number);
  }
  return (doc) => {
    const value = plainValueAt(doc, parts);
    if (value === ARRAY) return undefined;
    if (value === undefined || value === null) return false;
    if (typeof value === 'string') return strings.has(value);
    if (typeof value === 'boolean') return booleans.has(value);
    const actual = comparable(value);
    if (actual === undefined) return undefined;
    return isDate(value) ? dates.has(actual) : numbers.has(actual);
  };
}

/**
 * The exact check for one `path: condition` of the simple kinds — equality with a string, boolean, finite number
 * or valid date, `$in` of those, or `$gt/$gte/$lt/$lte` bounds that are finite numbers or valid dates — else null.
 * MongoDB's rules as they apply to a value that is not an array: equality and ranges only between values of the
 * same type (strings compared exactly, numbers by value, dates by instant); a missing path or null matches none
 * of them.
 */
function simpleCheck(path: string, condition: Value): Check | null {
  const parts = path.split('.');
  if (isPlainObject(condition) && Object.keys(condition).length === 1 && Array.isArray(condition.$in)) return inCheck(parts, condition.$in);
  if (typeof condition === 'string' || typeof condition === 'boolean') {
    return (doc) => {
      const value = plainValueAt(doc, parts);
      return value === ARRAY ? undefined : value === condition;
    };
  }
  const expected = comparable(condition);
  if (expected !== undefined) {
    const wantDate = isDate(condition);
    return (doc) => {
      const value = plainValueAt(doc, parts);
      if (value === ARRAY) return undefined;
      if (typeof value === 'number' && Number.isNaN(value)) return undefined;
      if (wantDate ? !isDate(value) : typeof value !== 'number') return false;
      const actual = comparable(value);
      return actual === undefined ? undefined : actual === expected;
    };
  }
  if (!isPlainObject(condition)) return null;
  const bounds = Object.entries(condition);
  if (bounds.length === 0 || !bounds.every(([op, bound]) => op in RANGE_TESTS && comparable(bound) !== undefined)) return null;
  const tests = bounds.map(([op, bound]) => ({ isDate: isDate(bound), bound: comparable(bound) as number, test: RANGE_TESTS[op] as (c: number) => boolean }));
  return (doc) => {
    const value = plainValueAt(doc, parts);
    if (value === ARRAY) return undefined;
    if (typeof value === 'number' && Number.isNaN(value)) return undefined;
    const actual = comparable(value);
    let result: boolean | undefined = true;
    for (const { isDate: wantDate, bound, test } of tests) {
      if (wantDate ? !isDate(value) : typeof value !== 'number') return false;
      if (actual === undefined) result = undefined;
      else if (!test(actual - bound)) return false;
    }
    return result;
  };
}

/**
 * A predicate with MongoDB semantics for a port filter. Filters made only of simple top-level conditions (what
 * almost every repository call is: `{ id }`, `{ id, version }`, `{ id, seq: { $lt } }`, `{ id, expiresAt: { $gt } }`)
 * are checked directly; mingo's query is compiled only for the rest, or — lazily, once — when a document has an
 * array on a filtered path. Compiling a mingo query for every call was ~7 % of a submit's CPU.
 */
export function compileFilter(filter: Filter): (doc: Record<string, unknown>) => boolean {
  let compiled: Query | undefined;
  const mingo = (doc: Record<string, unknown>) => (compiled ??= new Query(filter as Record<string, unknown>, {})).test(doc);
  const checks: Check[] = [];
  for (const [path, condition] of Object.entries(filter)) {
    const check = path.startsWith('$') ? null : simpleCheck(path, condition);
    if (!check) return mingo;
    checks.push(check);
  }
  return (doc) => {
    let unsure = false;
    for (const check of checks) {
      const result = check(doc);
      if (result === false) return false;
      if (result === undefined) unsure = true;
    }
    return unsure ? mingo(doc) : true;
  };
}

/** A reusable predicate with MongoDB semantics, for checks the store makes in memory. */
export function matches(filter: Filter, doc: Record<string, unknown>): boolean {
  return compileFilter(filter)(doc);
}

// ---- sorting -------------------------------------------------------------------------------------------------

/** BSON's order of types for comparisons across types (missing and null sort together, first). */
function typeRank(value: Value): number {
  if (value === undefined || value === null) return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 5;
  if (typeof value === 'boolean') return 8;
  if (isDate(value)) return 9;
  if (value instanceof RegExp) return 11;
  return 4;
}

/** Binary (UTF-8 byte, i.e. code point) order, as MongoDB's default collation; JS `<` compares UTF-16 units. */
export function compareStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate === ySurrogate) return x < y ? -1 : 1;
    // A surrogate (code point ≥ U+10000) sorts after every BMP character.
    return xSurrogate ? 1 : -1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Compares two BSON-like values as MongoDB does. */
export function compareValues(a: Value, b: Value): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  switch (rankA) {
    case 1:
      return 0;
    case 2:
      return (a as number) === (b as number) ? 0 : (a as number) < (b as number) ? -1 : 1;
    case 3:
      return compareStrings(a as string, b as string);
    case 8:
      return a === b ? 0 : a ? 1 : -1;
    case 9:
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case 5: {
      const x = a as Value[];
      const y = b as Value[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return Math.sign(x.length - y.length);
    }
    case 4: {
      const x = Object.entries(a as Record<string, unknown>);
      const y = Object.entries(b as Record<string, unknown>);
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const [keyA, valueA] = x[i] as [string, unknown];
        const [keyB, valueB] = y[i] as [string, unknown];
        const byType = typeRank(valueA) - typeRank(valueB);
        if (byType !== 0) return Math.sign(byType);
        const byKey = compareStrings(keyA, keyB);
        if (byKey !== 0) return byKey;
        const byValue = compareValues(valueA, valueB);
        if (byValue !== 0) return byValue;
      }
      return Math.sign(x.length - y.length);
    }
    default:
      return compareStrings(String(a), String(b));
  }
}

/** Every value a dotted path reaches, descending into arrays (`items.k` over an array of items). */
function valuesAt(value: Value, parts: readonly string[]): Value[] {
  if (parts.length === 0) return Array.isArray(value) ? (value.length === 0 ? [[]] : value) : [value];
  if (Array.isArray(value)) {
    const [head, ...rest] = parts as [string, ...string[]];
    if (/^\d+$/.test(head)) return valuesAt(value[Number(head)], rest);
    return value.flatMap((item) => (isPlainObject(item) ? valuesAt(item, parts) : []));
  }
  if (!isPlainObject(value)) return [undefined];
  const [head, ...rest] = parts as [string, ...string[]];
  return valuesAt(value[head], rest);
}

/**
 * The value a document sorts by on one key: for arrays MongoDB uses the smallest element ascending and the
 * largest descending; an empty array sorts before null.
 */
function sortKey(doc: Record<string, unknown>, path: string, direction: 1 | -1): { empty: boolean; value: Value } {
  const values = valuesAt(doc, path.split('.'));
  const flat = values.filter((v) => !(Array.isArray(v) && v.length === 0));
  if (flat.length === 0) return values.length > 0 && Array.isArray(values[0]) ? { empty: true, value: undefined } : { empty: false, value: undefined };
  let best = flat[0];
  for (const v of flat.slice(1)) {
    const c = compareValues(v, best);
    if ((direction === 1 && c < 0) || (direction === -1 && c > 0)) best = v;
  }
  return { empty: false, value: best };
}

/**
 * Sorts documents in place by a MongoDB sort specification. Each document's sort keys are worked out once, not at
 * every comparison (a sweep sorts thousands of entries).
 */
export function sortDocuments<T extends Record<string, unknown>>(docs: T[], sort: Sort): T[] {
  const keys = Object.entries(sort);
  if (keys.length === 0) return docs;
  const keyed = docs.map((doc) => ({ doc, by: keys.map(([path, direction]) => sortKey(doc, path, direction)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const x = a.by[i]!;
      const y = b.by[i]!;
      let c = x.empty === y.empty ? compareValues(x.value, y.value) : x.empty ? -1 : 1;
      if (keys[i]![1] === -1) c = -c;
      if (c !== 0) return c;
    }
    return 0;
  });
  keyed.forEach((entry, i) => (docs[i] = entry.doc));
  return docs;
}

// ---- projection ----------------------------------------------------------------------------------------------

type ProjectionTree = { [key: string]: ProjectionTree | true };

function buildTree(paths: readonly string[]): ProjectionTree {
  const tree: ProjectionTree = {};
  for (const path of paths) {
    let node = tree;
    const parts = path.split('.');
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = true;
      else {
        const next = node[part];
        if (next === true) return;
        node = next ?? (node[part] = {});
      }
    });
  }
  return tree;
}

function applyTree(value: Value, tree: ProjectionTree): Value {
  if (Array.isArray(value)) {
    return value.filter((item) => isPlainObject(item) || Array.isArray(item)).map((item) => applyTree(item, tree));
  }
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) {
    if (!(key in value)) continue;
    const inner = value[key];
    if (node === true) out[key] = inner;
    else if (isPlainObject(inner) || Array.isArray(inner)) out[key] = applyTree(inner, node);
  }
  return out;
}

/** An inclusion projection by dotted paths (the caller adds `id`), as MongoDB applies it. */
export function projectDocument<T extends Record<string, unknown>>(doc: T, paths: readonly string[]): T {
  return applyTree(doc, buildTree(paths)) as T;
}
