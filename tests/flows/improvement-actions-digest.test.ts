import { digestWeek, improvementDigestJob, openFromDigest, sweepImprovementDigest } from '../../flows/improvement-actions/digest.job';
import { improvementActionsFlow } from '../../flows/improvement-actions';
import { sweepImprovementNudges } from '../../flows/improvement-actions/improvement-nudges.job';
import { createJobRunner } from '../../src/engine/scheduler';
import type { Flow } from '../../src/engine/flow';
import type { Message } from '../../src/engine/message';
import type { Transport } from '../../src/engine/notifier';
import {
  auditActions,
  buttonsOf,
  exampleOrgWith,
  fill,
  first,
  improvementHarness,
  LUKAS,
  MEI,
  press,
  raise,
  raiseApproved,
  textOf,
  type H,
} from './improvement-actions.support';

/** The example organisation plus a manager and a report in Adelaide and in New York. */
const worldwide = () =>
  exampleOrgWith((f) => {
    f.people.push(
      { id: 'kylie-nguyen', name: 'Kylie Nguyen', email: 'kylie.nguyen@northwind-logistics.example', timeZone: 'Australia/Adelaide', manager: 'tom-okafor', webchatName: 'Kylie' },
      { id: 'liam-walsh', name: 'Liam Walsh', email: 'liam.walsh@northwind-logistics.example', timeZone: 'Australia/Adelaide', manager: 'kylie-nguyen', webchatName: 'Liam' },
      { id: 'dana-ross', name: 'Dana Ross', email: 'dana.ross@northwind-logistics.example', calendar: 'new-york', manager: 'tom-okafor', webchatName: 'Dana' },
      { id: 'sam-ortiz', name: 'Sam Ortiz', email: 'sam.ortiz@northwind-logistics.example', calendar: 'new-york', manager: 'dana-ross', webchatName: 'Sam' },
    );
  });

const isDigest = (m: Message) => m.summary.startsWith('Weekly improvement digest');
/** Digests sent since `from` (an index into the fake web chat's log). */
const digestsSince = (h: H, from = 0) => h.webchat.sent.slice(from).filter((s) => isDigest(s.message));
const run = (h: H) => sweepImprovementDigest(h.services, h.clock.now());

describe('improvement-digest: each manager at their own Monday 09:00', () => {
  let h: H;
  afterEach(async () => h.close());

  it('Adelaide, London and New York managers each get it at 09:00 local, once; nothing before, nothing after', async () => {
    h = await improvementHarness({ org: worldwide() }); // Mon 2 Mar 2026, 09:00 London
    await raise(h, { owner: 'Liam Walsh', targetDate: '2026-03-04' }); // Kylie's report (Adelaide)
    await raise(h, { owner: 'Jamie Cole', targetDate: '2026-03-04' }); // Ana's report, Priya's team (London)
    await raise(h, { owner: 'Sam Ortiz', targetDate: '2026-03-04' }); // Dana's report (New York)

    // Every 15 minutes from Sunday noon UTC to Tuesday: the weekend holds last week's catch-up (out of hours).
    const firstSent: Record<string, string> = {};
    for (let at = Date.parse('2026-03-08T12:00:00Z'); at <= Date.parse('2026-03-10T12:00:00Z'); at += 15 * 60_000) {
      h.clock.set(new Date(at));
      const before = h.webchat.sent.length;
      await run(h);
      for (const s of digestsSince(h, before)) {
        expect(firstSent[s.to]).toBeUndefined();
        firstSent[s.to] = new Date(at).toISOString();
      }
    }
    expect(firstSent).toEqual({
      'kylie-nguyen': '2026-03-08T22:30:00.000Z', // Mon 09:00 in Adelaide (ACDT, UTC+10:30) is Sunday evening in London
      'ana-silva': '2026-03-09T09:00:00.000Z', // Mon 09:00 London (GMT)
      'priya-shah': '2026-03-09T09:00:00.000Z', // Jamie is in her team
      'dana-ross': '2026-03-09T13:00:00.000Z', // Mon 09:00 New York (EDT since 8 March)
    });
    const toKylie = digestsSince(h).find((s) => s.to === 'kylie-nguyen')!.message;
    expect(textOf(toKylie)).toContain('Liam Walsh · 5 days overdue (due Wed 4 Mar 2026)'); // her Monday 9 March
    expect(textOf(toKylie)).not.toContain('Jamie Cole');

    // The next Monday it comes again (ISO week 12). A run that missed Kylie's moment waits for her working hours.
    h.clock.set('2026-03-16T09:00:00Z'); // 19:30 in Adelaide
    const before = h.webchat.sent.length;
    expect(await run(h)).toMatchObject({ sent: 2, outOfHours: 1 });
    expect(digestsSince(h, before).map((s) => s.to).sort()).toEqual(['ana-silva', 'priya-shah']);
    h.clock.set('2026-03-16T22:30:00Z'); // Tue 09:00 in Adelaide
    expect(await run(h)).toMatchObject({ sent: 1, outOfHours: 1 }); // Dana: 18:30 in New York, her week-12 digest still held
    expect(digestsSince(h, before).map((s) => s.to).sort()).toEqual(['ana-silva', 'kylie-nguyen', 'priya-shah']);
  });

  it('the week and its moment are the manager’s own', () => {
    const digest = { weekday: 'mon', time: '09:00' } as const;
    expect(digestWeek(new Date('2026-03-08T23:00:00Z'), 'Australia/Adelaide', digest)).toMatchObject({ isoWeek: '2026-W11', moment: new Date('2026-03-08T22:30:00Z') });
    expect(digestWeek(new Date('2026-03-08T23:00:00Z'), 'Europe/London', digest)).toMatchObject({ isoWeek: '2026-W10', moment: new Date('2026-03-02T09:00:00Z') });
    expect(digestWeek(new Date('2026-03-12T12:00:00Z'), 'America/New_York', { weekday: 'thu', time: '08:00' })).toMatchObject({ isoWeek: '2026-W11', moment: new Date('2026-03-12T12:00:00Z') });
  });
});

