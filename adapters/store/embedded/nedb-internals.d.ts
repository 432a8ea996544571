/**
 * The NeDB internals the embedded store calls directly (datafile-appender.ts, secondary-index.ts,
 * embedded-collection.ts): how NeDB writes a document to a datafile line, checks field names, copies a document,
 * reads a dotted path, and orders index keys.
 */
declare module '@seald-io/nedb/lib/model.js' {
  /** One document as NeDB writes it to a datafile line (dates as `{ "$$date": ms }`). */
  export function serialize(doc: unknown): string;
  /** The value at a dotted path as NeDB indexes it (an array of values when the path crosses an array). */
  export function getDotValue(doc: unknown, field: string): unknown;
  /** NeDB's total order of index keys (-1, 0, 1). */
  export function compareThings(a: unknown, b: unknown): number;
  /** Throws NeDB's error for a field name it cannot store (`$…` other than its own, or containing a dot). */
  export function checkObject(doc: unknown): void;
  /** NeDB's copy of a document: objects and arrays copied, dates and other values shared. */
  export function deepCopy<T>(value: T): T;
}
