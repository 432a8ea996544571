/**
 * The embedded store's non-unique indexes: NeDB's index class, with two changes.
 *
 * 1. Every document has a key of its own. NeDB keeps all documents with the same value under one tree node and
 *    removes one by filtering that node's whole array, so a write to a document whose indexed value is shared by
 *    many (`service` with a handful of services, a `status`) costs O(documents sharing it). Here the tree's key is
 *    (value, NeDB `_id`): a write is O(log n) whatever the value's cardinality; a lookup by value is a range scan
 *    over that value's keys.
 * 2. Documents without a value at the path (missing or null) are left out, so the many open incidents without a
 *    `resolution.at` or an `assignee.id` are not in those indexes at all. NeDB's own `sparse` cannot be used for
 *    this: in @seald-io/nedb 4.1.2 a sparse index also drops every Date value (it treats an object whose own values
 *    are all undefined — any Date — as missing), so a range query on a sparse date index finds nothing
 *    (tests/store/embedded-store.test.ts shows it). Leaving them out is safe because the store only ever asks
 *    NeDB's indexes for string, number, boolean or Date values (embedded-query.ts `toNedbQuery`: equality, `$in`,
 *    one range bound), none of which a missing or null value can satisfy in MongoDB's semantics; everything else
 *    is decided by the full matcher on the candidates. A path crossing an array is indexed per element, as NeDB
 *    always did.
 */
import type Datastore from '@seald-io/nedb';
import { compareThings, getDotValue } from '@seald-io/nedb/lib/model.js';
import { isDate, isPlainObject } from '../../../src/store/document-rules';

/** The part of NeDB's (untyped) index class this module relies on. */
interface NedbIndex {
  fieldName: string;
  unique: boolean;
  treeOptions: { unique: boolean; compareKeys: (a: never, b: never) => number; checkValueEquality: (a: unknown, b: unknown) => boolean };
  tree: NedbTree;
  insert(doc: unknown): void;
  remove(doc: unknown): void;
  update(oldDoc: unknown, newDoc?: unknown): void;
  getMatching(value: unknown): Stored[];
  getBetweenBounds(query: Record<string, unknown>): Stored[];
  getAll(): Stored[];
}
interface NedbTree {
  insert(key: unknown, value: unknown): void;
  delete(key: unknown, value: unknown): void;
  /** The stored values under exactly this key, by reference (NeDB's binary-search-tree returns the node's array). */
  search(key: unknown): unknown[];
  betweenBounds(query: Record<string, unknown>): Stored[];
  /** Every node keeps the comparison it was made with. */
  executeOnEveryNode(fn: (node: { compareKeys: (a: never, b: never) => number }) => void): void;
}
type Stored = Record<string, unknown> & { _id: string };
type IndexClass = new (options: { fieldName: string; unique?: boolean; sparse?: boolean }) => NedbIndex;
/** NeDB's internals this module touches: the index map and every stored document. */
interface NedbInternals {
  indexes: Record<string, NedbIndex>;
  getAllData(): Stored[];
}

/** Below and above every `_id`: bounds that take in (or leave out) every document with one value. */
const LOWEST = Symbol('lowest');
const HIGHEST = Symbol('highest');
type Id = string | typeof LOWEST | typeof HIGHEST;
interface Key {
  value: unknown;
  id: Id;
}

function compareIds(a: Id, b: Id): number {
  if (a === b) return 0;
  if (a === LOWEST || b === HIGHEST) return -1;
  if (a === HIGHEST || b === LOWEST) return 1;
  return a < b ? -1 : 1;
}

/**
 * NeDB's order of index values (`compareThings`). Two strings, numbers or dates — nearly every comparison, a few
 * dozen per write in each index — are compared directly, without its walk through the other types.
 */
function compareIndexValues(a: unknown, b: unknown): number {
  let x = a;
  let y = b;
  if (x instanceof Date && y instanceof Date) {
    x = x.getTime();
    y = y.getTime();
  }
  if ((typeof x === 'string' && typeof y === 'string') || (typeof x === 'number' && typeof y === 'number')) return x < y ? -1 : x > y ? 1 : 0;
  return compareThings(x, y);
}