describe('improvement-digest: what it says', () => {
  let h: H;
  beforeEach(async () => (h = await improvementHarness())); // Mon 2 Mar 2026
  afterEach(async () => h.close());

  it('overdue in the area oldest first with owner, days and deferrals, an Open button each, and the count due in 7 days', async () => {
    const oliver = await raiseApproved(h, { owner: 'Oliver Grant', title: 'Rotate the backup keys', targetDate: '2026-03-05' });
    const deferred = await raiseApproved(h, { title: 'Document the VPN failover', targetDate: '2026-03-03' });
    await fill(h, first(await press(h, 'defer', deferred, MEI)), { targetDate: '2026-03-04', reason: 'Waiting on the vendor.' });
    const soon = await raiseApproved(h, { title: 'Patch the hypervisors', targetDate: '2026-03-12' });
    await raiseApproved(h, { title: 'Later', targetDate: '2026-03-20' }); // 11 days ahead: neither overdue nor due soon
    await raise(h, { owner: 'Jamie Cole', title: 'Not Lukas’s', targetDate: '2026-03-04' });
    const lukasOwn = await raise(h, { owner: 'Lukas Becker', title: 'Lukas’s own', targetDate: '2026-03-04' });

    h.clock.set('2026-03-09T08:00:00Z'); // Mon 09:00 Berlin
    await run(h);
    const [toLukas, ...others] = digestsSince(h).filter((s) => s.to === 'lukas-becker');
    expect(others).toHaveLength(0);
    const text = textOf(toLukas!.message);
    expect(toLukas!.message.summary).toBe('Weekly improvement digest: 2 overdue actions, 1 due in the next 7 days, 0 people unreachable');
    expect(text).toContain('Improvement actions in your area: week of Mon 9 Mar 2026');
    const lines = text.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at(`${deferred} Document the VPN failover`)).toBeLessThan(at(`${oliver} Rotate the backup keys`));
    expect(text).toContain('Mei Chen · 5 days overdue (due Wed 4 Mar 2026) · 1 deferral · approved, not started');
    expect(text).toContain('Oliver Grant · 4 days overdue (due Thu 5 Mar 2026) · 0 deferrals · approved, not started');
    expect(text).toContain('Due in the next 7 days: 1');
    expect(text).toContain(`- ${soon} Patch the hypervisors (Mei Chen, due Thu 12 Mar 2026)`);
    expect(text).not.toContain('Later');
    expect(text).not.toContain('Not Lukas’s');
    expect(text).not.toContain('Lukas’s own');
    expect(text).not.toContain('Could not be reached');
    expect(buttonsOf(toLukas!.message).map((b) => [b.action, b.label, b.value])).toEqual([
      ['improvement-actions:open', 'Open', deferred],
      ['improvement-actions:open', 'Open', oliver],
    ]);

    // Lukas's own overdue action is in his manager Tom's digest (Mon 09:00 London), not his own.
    h.clock.set('2026-03-09T09:00:00Z');
    await run(h);
    expect(textOf(digestsSince(h).find((s) => s.to === 'tom-okafor')?.message)).toContain(`${lukasOwn} Lukas’s own`);
  });

  it('no digest for a manager with nothing to say; the week still counts as done', async () => {
    await raiseApproved(h, { targetDate: '2026-03-20' });
    h.clock.set('2026-03-09T08:00:00Z'); // Mon 09:00 Berlin: Lukas's moment (his area: one action, due in 11 days)
    expect(await run(h)).toMatchObject({ sent: 0, nothingToReport: 1, failed: 0 });
    expect(digestsSince(h)).toHaveLength(0);
    h.clock.set('2026-03-09T08:45:00Z');
    expect(await run(h)).toMatchObject({ sent: 0, nothingToReport: 0 }); // Lukas's week is done: not read again
  });

  it('the Open button shows the entry’s card (once the flow routes `open` to openFromDigest)', async () => {
    const routed: Flow<unknown> = {
      ...(improvementActionsFlow as Flow<unknown>),
      onAction: (turn, action) => (action === 'open' ? openFromDigest(turn) : improvementActionsFlow.onAction!(turn as never, action)),
    };
    const withOpen = await improvementHarness({ flows: [routed] });
    const id = await raiseApproved(withOpen, { targetDate: '2026-03-04' });
    withOpen.clock.set('2026-03-09T08:00:00Z');
    await sweepImprovementDigest(withOpen.services, withOpen.clock.now());
    const open = buttonsOf(digestsSince(withOpen).find((s) => s.to === 'lukas-becker')?.message)[0]!;
    const card = first(await withOpen.send({ type: 'action', action: open.action, value: open.value! }, LUKAS));
    expect(textOf(card)).toContain(`${id} Publish a VPN status page`);
    expect(textOf(card)).toContain('5 days overdue');
    await withOpen.close();
  });
});

