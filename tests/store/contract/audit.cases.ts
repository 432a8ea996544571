/**
 * Contract cases for the audit log: a linear hash chain (also under concurrent appends), verify in pages, and
 * verify catching an edited, a removed, a re-ordered and a cut-off event — tampering done through the raw
 * collection, as someone with database access would.
 */
import { GENESIS_HASH, computeAuditHash, sealAuditEvent, type AuditEvent, type AuditEventInput } from '../../../src/domain/audit';
import { AUDIT_HEAD_ID, createAuditLog } from '../../../src/store/audit-log';
import { INDEXES } from '../../../src/store/indexes';
import type { Doc } from '../../../src/store/ports';
import { testIf } from '../capabilities';
import type { ContractContext } from '../contract';

const T0 = new Date('2026-03-02T09:00:00Z');

/** An audit event input — the object mother for these cases. */
function anEvent(n: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    at: new Date(T0.getTime() + n * 1000),
    actor: { id: 'ada', name: 'Ada Lovelace', channel: 'slack' },
    action: 'incident.updated',
    record: { kind: 'incident', id: `INC-00000${n % 3}` },
    before: { status: 'new', n },
    after: { status: 'in_progress', n, due: new Date(T0.getTime() + 3_600_000) },
    clause: '8.6.1',
    ...overrides,
  };
}

