import { dueWindow, improvementNudgesJob, sweepImprovementNudges } from '../../flows/improvement-actions/improvement-nudges.job';
import { addDays } from '../../src/domain/dates';
import { createJobRunner } from '../../src/engine/scheduler';
import type { Transport } from '../../src/engine/notifier';
import {
  auditActions,
  exampleOrgWith,
  fill,
  first,
  improvementHarness,
  press,
  raise,
  raiseApproved,
  seedEntries,
  stored,
  textOf,
  type H,
} from './improvement-actions.support';

/** The ladder the issue describes: day 1 owner, day 3 owner again, day 7 owner + manager, day 14 manager's manager + process owner. */
const LADDER = [
  { afterDaysOverdue: 1, notify: ['owner'] },
  { afterDaysOverdue: 3, notify: ['owner'] },
  { afterDaysOverdue: 7, notify: ['owner', 'manager'] },
  { afterDaysOverdue: 14, notify: ['managersManager', 'processOwner'] },
];
const withLadder = () => exampleOrgWith((f) => (f.nudges.escalation = LADDER));

/** What the sweeps sent since `from`: `person: first line`. */
function sentSince(h: H, from: number): string[] {
  return h.webchat.sent.slice(from).map((s) => `${s.to}: ${textOf(s.message).split('\n')[0]}`);
}

const sweep = (h: H) => sweepImprovementNudges(h.services, h.clock.now());

describe('improvement-nudges: the ladder, day by day', () => {
  let h: H;
  beforeEach(async () => (h = await improvementHarness({ org: withLadder() })));
  afterEach(async () => h.close());

  it('heads-ups, the due day, then each ladder step once, to the right people, waiting out the weekend', async () => {
    const id = await raiseApproved(h, { targetDate: '2026-03-12' }); // a Thursday; owner Mei (Berlin), manager Lukas
    const log: Record<string, string[]> = {};
    for (let day = 0; day <= 25; day++) {
      const date = addDays('2026-03-02', day);
      const before = h.webchat.sent.length;
      for (const time of ['T06:00:00Z', 'T10:00:00Z', 'T15:00:00Z']) {
        h.clock.set(`${date}${time}`);
        await sweep(h);
      }
      const sent = sentSince(h, before);
      if (sent.length > 0) log[date] = sent;
    }
    expect(log).toEqual({
      '2026-03-05': [`mei-chen: Heads-up: ${id} is due in 7 days. Mark progress, or ask for more time if you need it.`],
      '2026-03-11': [`mei-chen: Heads-up: ${id} is due in 1 day. Mark progress, or ask for more time if you need it.`],
      '2026-03-12': [`mei-chen: ${id} is due today. Mark it done, or ask for more time with a reason.`],
      '2026-03-13': [`mei-chen: ${id} is 1 day overdue. Mark it done, note progress, or ask for a new date with a reason.`],
      // Day 3 is Sunday 15 March: it waits for Monday (then 4 days overdue, still the day-3 step).
      '2026-03-16': [`mei-chen: ${id} is 4 days overdue. Mark it done, note progress, or ask for a new date with a reason.`],
      '2026-03-19': [
        `mei-chen: ${id} is 7 days overdue. Mark it done, note progress, or ask for a new date with a reason.`,
        expect.stringMatching(new RegExp(`^lukas-becker: ${id} is 7 days overdue and Mei Chen has not closed it`)),
      ],
      '2026-03-26': [
        expect.stringMatching(new RegExp(`^tom-okafor: ${id} is 14 days overdue`)),
        expect.stringMatching(new RegExp(`^george-evans: ${id} is 14 days overdue`)),
      ],
    });
    const nudged = (await h.services.audit.listForRecord('improvement', id)).filter((e) => e.action === 'improvement.nudged');
    expect(nudged.map((e) => e.after?.stage)).toEqual(['heads-up-7', 'heads-up-1', 'due-today', 'overdue-1', 'overdue-3', 'overdue-7', 'overdue-14']);
  });

  it('the owner’s nudge is her card: answering Done refreshes it and stops the ladder', async () => {
    const id = await raiseApproved(h, { targetDate: '2026-03-03' });
    h.clock.set('2026-03-04T10:00:00Z');
    expect((await sweep(h)).overdue).toBe(1);
    const nudge = h.webchat.to('mei-chen').at(-1)!;
    expect(textOf(nudge.message)).toContain('[Done]');
    await fill(h, first(await press(h, 'done', id)), { evidence: 'Page is live.' });
    expect(h.webchat.updated.filter((u) => u.ref.ref === nudge.ref).at(-1)?.message.blocks.some((b) => b.kind === 'actions')).toBe(false);
    const before = h.webchat.sent.length;
    for (const date of ['2026-03-06', '2026-03-10', '2026-03-20']) {
      h.clock.set(`${date}T10:00:00Z`);
      await sweep(h);
    }
    expect(h.webchat.sent.length).toBe(before);
  });

  it('a deferral starts the ladder again from the new date', async () => {
    const id = await raiseApproved(h, { targetDate: '2026-03-03' });
    h.clock.set('2026-03-04T10:00:00Z');
    await sweep(h);
    await fill(h, first(await press(h, 'defer', id)), { targetDate: '2026-03-06', reason: 'Waiting on the vendor.' });
    expect((await sweep(h)).headsUps).toBe(1); // due in 2 days: the 7-day heads-up for the new date
    h.clock.set('2026-03-06T10:00:00Z');
    expect((await sweep(h)).dueToday).toBe(1);
  });

  it('Snooze until tomorrow: nothing until her next working day starts, then the stage reached', async () => {
    const id = await raiseApproved(h, { targetDate: '2026-03-04' });
    h.clock.set('2026-03-05T09:00:00Z'); // Thursday 10:00 Berlin
    await press(h, 'snooze', id);
    const before = h.webchat.sent.length;
    h.clock.set('2026-03-05T14:00:00Z');
    expect(await sweep(h)).toMatchObject({ snoozed: 1, overdue: 0 });
    h.clock.set('2026-03-06T07:29:00Z'); // Friday 08:29 Berlin: not yet
    expect((await sweep(h)).snoozed).toBe(1);
    h.clock.set('2026-03-06T07:30:00Z');
    expect((await sweep(h)).overdue).toBe(1);
    expect(sentSince(h, before)).toEqual([expect.stringContaining(`${id} is 2 days overdue`)]);
  });

  it('reads only the window of target dates that can be due (14-day ladder + 7 catch-up days behind, 7-day heads-up ahead)', () => {
    expect(dueWindow('2026-03-10', h.services.org.nudges)).toEqual({ from: '2026-02-16', to: '2026-03-18' });
  });
});