describe('improvement-digest: exactly once', () => {
  let h: H;
  afterEach(async () => h.close());

  it('two runs, a restart on the same store and two replicas send each manager’s digest once a week', async () => {
    h = await improvementHarness();
    await raise(h, { targetDate: '2026-03-04' });
    h.clock.set('2026-03-09T08:00:00Z');
    expect((await run(h)).sent).toBe(1);
    expect((await run(h)).sent).toBe(0);
    const restarted = await improvementHarness({ store: h.store, clock: h.clock });
    h.clock.set('2026-03-09T12:00:00Z');
    expect((await sweepImprovementDigest(restarted.services, h.clock.now())).sent).toBe(0);
    expect(restarted.webchat.sent).toHaveLength(0);

    // The next week, two replicas at once: one digest between them.
    h.clock.set('2026-03-16T08:00:00Z');
    const [a, b] = await Promise.all([run(h), sweepImprovementDigest(restarted.services, h.clock.now())]);
    expect(a.sent + b.sent).toBe(1);
    expect([...digestsSince(h), ...restarted.webchat.sent.filter((s) => isDigest(s.message))].map((s) => s.to)).toEqual(['lukas-becker', 'lukas-becker']);
    await restarted.close();
  });

  it('as a leased job: of two runners one runs, and its counts say what happened', async () => {
    h = await improvementHarness();
    await raise(h, { targetDate: '2026-03-04' });
    const other = await improvementHarness({ store: h.store, clock: h.clock });
    h.clock.set('2026-03-09T08:00:00Z');
    const runner = (hh: H) => createJobRunner({ jobs: [improvementDigestJob(hh.services)], locks: hh.services.locks, clock: hh.clock, logger: hh.services.logger });
    const runs = await Promise.all([runner(h).run('improvement-digest'), runner(other).run('improvement-digest')]);
    expect(runs.map((r) => r.status).sort()).toEqual(['completed', 'skipped']);
    const done = runs.find((r) => r.status === 'completed');
    expect(done?.status === 'completed' && done.result.counts).toMatchObject({ sent: 1, failed: 0, unreachable: 0 });
    await other.close();
  });

  it('a notifier failing: nothing is marked done, the next run sends it', async () => {
    h = await improvementHarness({ reachable: false });
    let failures = 1;
    const flaky: Transport = {
      channel: 'webchat',
      async send(address, message, options) {
        if (isDigest(message) && failures-- > 0) throw new Error('web chat inbox unavailable');
        return h.webchat.transport.send(address, message, options);
      },
      update: (ref, message) => h.webchat.transport.update(ref, message),
    };
    h.services.notifier.register(flaky);
    await raise(h, { targetDate: '2026-03-04' });
    h.clock.set('2026-03-09T08:00:00Z');
    expect(await run(h)).toMatchObject({ sent: 0, failed: 1 });
    h.clock.set('2026-03-09T08:15:00Z');
    expect(await run(h)).toMatchObject({ sent: 1, failed: 0 });
    expect(digestsSince(h).map((s) => s.to)).toEqual(['lukas-becker']);
  });
});

