/**
 * Applies the port's update operators to a document the way MongoDB does, for the embedded store. NeDB has no
 * `$setOnInsert` and its `$pull` conditions use its own matcher; computing the new document here (then storing
 * it whole) keeps both stores' results identical and lets the embedded store check a write before it commits it.
 * Updates reach this point already checked by `assertStoreUpdate` (operators, paths, conflicts).
 *
 * Supported: `$set`, `$unset`, `$inc`, `$push` (value, or `$each` with optional `$slice`), `$addToSet` (value or
 * `$each`), `$pull` (a value, or a condition applied to each element), and `$setOnInsert` on insert only.
 */
import { deepCopy, isDate, isPlainObject } from '../../../src/store/document-rules';
import type { Update } from '../../../src/store/ports';
import { matches } from './embedded-query';

/** Thrown for an update MongoDB would refuse for the document at hand (`$inc` on text, `$push` to a non-array, …). */
export class InvalidUpdateError extends Error {
  readonly code = 'invalid_update';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUpdateError';
  }
}

type Obj = Record<string, unknown>;

/** Deep equality with MongoDB's meaning for `$addToSet`/`$pull`: same types, same values, same key order. */
export function bsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isDate(a) || isDate(b)) return isDate(a) && isDate(b) && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => bsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const x = Object.keys(a);
    const y = Object.keys(b);
    return x.length === y.length && x.every((key, i) => key === y[i] && bsonEqual(a[key], b[key]));
  }
  return a === b;
}

/**
 * The documents and arrays of the document being built that are its own (copied, or made, by this update); all
 * others are shared with the document updated, which must not change. A write copies what it passes through.
 */
type Owned = Set<unknown>;

/** `node`, or a shallow copy of it put in its place under `parent` when it is shared. */
function own<N extends Obj | unknown[]>(owned: Owned, parent: Obj | unknown[], key: string | number, node: N): N {
  if (owned.has(node)) return node;
  const copy = (Array.isArray(node) ? [...node] : { ...node }) as N;
  owned.add(copy);
  (parent as Record<string | number, unknown>)[key] = copy;
  return copy;
}

/**
 * Walks to the parent of `path`'s last part, creating objects on the way when `create` is set. With `owned` (a
 * write), what it passes through is made the document's own first, so the parent it returns may be changed.
 */
function parentOf(doc: Obj, path: string, create: boolean, owned?: Owned): { parent: Obj | unknown[]; key: string } | null {
  const parts = path.split('.');
  let node: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(part)) throw new InvalidUpdateError(`cannot use the part (${part}) of (${path}) to traverse an array`);
      const index = Number(part);
      if (node[index] === undefined || node[index] === null) {
        if (!create) return null;
        while (node.length < index) node.push(null);
        node[index] = {};
        owned?.add(node[index]);
      }
      node = owned && (isPlainObject(node[index]) || Array.isArray(node[index])) ? own(owned, node, index, node[index] as Obj) : node[index];
    } else if (isPlainObject(node)) {
      if (node[part] === undefined || node[part] === null) {
        if (!create) return null;
        node[part] = {};
        owned?.add(node[part]);
      }
      node = owned && (isPlainObject(node[part]) || Array.isArray(node[part])) ? own(owned, node, part, node[part] as Obj) : node[part];
    } else {
      throw new InvalidUpdateError(`cannot create field '${part}' in (${path}): its parent is not an object`);
    }
    if (!isPlainObject(node) && !Array.isArray(node)) {
      if (!create) return null;
      throw new InvalidUpdateError(`cannot create field '${parts[i + 1]}' in (${path}): ${parts.slice(0, i + 1).join('.')} is not an object`);
    }
  }
  return { parent: node as Obj | unknown[], key: parts[parts.length - 1] as string };
}

function getAt(doc: Obj, path: string): unknown {
  const found = parentOf(doc, path, false);
  if (!found) return undefined;
  const { parent, key } = found;
  return Array.isArray(parent) ? (/^\d+$/.test(key) ? parent[Number(key)] : undefined) : parent[key];
}

function setAt(doc: Obj, path: string, value: unknown, owned: Owned): void {
  const { parent, key } = parentOf(doc, path, true, owned) as { parent: Obj | unknown[]; key: string };
  if (Array.isArray(parent)) {
    if (!/^\d+$/.test(key)) throw new InvalidUpdateError(`cannot use the part (${key}) of (${path}) to traverse an array`);
    const index = Number(key);
    while (parent.length < index) parent.push(null);
    parent[index] = value;
  } else parent[key] = value;
}

