/** The audit event rules: canonical JSON, hashing and sealing (pure; the chain itself is in the store contract). */
import { GENESIS_HASH, canonicalJson, computeAuditHash, sealAuditEvent, type AuditEventInput } from '../../src/domain/audit';

const input: AuditEventInput = {
  at: new Date('2026-03-02T09:00:00Z'),
  actor: { id: 'ada', name: 'Ada', channel: 'teams' },
  action: 'change.approved',
  record: { kind: 'change', id: 'CHG-000045' },
  before: { status: 'submitted' },
  after: { status: 'approved' },
  clause: '8.5.1',
};

describe('canonicalJson', () => {
  test('sorts keys at every level and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[3,{"z":1}]},"b":1}');
  });

  test('writes what earlier versions wrote, so hashes already in a log still verify', () => {
    // Keys in UTF-16 order (integer-like keys too, which objects list first), -0 as 0, undefined in an array as null.
    const value = { z: [1, -0, 2.5, null, undefined, { y: 'é', x: new Date(0) }], 'a b': { '10': true, '2': false, B: 'B', a: '"\\\n' }, '\u{1F680}': 'rocket', ä: [] };
    expect(canonicalJson(value)).toBe('{"a b":{"10":true,"2":false,"B":"B","a":"\\"\\\\\\n"},"z":[1,0,2.5,null,null,{"x":{"$date":"1970-01-01T00:00:00.000Z"},"y":"é"}],"ä":[],"🚀":"rocket"}');
  });

  test('marks Dates so they differ from the same text as a string', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    expect(canonicalJson({ at })).toBe('{"at":{"$date":"2026-01-01T00:00:00.000Z"}}');
    expect(canonicalJson({ at })).not.toBe(canonicalJson({ at: at.toISOString() }));
  });

  test('refuses values a store cannot give back exactly', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson({ m: new Map() })).toThrow(/class instance/);
    expect(() => canonicalJson({ d: new Date('nope') })).toThrow(/invalid Date/);
  });
});

describe('sealAuditEvent', () => {
  test('assigns seq and prevHash, and hashes everything but the hash', () => {
    const event = sealAuditEvent(input, 1, GENESIS_HASH);
    expect(event).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, action: 'change.approved' });
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(computeAuditHash(event)).toBe(event.hash);
    expect(computeAuditHash({ ...event, clause: '8.5.2' })).not.toBe(event.hash);
    expect(sealAuditEvent(input, 1, 'f'.repeat(64)).hash).not.toBe(event.hash);
  });

  test('the hash does not depend on the order of fields', () => {
    const event = sealAuditEvent(input, 7, GENESIS_HASH);
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    expect(computeAuditHash(reordered)).toBe(event.hash);
  });

  test('drops extra actor fields, makes strings well-formed, and refuses malformed events', () => {
    const event = sealAuditEvent({ ...input, actor: { id: 'ada', name: 'Ada', email: 'ada@example.org' } as AuditEventInput['actor'], after: { note: 'a\ud800b' } }, 1, GENESIS_HASH);
    expect(event.actor).toEqual({ id: 'ada', name: 'Ada' });
    expect(event.after).toEqual({ note: 'a\ufffdb' });
    expect(() => sealAuditEvent({ ...input, action: 'approved' }, 1, GENESIS_HASH)).toThrow();
    expect(() => sealAuditEvent({ ...input, record: { kind: 'Change', id: 'x' } }, 1, GENESIS_HASH)).toThrow();
    expect(() => sealAuditEvent({ ...input, extra: 1 } as AuditEventInput, 1, GENESIS_HASH)).toThrow();
  });
});
