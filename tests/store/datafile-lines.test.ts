/**
 * The embedded store's datafile lines are NeDB's own, byte for byte: `encodeLines` against NeDB's `serialize` on
 * every kind of value a document can hold, and on what only NeDB's serializer may decide (refused field names,
 * its `$$deleted` lines, objects that are not plain data).
 */
import { serialize } from '@seald-io/nedb/lib/model.js';
import { encodeLines } from '../../adapters/store/embedded/datafile-lines';

const nedbLines = (docs: unknown[]) => docs.map((doc) => `${serialize(doc)}\n`).join('');
const ours = (docs: unknown[]) => encodeLines(docs).toString('utf8');

class Point {
  constructor(readonly x: number, readonly y: number) {}
}

const documents: Array<[string, unknown]> = [
  ['an ordinary record', { _id: 'a1', id: 'IMP-000012', title: 'Patch the VPN', version: 3, open: true, owner: { id: 'ana', name: 'Ana' }, tags: ['vpn', 'security'] }],
  ['dates, nested and in arrays', { _id: 'a2', at: new Date('2026-03-11T14:00:00.123Z'), history: [{ at: new Date(0) }, new Date(86_400_000)] }],
  ['an invalid date', { _id: 'a3', at: new Date(Number.NaN), list: [new Date('nope')] }],
  ['strings that need escapes', { _id: 'a4', text: 'quote " backslash \\ newline \n tab \t bell \u0007 del \u007f', path: 'C:\\temp\\x' }],
  ['long strings, plain and not', { _id: 'a16', plain: 'The VPN concentrator drops sessions after 30 minutes', quoteAtEnd: 'a'.repeat(40) + '"', tabInside: `${'b'.repeat(30)}\t${'c'.repeat(30)}`, accented: `${'d'.repeat(30)}é`, tilde: '~'.repeat(30), del: `${'e'.repeat(30)}\u007f` }],
  ['non-ASCII text', { _id: 'a5', name: 'Zoë Ødegård — 東京 🚀', key: 'é' }],
  ['a lone surrogate', { _id: 'a6', broken: 'a\ud800b', tail: '\udfff' }],
  ['numbers', { _id: 'a7', zero: 0, negativeZero: -0, big: 1e21, small: 1e-7, float: 0.1 + 0.2, min: Number.MIN_VALUE, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, ninf: Number.NEGATIVE_INFINITY }],
  ['null, undefined and functions', { _id: 'a8', nothing: null, missing: undefined, fn: () => 1, list: [undefined, null, () => 2, Symbol('s')], sym: Symbol('t') }],
  ['empty containers', { _id: 'a9', o: {}, a: [], nested: { deeper: { deepest: [[], [{}]] } } }],
  ['NeDB’s $$deleted line', { $$deleted: true, _id: 'a10' }],
  ['NeDB’s index line', { $$indexCreated: { fieldName: 'id', unique: true, sparse: false } }],
  ['an object with toJSON', { _id: 'a11', value: { toJSON: () => 'custom' } }],
  ['an object with getTime', { _id: 'a12', value: { getTime: () => 42 } }],
  ['a class instance', { _id: 'a13', point: new Point(1, 2) }],
  ['a field name with unicode', { _id: 'a14', 'naïve name': 1, 'x"y': 2 }],
  ['a large document', { _id: 'a15', body: 'x'.repeat(200_000), list: Array.from({ length: 2000 }, (_, i) => ({ i, s: `item ${i} ü` })) }],
];

describe('datafile lines', () => {
  it.each(documents)('writes %s exactly as NeDB does', (_label, doc) => {
    expect(ours([doc])).toBe(nedbLines([doc]));
  });

  it('writes several documents, one line each, in order', () => {
    const docs = documents.map(([, doc]) => doc);
    expect(ours(docs)).toBe(nedbLines(docs));
  });

  it('writes a small batch correctly after a large one (the buffer is reused and shrunk)', () => {
    ours([{ _id: 'big', body: 'y'.repeat(3_000_000) }]);
    const small = [{ _id: 's1', a: 1 }, { _id: 's2', at: new Date(5) }];
    expect(ours(small)).toBe(nedbLines(small));
  });

  it.each([
    ['a $ field name', { _id: 'b1', $where: 'x' }],
    ['a dotted field name', { _id: 'b2', nested: { 'a.b': 1 } }],
    ['a dotted field name holding undefined', { _id: 'b3', 'a.b': undefined }],
  ])('refuses %s with NeDB’s own error', (_label, doc) => {
    let expected: unknown;
    try {
      serialize(doc);
    } catch (error) {
      expected = error;
    }
    expect(expected).toBeInstanceOf(Error);
    expect(() => encodeLines([doc])).toThrow((expected as Error).message);
  });

  it('refuses a BigInt as JSON does', () => {
    expect(() => encodeLines([{ _id: 'c1', n: BigInt(1) }])).toThrow(TypeError);
  });
});