function unsetAt(doc: Obj, path: string, owned: Owned): void {
  const found = parentOf(doc, path, false, owned);
  if (!found) return;
  const { parent, key } = found;
  if (Array.isArray(parent)) {
    if (/^\d+$/.test(key) && Number(key) < parent.length) parent[Number(key)] = null; // MongoDB leaves a null hole
  } else delete parent[key];
}

function arrayAt(doc: Obj, path: string, operator: string): unknown[] | undefined {
  const current = getAt(doc, path);
  if (current === undefined) return undefined;
  if (!Array.isArray(current)) throw new InvalidUpdateError(`${operator} needs an array at ${path}`);
  return current;
}

function eachOf(value: unknown): { items: unknown[]; slice?: number } {
  if (isPlainObject(value) && '$each' in value) {
    const { $each, $slice, ...rest } = value;
    if (!Array.isArray($each)) throw new InvalidUpdateError('$each needs an array');
    if (Object.keys(rest).length > 0) throw new InvalidUpdateError(`unsupported modifier ${Object.keys(rest).join(', ')} with $each`);
    if ($slice !== undefined && !Number.isInteger($slice)) throw new InvalidUpdateError('$slice needs an integer');
    return { items: $each, ...($slice !== undefined ? { slice: $slice as number } : {}) };
  }
  return { items: [value] };
}

function pullMatches(element: unknown, condition: unknown): boolean {
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    if (keys.length > 0 && keys.every((key) => key.startsWith('$'))) return matches({ v: condition }, { v: element });
    return isPlainObject(element) && matches(condition, element);
  }
  return bsonEqual(element, condition);
}

/**
 * Returns `doc` updated, without changing `doc`: what the update writes is new — its values are copies of the
 * update's (or the update's own, with `valuesOwned`: an update copied for this one document), and the documents
 * and arrays on the way to each of them are copied — and the rest is shared with `doc`. A large document with one
 * field set costs one shallow copy, not a deep one. `inserting` applies `$setOnInsert` too (an upsert creating
 * the document).
 */
export function applyUpdate<T extends Obj>(doc: T, update: Update, { inserting = false, valuesOwned = false }: { inserting?: boolean; valuesOwned?: boolean } = {}): T {
  const out: Obj = { ...doc };
  const owned: Owned = new Set([out]);
  for (const operator of Object.keys(update)) {
    const operand = (update as Record<string, Obj>)[operator] as Obj;
    for (const path of Object.keys(operand)) {
      const value = valuesOwned ? operand[path] : deepCopy(operand[path]);
      switch (operator) {
        case '$setOnInsert':
          if (inserting) setAt(out, path, value, owned);
          break;
        case '$set':
          setAt(out, path, value, owned);
          break;
        case '$unset':
          unsetAt(out, path, owned);
          break;
        case '$inc': {
          if (typeof value !== 'number') throw new InvalidUpdateError(`$inc needs a number for ${path}`);
          const current = getAt(out, path);
          if (current !== undefined && typeof current !== 'number') throw new InvalidUpdateError(`cannot apply $inc to the non-numeric field ${path}`);
          setAt(out, path, (current ?? 0) + value, owned);
          break;
        }
        case '$push': {
          const { items, slice } = eachOf(value);
          let next = [...(arrayAt(out, path, '$push') ?? []), ...items];
          if (slice !== undefined) next = slice >= 0 ? next.slice(0, slice) : next.slice(slice);
          setAt(out, path, next, owned);
          break;
        }
        case '$addToSet': {
          const { items, slice } = eachOf(value);
          if (slice !== undefined) throw new InvalidUpdateError('$slice is not allowed with $addToSet');
          const next = [...(arrayAt(out, path, '$addToSet') ?? [])];
          for (const item of items) if (!next.some((existing) => bsonEqual(existing, item))) next.push(item);
          setAt(out, path, next, owned);
          break;
        }
        case '$pull': {
          const current = arrayAt(out, path, '$pull');
          if (current) setAt(out, path, current.filter((element) => !pullMatches(element, value)), owned);
          break;
        }
        default:
          throw new InvalidUpdateError(`unsupported update operator ${operator}`);
      }
    }
  }
  return out as T;
}

/** True when two stored documents differ (MongoDB's `modifiedCount` counts only real changes). */
export function documentsDiffer(a: Obj, b: Obj): boolean {
  return !bsonEqual(a, b);
}
