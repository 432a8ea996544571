import {
  auditActions,
  buttonNames,
  CORRECTIVE,
  fill,
  first,
  GEORGE,
  improvementHarness,
  JAMIE,
  LUKAS,
  MEI,
  press,
  raise,
  raiseApproved,
  stored,
  textOf,
  type H,
} from './improvement-actions.support';

describe('improvement-actions: the owner’s buttons', () => {
  let h: H;
  beforeEach(async () => (h = await improvementHarness()));
  afterEach(async () => h.close());

  /** The latest version of the owner's card (refreshed in place). */
  const ownerCard = () => {
    const ref = h.webchat.to('mei-chen')[0]!.ref;
    return h.webchat.updated.filter((u) => u.ref.ref === ref).at(-1)?.message;
  };

  it('Mark progress: a note (and a percentage) starts the work; the card is refreshed in place', async () => {
    const id = await raiseApproved(h);
    const form = first(await press(h, 'progress', id));
    expect((await fill(h, form, { note: '', percent: '140' })).errors).toEqual({ note: expect.stringContaining('Write what'), percent: expect.stringContaining('0 to 100') });
    const outcome = await fill(h, form, { note: 'Page drafted; waiting on the network team.', percent: '40' });
    expect(textOf(outcome.update)).toContain('Latest progress (Mei Chen, 40%)');
    expect(await stored(h, id)).toMatchObject({ status: 'in_progress', progress: [{ text: 'Page drafted; waiting on the network team.', percent: 40 }] });
    expect(textOf(ownerCard())).toContain('Status: in progress.');
    expect(await auditActions(h, id)).toContain('improvement.progress_noted');
  });

  it('only the owner presses them', async () => {
    const id = await raiseApproved(h);
    for (const action of ['progress', 'done', 'defer', 'snooze']) {
      expect(textOf(first(await press(h, action, id, LUKAS)))).toContain(`Only Mei Chen, the owner of ${id}, can do that.`);
    }
  });

  it('Need more time: a new date and a reason, kept as a deferral (every one of them); no reason, no deferral', async () => {
    const id = await raiseApproved(h);
    const form = first(await press(h, 'defer', id));
    expect((await fill(h, form, { targetDate: '2026-04-10', reason: ' ' })).errors).toEqual({ reason: expect.stringContaining('Say why the target date is moving') });
    expect((await fill(h, form, { targetDate: '2026-02-10', reason: 'Busy' })).errors).toEqual({ targetDate: expect.stringContaining('in the past') });
    expect((await stored(h, id)).targetDate).toBe('2026-03-20');
    await fill(h, form, { targetDate: '2026-04-10', reason: 'The network team is on the firewall migration.' });
    await fill(h, form, { targetDate: '2026-04-24', reason: 'Vendor API late.' });
    const record = await stored(h, id);
    expect(record.targetDate).toBe('2026-04-24');
    expect(record.deferrals).toEqual([
      expect.objectContaining({ from: '2026-03-20', to: '2026-04-10', reason: 'The network team is on the firewall migration.', by: expect.objectContaining({ id: 'mei-chen' }) }),
      expect.objectContaining({ from: '2026-04-10', to: '2026-04-24', reason: 'Vendor API late.' }),
    ]);
    expect((await auditActions(h, id)).filter((a) => a === 'improvement.target_date_moved')).toHaveLength(2);
    expect(h.webchat.to('lukas-becker').map((s) => textOf(s.message)).join('\n')).toContain('moved');
  });

  it('Snooze until tomorrow: quiet until the start of her next working day (Berlin), kept on the record', async () => {
    const id = await raiseApproved(h);
    h.clock.set('2026-03-06T13:00:00Z'); // Friday 14:00 in Berlin
    const outcome = await press(h, 'snooze', id);
    expect(textOf(first(outcome))).toContain('No reminders about');
    expect((await stored(h, id)).snoozedUntil).toEqual(new Date('2026-03-09T07:30:00Z')); // Monday 08:30 Berlin
    expect(await auditActions(h, id)).toContain('improvement.snoozed');
  });

  it('Done: an improvement may go without evidence; the manager is asked to check it; nudging stops', async () => {
    const id = await raiseApproved(h);
    const form = first(await press(h, 'done', id));
    const outcome = await fill(h, form, { evidence: '' });
    expect(textOf(first(outcome))).toContain('Lukas Becker will check that it worked');
    expect((await stored(h, id)).status).toBe('done');
    expect(buttonNames(ownerCard())).toEqual([]);
    const verify = h.webchat.to('lukas-becker').at(-1)!.message;
    expect(buttonNames(verify)).toEqual(['effective', 'not-effective']);
  });

  it('Done without evidence on a corrective action is refused next to the field', async () => {
    const id = await raiseApproved(h, CORRECTIVE);
    const form = first(await press(h, 'done', id));
    expect(form?.form?.inputs[0]).toMatchObject({ name: 'evidence', required: true });
    expect((await fill(h, form, { evidence: '  ' })).errors).toEqual({ evidence: expect.stringContaining('needs evidence') });
    expect((await stored(h, id)).status).toBe('approved');
    await fill(h, form, { evidence: 'Close now needs a review: https://wiki.example/chg-close' });
    expect(await stored(h, id)).toMatchObject({ status: 'done', evidence: [{ text: 'Close now needs a review: https://wiki.example/chg-close' }] });
  });

  it('a proposed entry cannot be marked done yet', async () => {
    const id = await raise(h);
    expect(textOf(first(await press(h, 'done', id)))).toContain('still awaiting approval');
  });

  it('the effectiveness check is someone else’s: not effective sends it back with why; effective closes it', async () => {
    const id = await raiseApproved(h, CORRECTIVE);
    await fill(h, first(await press(h, 'done', id)), { evidence: 'Checklist updated' });
    expect(textOf(first(await press(h, 'effective', id, MEI)))).toContain("Only the owner's manager");
    expect(textOf(first(await press(h, 'effective', id, JAMIE)))).toContain("Only the owner's manager");
    const notForm = first(await press(h, 'not-effective', id, LUKAS));
    expect((await fill(h, notForm, { notes: '' }, LUKAS)).errors).toEqual({ notes: expect.stringContaining('Say why') });
    await fill(h, notForm, { notes: 'Two changes closed without review last week.' }, LUKAS);
    expect(await stored(h, id)).toMatchObject({ status: 'in_progress', effectivenessCheck: { effective: false, by: { id: 'lukas-becker' } } });
    expect(h.webchat.to('mei-chen').map((s) => textOf(s.message)).join('\n')).toContain('not effective');

    await fill(h, first(await press(h, 'done', id)), { evidence: 'Close is now blocked without a review.' });
    expect(textOf(first(await press(h, 'effective', id, GEORGE)))).toContain(`${id} is verified effective`);
    expect(await stored(h, id)).toMatchObject({ status: 'verified', effectivenessCheck: { effective: true, by: { id: 'george-evans' } } });
    expect(await auditActions(h, id)).toEqual(expect.arrayContaining(['improvement.done', 'improvement.not_effective', 'improvement.verified']));
  });

  it('a button on a verified or rejected entry changes nothing and says so', async () => {
    const id = await raiseApproved(h);
    await fill(h, first(await press(h, 'done', id)), { evidence: 'Live' });
    await press(h, 'effective', id, LUKAS);
    const before = await stored(h, id);
    for (const action of ['progress', 'done', 'defer', 'snooze']) {
      const outcome = await press(h, action, id);
      expect(textOf(first(outcome))).toContain(`${id} is verified effective; there is nothing more to do on it.`);
      expect(buttonNames(outcome.update)).toEqual([]);
    }
    expect(textOf(first(await press(h, 'effective', id, LUKAS)))).toContain('nothing more to do');
    expect((await stored(h, id)).version).toBe(before.version);

    const rejected = await raise(h, { title: 'Another' });
    await fill(h, first(await press(h, 'reject', rejected, LUKAS)), { reason: 'Duplicate of an existing action.' }, LUKAS);
    expect(textOf(first(await press(h, 'defer', rejected)))).toContain('is rejected; there is nothing more to do');
  });
});