describe('improvement-nudges: quiet hours across time zones', () => {
  let h: H;
  const adelaide = () =>
    exampleOrgWith((f) => {
      f.people.push({ id: 'kylie-nguyen', name: 'Kylie Nguyen', email: 'kylie.nguyen@northwind-logistics.example', timeZone: 'Australia/Adelaide', manager: 'lukas-becker', webchatName: 'Kylie' });
    });
  beforeEach(async () => (h = await improvementHarness({ org: adelaide() })));
  afterEach(async () => h.close());

  it('Adelaide, London and New York each hear on their own due day, in their own working hours', async () => {
    await raise(h, { owner: 'Kylie Nguyen', targetDate: '2026-03-04' });
    await raise(h, { owner: 'Jamie Cole', targetDate: '2026-03-04' });
    await raise(h, { owner: 'Fatima Rahman', targetDate: '2026-03-04' });
    const at = async (instant: string) => {
      h.clock.set(instant);
      const before = h.webchat.sent.length;
      await sweep(h);
      return sentSince(h, before).map((s) => s.split(':')[0]);
    };
    // Tue 20:00 London, Wed 06:30 Adelaide (both closed), Tue 15:00 New York: only Fatima hears (due tomorrow).
    expect(await at('2026-03-03T20:00:00Z')).toEqual(['fatima-rahman']);
    // Wed 09:30 Adelaide: due today there, while it is still Tuesday night in London and New York.
    expect(await at('2026-03-03T23:00:00Z')).toEqual(['kylie-nguyen']);
    expect(textOf(h.webchat.to('kylie-nguyen').at(-1)!.message)).toContain('is due today');
    expect(await at('2026-03-04T07:00:00Z')).toEqual([]); // Adelaide 17:30 (closed), London 07:00, New York 02:00
    expect(await at('2026-03-04T09:30:00Z')).toEqual(['jamie-cole']); // London 09:30 Wed
    expect(await at('2026-03-04T14:30:00Z')).toEqual(['fatima-rahman']); // New York 09:30 Wed (EST)
    expect(await at('2026-03-04T18:00:00Z')).toEqual([]);
  });
});