describe('improvement-digest: people the bot could not reach', () => {
  let h: H;
  afterEach(async () => h.close());

  it('an owner reachable on no channel is noted on the entry (audited) and reported to her manager, once', async () => {
    h = await improvementHarness({ reachable: false });
    // Everyone but Mei can be reached (by their listed chat id); Mei on no channel.
    h.services.notifier.register({
      ...h.webchat.transport,
      channel: 'slack',
      addressOfListed: (listed) => {
        const person = (listed as { id?: string }).id;
        return person && person !== 'mei-chen' ? { personId: person } : undefined;
      },
    });
    const id = await raiseApproved(h, { targetDate: '2026-03-03' });
    h.clock.set('2026-03-05T10:00:00Z'); // Thu 11:00 Berlin: the 1-day-overdue step
    expect((await sweepImprovementNudges(h.services, h.clock.now())).unreachable).toEqual([{ improvement: id, person: 'mei-chen', stage: 'overdue-1' }]);
    expect(await auditActions(h, id)).toContain('improvement.unreachable');
    const doc = (await h.services.store.collection('improvements').findOne({ id })) as { unreachable?: unknown[] };
    expect(doc.unreachable).toEqual([{ person: 'mei-chen', stage: 'overdue-1', targetDate: '2026-03-03', at: new Date('2026-03-05T10:00:00Z') }]);

    h.clock.set('2026-03-09T08:00:00Z');
    expect(await run(h)).toMatchObject({ sent: 1 });
    const digest = digestsSince(h).find((s) => s.to === 'lukas-becker')!.message;
    expect(digest.summary).toContain('1 person unreachable');
    expect(textOf(digest)).toContain(`Could not be reached\n- Mei Chen: ${id} (the 1-day-overdue nudge, Thu 5 Mar 2026)`);

    // A note lands in one digest: next week the entry is still listed overdue, the note is not repeated.
    h.clock.set('2026-03-16T08:00:00Z');
    await run(h);
    const next = digestsSince(h).filter((s) => s.to === 'lukas-becker').at(-1)!.message;
    expect(textOf(next)).toContain(`${id} Publish a VPN status page`);
    expect(textOf(next)).not.toContain('Could not be reached');
  });

  it('a manager reachable on no channel is logged and counted, not retried all week', async () => {
    h = await improvementHarness({ reachable: false });
    await raise(h, { targetDate: '2026-03-04' });
    h.clock.set('2026-03-09T08:00:00Z');
    expect((await run(h)).unreachable).toEqual(['lukas-becker']);
    expect(h.logger.lines.some((l) => l.level === 'warn' && l.msg === 'improvement digest: the manager is reachable on no channel')).toBe(true);
    h.clock.set('2026-03-09T08:15:00Z');
    expect((await run(h)).unreachable).toEqual([]);
  });
});