export function auditCases(ctx: ContractContext): void {
  const raw = () => ctx.store().collection<Doc>('audit');

  beforeEach(async () => {
    await ctx.store().ensureIndexes(INDEXES);
  });

  async function appendSome(count: number) {
    const audit = createAuditLog(ctx.store());
    for (let n = 1; n <= count; n++) await audit.append(anEvent(n));
    return audit;
  }

  test('appends form a chain: seq from 1, each prevHash the hash before, each hash over the content', async () => {
    const audit = createAuditLog(ctx.store());
    const events: AuditEvent[] = [];
    for (let n = 1; n <= 4; n++) events.push(await audit.append(anEvent(n)));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    events.slice(1).forEach((event, i) => expect(event.prevHash).toBe(events[i]?.hash));
    for (const event of events) expect(computeAuditHash({ ...event, hash: undefined })).toBe(event.hash);
    expect(await audit.verify()).toEqual({ ok: true, checked: 4, problems: [] });
  });

  test('an empty trail verifies', async () => {
    expect(await createAuditLog(ctx.store()).verify()).toEqual({ ok: true, checked: 0, problems: [] });
  });

  test('listForRecord gives a record’s events in chain order, as appended', async () => {
    const audit = await appendSome(6);
    const events = await audit.listForRecord('incident', 'INC-000001');
    expect(events.map((e) => e.seq)).toEqual([1, 4]);
    expect(events[0]).toMatchObject({ action: 'incident.updated', actor: { id: 'ada', channel: 'slack' }, clause: '8.6.1' });
    expect(events[0]?.after?.due).toBeInstanceOf(Date);
    expect(await audit.listForRecord('incident', 'INC-999999')).toEqual([]);
  });

  test('bad input is refused and nothing is written', async () => {
    const audit = createAuditLog(ctx.store());
    await expect(audit.append(anEvent(1, { action: 'Incident Created' }))).rejects.toThrow();
    await expect(audit.append(anEvent(1, { clause: 'eight' }))).rejects.toThrow();
    await expect(audit.append({ ...anEvent(1), actor: { id: '', name: 'x' } })).rejects.toThrow();
    expect(await raw().countDocuments({})).toBe(0);
  });

  test('strings and Dates hash the same after the round trip through the store', async () => {
    const audit = createAuditLog(ctx.store());
    await audit.append(anEvent(1, { after: { text: 'naïve 🚀 \ud800 end', when: new Date('2026-01-01T00:00:00.001Z'), list: [1, 'two', null] } }));
    expect((await audit.verify()).ok).toBe(true);
  });

  test('concurrent appends (two log objects, one store) keep the chain linear', async () => {
    const first = createAuditLog(ctx.store());
    const second = createAuditLog(ctx.store());
    const appended = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? first : second).append(anEvent(i + 1))));
    expect(appended.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await first.verify({ pageSize: 7 })).toEqual({ ok: true, checked: 30, problems: [] });
  }, 30_000);

  testIf(
    ctx.capabilities.uniqueIndexes,
    'an event appended by another process first: the log re-reads the head and chains after it',
    async () => {
      const audit = await appendSome(3);
      const head = (await raw().findOne({ seq: 3 })) as unknown as AuditEvent;
      const theirs = sealAuditEvent(anEvent(4, { actor: { id: 'bob', name: 'Bob' } }), 4, head.hash);
      await raw().insertOne({ ...theirs, id: '000000000004' }); // what a second replica's append writes
      const mine = await audit.append(anEvent(5));
      expect(mine).toMatchObject({ seq: 5, prevHash: theirs.hash });
      expect(await audit.verify()).toEqual({ ok: true, checked: 5, problems: [] });
    },
  );

  test('verify reads in pages and reports one problem for a run of removed events', async () => {
    const audit = await appendSome(12);
    expect(await audit.verify({ pageSize: 5 })).toEqual({ ok: true, checked: 12, problems: [] });
    await raw().deleteMany({ seq: { $gte: 4, $lte: 9 } });
    const report = await audit.verify({ pageSize: 2 });
    expect(report.ok).toBe(false);
    expect(report.checked).toBe(6);
    expect(report.problems).toEqual([{ seq: 10, problem: expect.stringMatching(/events 4–9 are missing/) }]);
  });

  test('verify catches an edited event', async () => {
    const audit = await appendSome(5);
    await raw().updateOne({ seq: 3 }, { $set: { 'after.status': 'resolved' } });
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ seq: 3, problem: expect.stringMatching(/edited/) }]);
  });

  test('verify catches an edited event whose hash was recomputed (the next link breaks)', async () => {
    const audit = await appendSome(5);
    const third = await raw().findOne({ seq: 3 });
    const { id: _id, ...content } = third as Doc;
    const forged = { ...content, actor: { id: 'mallory', name: 'Mallory' } };
    await raw().updateOne({ seq: 3 }, { $set: { actor: forged.actor, hash: computeAuditHash({ ...forged, hash: undefined }) } });
    const report = await audit.verify();
    expect(report.problems).toEqual([{ seq: 4, problem: expect.stringMatching(/prevHash does not match/) }]);
  });

  test('verify catches a removed event', async () => {
    const audit = await appendSome(5);
    await raw().deleteOne({ seq: 3 });
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ seq: 4, problem: expect.stringMatching(/event 3 is missing/) }]);
  });

  test('verify catches re-ordered events', async () => {
    const audit = await appendSome(5);
    await raw().updateOne({ seq: 2 }, { $set: { seq: 99 } });
    await raw().updateOne({ seq: 3 }, { $set: { seq: 2 } });
    await raw().updateOne({ seq: 99 }, { $set: { seq: 3 } });
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.seq)).toEqual(expect.arrayContaining([2, 3]));
  });

  test('verify catches a cut-off tail through the head marker', async () => {
    const audit = await appendSome(5);
    await raw().deleteMany({ seq: { $gte: 4 } });
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ seq: 4, problem: expect.stringMatching(/ends at seq 3 but its head marker says 5/) }]);
  });

  test('verify reports a missing head marker', async () => {
    const audit = await appendSome(2);
    await ctx.store().collection('counters').deleteOne({ id: AUDIT_HEAD_ID });
    expect((await audit.verify()).problems).toEqual([{ seq: 2, problem: expect.stringMatching(/head marker is missing/) }]);
  });

  test('the log has no way to change or remove events', () => {
    const audit = createAuditLog(ctx.store()) as unknown as Record<string, unknown>;
    expect(Object.keys(audit).sort()).toEqual(['append', 'listForRecord', 'verify']);
  });
}