describe('improvement-nudges: exactly once', () => {
  let h: H;
  afterEach(async () => h.close());

  it('across a restart: a second process on the same store sends nothing already sent, and what is newly due', async () => {
    h = await improvementHarness();
    await raiseApproved(h, { targetDate: '2026-03-03' });
    h.clock.set('2026-03-03T10:00:00Z');
    expect((await sweep(h)).dueToday).toBe(1);
    const restarted = await improvementHarness({ store: h.store, clock: h.clock });
    expect(await sweepImprovementNudges(restarted.services, h.clock.now())).toMatchObject({ dueToday: 0, overdue: 0, failed: 0 });
    expect(restarted.webchat.sent).toHaveLength(0);
    h.clock.set('2026-03-04T10:00:00Z');
    expect((await sweepImprovementNudges(restarted.services, h.clock.now())).overdue).toBe(1);
    expect(restarted.webchat.sent.map((s) => s.to)).toEqual(['mei-chen']);
    await restarted.close();
  });

  it('two replicas sweeping at once send each nudge once; the job’s lease lets one run', async () => {
    h = await improvementHarness();
    await raiseApproved(h, { targetDate: '2026-03-03' });
    await raiseApproved(h, { targetDate: '2026-03-03', title: 'Second' });
    const other = await improvementHarness({ store: h.store, clock: h.clock });
    h.clock.set('2026-03-03T10:00:00Z');
    const [a, b] = await Promise.all([sweep(h), sweepImprovementNudges(other.services, h.clock.now())]);
    expect(a.dueToday + b.dueToday).toBe(2);
    expect([...h.webchat.sent, ...other.webchat.sent].filter((s) => textOf(s.message).includes('due today'))).toHaveLength(2);

    h.clock.set('2026-03-04T10:00:00Z');
    const runner = (hh: H) => createJobRunner({ jobs: [improvementNudgesJob(hh.services)], locks: hh.services.locks, clock: hh.clock, logger: hh.services.logger });
    const runs = await Promise.all([runner(h).run('improvement-nudges'), runner(other).run('improvement-nudges')]);
    expect(runs.map((r) => r.status).sort()).toEqual(['completed', 'skipped']);
    const done = runs.find((r) => r.status === 'completed');
    expect(done?.status === 'completed' && done.result.counts).toMatchObject({ overdue: 2, unreachable: 0 });
    await other.close();
  });

  it('a crash mid-sweep: after a restart nothing sent is sent again and nothing due is lost', async () => {
    h = await improvementHarness();
    await raiseApproved(h, { targetDate: '2026-03-03' });
    await raiseApproved(h, { targetDate: '2026-03-03', owner: 'Jamie Cole', title: 'Jamie’s' });
    // The first process sends one nudge, then dies while sending the next: that send never returns.
    let sends = 0;
    const dying: Transport = {
      channel: 'webchat',
      send: (address, message, options) => (++sends === 1 ? h.webchat.transport.send(address, message, options) : new Promise(() => undefined)),
      update: (ref, message) => h.webchat.transport.update(ref, message),
    };
    const before = h.webchat.sent.length;
    h.services.notifier.register(dying);
    h.clock.set('2026-03-03T10:00:00Z');
    void sweep(h);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.webchat.sent.slice(before)).toHaveLength(1);
    const firstTo = h.webchat.sent[before]!.to;

    // A new process on the same store: the send that was cut off is retried once its claim lapses, the first is not.
    const restarted = await improvementHarness({ store: h.store, clock: h.clock });
    h.clock.set('2026-03-03T10:10:00Z');
    await sweepImprovementNudges(restarted.services, h.clock.now());
    await sweepImprovementNudges(restarted.services, h.clock.now());
    const dueToday = [...h.webchat.sent.slice(before), ...restarted.webchat.sent].filter((s) => textOf(s.message).includes('due today')).map((s) => s.to);
    expect(dueToday.sort()).toEqual(['jamie-cole', 'mei-chen']);
    expect(restarted.webchat.sent.map((s) => s.to)).not.toContain(firstTo);
    await restarted.close();
  });

  it('a notifier failing mid-sweep: the rest continue, the failed one goes in the next sweep', async () => {
    h = await improvementHarness();
    await raiseApproved(h, { targetDate: '2026-03-03' });
    await raiseApproved(h, { targetDate: '2026-03-03', owner: 'Jamie Cole', title: 'Jamie’s' });
    let failures = 1;
    const flaky: Transport = {
      channel: 'webchat',
      async send(address, message, options) {
        if (address.personId === 'mei-chen' && failures-- > 0) throw new Error('web chat inbox unavailable');
        return h.webchat.transport.send(address, message, options);
      },
      update: (ref, message) => h.webchat.transport.update(ref, message),
    };
    h.services.notifier.register(flaky);
    h.clock.set('2026-03-03T10:00:00Z');
    expect(await sweep(h)).toMatchObject({ dueToday: 1, failed: 1 });
    expect(await sweep(h)).toMatchObject({ dueToday: 1, failed: 0 });
    expect(await sweep(h)).toMatchObject({ dueToday: 0, failed: 0 });
    expect(h.webchat.sent.filter((s) => textOf(s.message).includes('due today')).map((s) => s.to).sort()).toEqual(['jamie-cole', 'mei-chen']);
  });

  it('someone reachable on no channel is logged and returned, not silently dropped', async () => {
    h = await improvementHarness({ reachable: false });
    const id = await raiseApproved(h, { targetDate: '2026-03-03' });
    expect((await stored(h, id)).status).toBe('approved');
    h.clock.set('2026-03-03T10:00:00Z');
    const result = await sweep(h);
    expect(result.unreachable).toEqual([{ improvement: id, person: 'mei-chen', stage: 'due-today' }]);
    expect(h.logger.lines.some((l) => l.level === 'warn' && l.msg === 'nudge recipient is reachable on no channel')).toBe(true);
  });
});