/** NeDB's order of values, then `_id`. */
function compareKeys(a: Key, b: Key): number {
  return compareIndexValues(a.value, b.value) || compareIds(a.id, b.id);
}

/** True when `path` reaches no value (missing or null) without crossing an array. */
export function lacksValue(doc: unknown, parts: readonly string[]): boolean {
  let node: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(node)) return false;
    if (!isPlainObject(node)) return true;
    node = node[part];
  }
  return node === undefined || node === null;
}

/** The distinct elements of an array key, equal as NeDB's unique projection has them. */
function distinct(values: unknown[]): unknown[] {
  const seen = new Map<unknown, unknown>();
  for (const value of values) {
    const key =
      value === null ? '$null' : typeof value === 'string' ? `$string${value}` : typeof value === 'boolean' ? `$boolean${value}` : typeof value === 'number' ? `$number${value}` : isDate(value) ? `$date${value.getTime()}` : value;
    if (!seen.has(key)) seen.set(key, value);
  }
  return [...seen.values()];
}

const secondaryClasses = new WeakMap<IndexClass, IndexClass>();

/** The secondary-index variant of NeDB's index class (made once, from the class NeDB itself uses). */
function secondaryClassOf(base: IndexClass): IndexClass {
  let secondary = secondaryClasses.get(base);
  if (!secondary) {
    secondary = class SecondaryIndex extends base {
      private readonly parts: string[];
      constructor(options: { fieldName: string }) {
        super({ fieldName: options.fieldName });
        this.parts = options.fieldName.split('.');
        this.treeOptions = { ...this.treeOptions, unique: false, compareKeys };
        this.tree = new (this.tree.constructor as new (options: unknown) => NedbTree)(this.treeOptions);
      }
      private keysOf(doc: Stored): Key[] {
        const value = getDotValue(doc, this.fieldName);
        return (Array.isArray(value) ? distinct(value) : [value]).map((v) => ({ value: v, id: doc._id }));
      }
      // NeDB inserts and removes arrays of documents one by one through these same methods (also when it rolls
      // back a failed update), so insert and remove always agree on a document's keys.
      override insert(doc: unknown): void {
        if (Array.isArray(doc)) return super.insert(doc);
        if (lacksValue(doc, this.parts)) return;
        for (const key of this.keysOf(doc as Stored)) this.tree.insert(key, doc);
      }
      override remove(doc: unknown): void {
        if (Array.isArray(doc)) return super.remove(doc);
        if (lacksValue(doc, this.parts)) return;
        for (const key of this.keysOf(doc as Stored)) this.tree.delete(key, doc);
      }
      /**
       * An update that leaves this index's value alone (most updates: a status index when a note is added) only
       * points the tree's entry at the new copy of the document, instead of deleting and re-inserting it: no
       * rebalancing, no allocation. Anything else goes through remove + insert as NeDB does.
       */
      override update(oldDoc: unknown, newDoc?: unknown): void {
        // NeDB's datastore passes every update (and its revert) as an array of { oldDoc, newDoc } pairs.
        if (!Array.isArray(oldDoc)) {
          if (!this.replaceInPlace(oldDoc as Stored, newDoc as Stored)) super.update(oldDoc, newDoc);
          return;
        }
        const rest = (oldDoc as Array<{ oldDoc: Stored; newDoc: Stored }>).filter((pair) => !this.replaceInPlace(pair.oldDoc, pair.newDoc));
        if (rest.length > 0) super.update(rest);
      }
      private replaceInPlace(oldDoc: Stored, newDoc: Stored): boolean {
        const oldLacks = lacksValue(oldDoc, this.parts);
        if (oldLacks !== lacksValue(newDoc, this.parts)) return false;
        if (oldLacks) return true;
        const oldKeys = this.keysOf(oldDoc);
        const newKeys = this.keysOf(newDoc);
        if (oldKeys.length !== newKeys.length || oldKeys.some((key, i) => compareKeys(key, newKeys[i]!) !== 0)) return false;
        const slots = oldKeys.map((key) => {
          const data = this.tree.search(key);
          return { data, at: data.indexOf(oldDoc) };
        });
        if (slots.some((slot) => slot.at < 0)) return false;
        for (const slot of slots) slot.data[slot.at] = newDoc;
        return true;
      }
      override getMatching(value: unknown): Stored[] {
        if (Array.isArray(value)) return this.getMatchingAny(value);
        return this.tree.betweenBounds({ $gte: { value, id: LOWEST }, $lte: { value, id: HIGHEST } });
      }
      /**
       * Documents matching any of `values` (`$in`), each once, in the order NeDB gives them: by value as listed,
       * then by `_id`. NeDB itself gathers them in an object keyed by `_id`, slow for thousands (a sweep's window).
       */
      private getMatchingAny(values: unknown[]): Stored[] {
        const seen = new Set<Stored>();
        const found: Stored[] = [];
        for (const value of values) {
          for (const doc of this.getMatching(value)) {
            if (seen.has(doc)) continue;
            seen.add(doc);
            found.push(doc);
          }
        }
        return found;
      }
      override getBetweenBounds(query: Record<string, unknown>): Stored[] {
        const bounds: Record<string, Key> = {};
        if ('$gt' in query) bounds.$gt = { value: query.$gt, id: HIGHEST };
        if ('$gte' in query) bounds.$gte = { value: query.$gte, id: LOWEST };
        if ('$lt' in query) bounds.$lt = { value: query.$lt, id: LOWEST };
        if ('$lte' in query) bounds.$lte = { value: query.$lte, id: HIGHEST };
        return this.tree.betweenBounds(bounds);
      }
    };
    secondaryClasses.set(base, secondary);
  }
  return secondary;
}

