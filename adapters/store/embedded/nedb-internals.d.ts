/**
 * The NeDB internals the embedded store calls directly (datafile-appender.ts, secondary-index.ts): how NeDB writes
 * a document to a datafile line, reads a dotted path, and orders index keys.
 */
declare module '@seald-io/nedb/lib/model.js' {
  /** One document as NeDB writes it to a datafile line (dates as `{ "$$date": ms }`). */
  export function serialize(doc: unknown): string;
  /** The value at a dotted path as NeDB indexes it (an array of values when the path crosses an array). */
  export function getDotValue(doc: unknown, field: string): unknown;
  /** NeDB's total order of index keys (-1, 0, 1). */
  export function compareThings(a: unknown, b: unknown): number;
}