describe('improvement-nudges: many entries in one sweep', () => {
  let h: H;
  afterEach(async () => h.close());

  /** Wednesday 4 March 2026, 14:30 UTC: working hours in London, Berlin and New York (09:30). */
  const WEDNESDAY = '2026-03-04T14:30:00Z';
  /** `IMP-…>person` for each message among `sent` whose text matches `pattern`. */
  const heard = (sent: H['webchat']['sent'], pattern: RegExp) =>
    sent.filter((s) => pattern.test(textOf(s.message))).map((s) => `${/IMP-\d{6}/.exec(textOf(s.message))?.[0]}>${s.to}`);

  it('600 due at once (more than one batch, several entries side by side): each owner hears once per entry, the card kept and audited', async () => {
    h = await improvementHarness();
    const ids = await seedEntries(h, 600, '2026-03-04');
    h.clock.set(WEDNESDAY);
    expect(await sweep(h)).toMatchObject({ dueToday: 600, failed: 0, outOfHours: 0 });
    const heardOnce = heard(h.webchat.sent, /is due today/);
    expect(heardOnce).toHaveLength(600);
    expect(new Set(heardOnce).size).toBe(600);
    for (const id of [ids[0]!, ids[299]!, ids[599]!]) {
      expect(await stored(h, id)).toMatchObject({ version: 2, messages: [expect.objectContaining({ purpose: 'owner-card' })] });
      expect(await auditActions(h, id)).toEqual(['improvement.created', 'improvement.nudged']);
    }
    expect((await h.services.audit.verify()).ok).toBe(true);
  });

  it('a sweep right after another finds, batch by batch, that all went out: it claims and renders nothing', async () => {
    h = await improvementHarness();
    await seedEntries(h, 520, '2026-03-04');
    h.clock.set(WEDNESDAY);
    await sweep(h);
    const { notifier } = h.services;
    const notify = notifier.notify.bind(notifier);
    let notified = 0;
    notifier.notify = (...args) => {
      notified++;
      return notify(...args);
    };
    expect(await sweep(h)).toMatchObject({ dueToday: 0, failed: 0 });
    expect(notified).toBe(0);
  });

  it('when looking up what went out fails, each nudge is still claimed before it is sent: none lost, none doubled', async () => {
    h = await improvementHarness();
    await seedEntries(h, 30, '2026-03-04');
    h.services.notifier.sentBefore = () => Promise.reject(new Error('store unavailable'));
    h.clock.set(WEDNESDAY);
    expect(await sweep(h)).toMatchObject({ dueToday: 30, failed: 0 });
    expect(await sweep(h)).toMatchObject({ dueToday: 0, failed: 0 });
    expect(heard(h.webchat.sent, /is due today/)).toHaveLength(30);
    expect(h.logger.lines.some((l) => l.level === 'warn' && l.msg === 'could not look up which nudges were sent; each is checked as it is sent')).toBe(true);
  });

  it('two replicas sweeping the same entries at once send each nudge once', async () => {
    h = await improvementHarness();
    await seedEntries(h, 40, '2026-03-04');
    const other = await improvementHarness({ store: h.store, clock: h.clock });
    h.clock.set(WEDNESDAY);
    const [a, b] = await Promise.all([sweep(h), sweepImprovementNudges(other.services, h.clock.now())]);
    expect(a.dueToday + b.dueToday).toBe(40);
    expect(a.failed + b.failed).toBe(0);
    const heardOnce = heard([...h.webchat.sent, ...other.webchat.sent], /is due today/);
    expect(heardOnce).toHaveLength(40);
    expect(new Set(heardOnce).size).toBe(40);
    await other.close();
  });

  it('sends failing here and there: the others go out, and the next sweep sends exactly the failed ones', async () => {
    h = await improvementHarness();
    await seedEntries(h, 50, '2026-03-04');
    let sends = 0;
    const flaky: Transport = {
      channel: 'webchat',
      async send(address, message, options) {
        if (++sends % 10 === 0) throw new Error('web chat inbox unavailable');
        return h.webchat.transport.send(address, message, options);
      },
      update: (ref, message) => h.webchat.transport.update(ref, message),
    };
    h.services.notifier.register(flaky);
    h.clock.set(WEDNESDAY);
    expect(await sweep(h)).toMatchObject({ dueToday: 45, failed: 5 });
    expect(await sweep(h)).toMatchObject({ dueToday: 5, failed: 0 });
    expect(await sweep(h)).toMatchObject({ dueToday: 0, failed: 0 });
    const heardOnce = heard(h.webchat.sent, /is due today/);
    expect(heardOnce).toHaveLength(50);
    expect(new Set(heardOnce).size).toBe(50);
  });

  it('another write lands while the nudge goes out: the card is kept on the newer version, and audited once', async () => {
    h = await improvementHarness();
    const [id] = await seedEntries(h, 1, '2026-03-04', ['mei-chen']);
    const docs = h.services.store.collection('improvements');
    const racing: Transport = {
      channel: 'webchat',
      async send(address, message, options) {
        await docs.updateOne({ id }, { $inc: { version: 1 } }); // someone else's save, first
        return h.webchat.transport.send(address, message, options);
      },
      update: (ref, message) => h.webchat.transport.update(ref, message),
    };
    h.services.notifier.register(racing);
    h.clock.set(WEDNESDAY);
    expect(await sweep(h)).toMatchObject({ dueToday: 1, failed: 0 });
    expect(await stored(h, id!)).toMatchObject({ version: 3, messages: [expect.objectContaining({ purpose: 'owner-card' })] });
    expect(await auditActions(h, id!)).toEqual(['improvement.created', 'improvement.nudged']);
  });

  it('an entry written without a version (as the incident flow writes reviews) is nudged and given one', async () => {
    h = await improvementHarness();
    const [id] = await seedEntries(h, 1, '2026-03-04', ['mei-chen']);
    await h.services.store.collection('improvements').updateOne({ id }, { $unset: { version: '' } });
    h.clock.set(WEDNESDAY);
    expect(await sweep(h)).toMatchObject({ dueToday: 1, failed: 0 });
    expect(await stored(h, id!)).toMatchObject({ version: 1, messages: [expect.objectContaining({ purpose: 'owner-card' })] });
    expect(await auditActions(h, id!)).toEqual(['improvement.created', 'improvement.nudged']);
  });
});