function internalsOf(db: Datastore<Record<string, unknown>>): { internals: NedbInternals; Secondary: IndexClass | null } {
  const internals = db as unknown as NedbInternals;
  const base = internals.indexes._id?.constructor as IndexClass | undefined;
  return { internals, Secondary: base ? secondaryClassOf(base) : null };
}

/** True when the index on `field` is one of this module's. */
export function isSecondaryIndex(db: Datastore<Record<string, unknown>>, field: string): boolean {
  const { internals, Secondary } = internalsOf(db);
  const index = internals.indexes[field];
  return index !== undefined && Secondary !== null && index instanceof Secondary;
}

/**
 * Ensures a non-unique index on one field, as described above. NeDB creates (and records in the datafile) a plain
 * index first; it is then replaced in memory — also when the datafile brought a plain index on the field from an
 * earlier version. A unique index on the field is left as it is.
 */
export async function ensureSecondaryIndex(db: Datastore<Record<string, unknown>>, field: string): Promise<void> {
  await db.ensureIndexAsync({ fieldName: field });
  const { internals, Secondary } = internalsOf(db);
  const current = internals.indexes[field];
  if (!current || !Secondary || current.unique || current instanceof Secondary) return;
  const secondary = new Secondary({ fieldName: field });
  secondary.insert(internals.getAllData());
  internals.indexes[field] = secondary;
}

/**
 * Gives NeDB's unique indexes (`_id`, `id`, `intakeKey`, the audit's `seq`) {@link compareIndexValues}: their own
 * order, compared sooner, at every level of the tree on every insert and look-up. Each node of a tree keeps the
 * comparison it was made with, so existing nodes are given it too; trees made later take it from the index. Call
 * once the datafile is loaded and after each unique index is made.
 */
export function compareUniqueKeysSooner(db: Datastore<Record<string, unknown>>): void {
  for (const index of Object.values((db as unknown as NedbInternals).indexes)) {
    if (!index.unique || index.treeOptions.compareKeys === compareIndexValues) continue;
    index.treeOptions.compareKeys = compareIndexValues;
    index.tree.executeOnEveryNode((node) => (node.compareKeys = compareIndexValues));
  }
}

/** The names of NeDB's indexes on a datafile (`_id` and compound ones included, as NeDB names them). */
export function nedbIndexNames(db: Datastore<Record<string, unknown>>): Array<{ name: string; unique: boolean }> {
  return Object.entries((db as unknown as NedbInternals).indexes).map(([name, index]) => ({ name, unique: index.unique }));
}
