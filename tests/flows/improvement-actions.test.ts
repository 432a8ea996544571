import { improvementActionsFlow } from '../../flows/improvement-actions';
import { ensureReview } from '../../flows/report-incident/major-incident';
import { createImprovementRepository } from '../../flows/improvement-actions/improvement.repository';
import { anIncident } from '../support/mothers';
import {
  auditActions,
  buttonNames,
  buttonsOf,
  CORRECTIVE,
  draft,
  fill,
  first,
  FORM,
  GEORGE,
  improvementHarness,
  JAMIE,
  LUKAS,
  MEI,
  press,
  raise,
  stored,
  textOf,
  TOM,
  type H,
} from './improvement-actions.support';

describe('improvement-actions: raising an entry', () => {
  let h: H;
  beforeEach(async () => (h = await improvementHarness()));
  afterEach(async () => h.close());

  it('opens the form from `improve` and `imp`, and says who will approve on the confirmation', async () => {
    for (const command of ['improve', 'imp']) {
      const opened = first(await h.send({ type: 'command', command, args: '' }, JAMIE));
      expect(opened?.form?.id).toBe('improvement-actions:raise');
      expect(opened?.form?.inputs.map((i) => i.name)).toEqual(expect.arrayContaining(['title', 'type', 'source', 'sourceRef', 'owner', 'priority', 'targetDate', 'nonconformity', 'correction', 'rootCause']));
    }
    const confirmation = first(await draft(h));
    expect(textOf(confirmation)).toContain('Lukas Becker will be asked to approve it');
    expect(textOf(confirmation)).toContain('Incident INC-000123');
    expect(buttonNames(confirmation)).toEqual(['submit', 'edit', 'cancel']);
  });

  it('refuses a past target date, an owner not in the org file, a bad source number — on the right fields', async () => {
    const outcome = await draft(h, { targetDate: '2026-03-01', owner: 'Somebody Else', sourceRef: 'REQ-1' });
    expect(outcome.errors).toEqual({
      targetDate: 'The target date is in the past; pick 2026-03-02 or later',
      owner: expect.stringContaining('"Somebody Else" is not in the organisation file'),
      sourceRef: expect.stringContaining('not an incident, change or problem number'),
    });
    expect((await draft(h, { owner: '', targetDate: '31/03/2026' })).errors).toEqual({ owner: expect.stringContaining('Name the owner'), targetDate: 'Write the target date as YYYY-MM-DD' });
    // An owner by e-mail is fine; today is fine.
    expect((await draft(h, { owner: 'MEI.CHEN@northwind-logistics.example', targetDate: '2026-03-02' })).errors).toBeUndefined();
    expect(await h.services.store.collection('improvements').countDocuments({})).toBe(0);
  });

  it('a corrective action needs its nonconformity, correction and root cause, each shown on its own field', async () => {
    const outcome = await draft(h, { type: 'corrective_action', nonconformity: ' ', correction: 'Contained it', rootCause: '' });
    expect(outcome.errors).toEqual({ nonconformity: expect.stringContaining('Describe the nonconformity'), rootCause: expect.stringContaining('root cause') });
    const ok = first(await draft(h, CORRECTIVE));
    expect(textOf(ok)).toContain('Corrective action (10.1)');
    expect(textOf(ok)).toContain('Root cause: Changes could be closed without their review.');
  });

  it('submits once under double clicks and replays: one IMP record, one audit event, one card to the approver', async () => {
    const confirmation = first(await draft(h));
    const submit = buttonsOf(confirmation).find((b) => b.label === 'Submit')!;
    const clicks = await Promise.all([1, 2, 3].map(() => h.send({ type: 'action', action: submit.action, value: submit.value! }, JAMIE)));
    const numbers = new Set(clicks.map((c) => /IMP-\d{6}/.exec(textOf(first(c)))?.[0]));
    expect([...numbers]).toEqual(['IMP-000001']);
    expect(await h.services.store.collection('improvements').countDocuments({})).toBe(1);
    const again = await h.send({ type: 'action', action: submit.action, value: submit.value! }, JAMIE);
    expect(textOf(first(again))).toContain('already submitted as IMP-000001');
    // The form submitted again after the record exists raises nothing new either.
    expect(textOf(first(await fill(h, { summary: '', blocks: [], form: { id: 'improvement-actions:raise', title: '', inputs: [], submitLabel: '', state: submit.value! } }, FORM, JAMIE)))).toContain('already submitted');

    const record = await stored(h, 'IMP-000001');
    expect(record).toMatchObject({ status: 'proposed', clause: '10.2', owner: { id: 'mei-chen' }, manager: { id: 'lukas-becker' }, source: { kind: 'incident', ref: 'INC-000123' }, targetDate: '2026-03-20' });
    expect((await auditActions(h, 'IMP-000001')).filter((a) => a === 'improvement.created')).toHaveLength(1);
    expect(h.webchat.to('lukas-becker')).toHaveLength(1);
    expect(buttonNames(h.webchat.to('lukas-becker')[0]!.message)).toEqual(['approve', 'reject']);
    // Mei did not raise it herself, so she is told she owns it (once).
    expect(h.webchat.to('mei-chen')).toHaveLength(1);
    expect(textOf(h.webchat.to('mei-chen')[0]!.message)).toContain('You own IMP-000001');
  });

  it('cancel forgets the draft; a stale confirmation raises nothing', async () => {
    const confirmation = first(await draft(h));
    const value = buttonsOf(confirmation)[0]!.value!;
    expect(textOf(first(await press(h, 'cancel', value, JAMIE)))).toContain('nothing was saved');
    expect(textOf(first(await press(h, 'submit', value, JAMIE)))).toContain('out of date');
    expect(await h.services.store.collection('improvements').countDocuments({})).toBe(0);
  });
});

describe('improvement-actions: approval', () => {
  let h: H;
  beforeEach(async () => (h = await improvementHarness()));
  afterEach(async () => h.close());

  it('only the owner’s manager or the process owner decides — never the owner, never anyone else', async () => {
    const id = await raise(h);
    for (const who of [MEI, JAMIE, TOM]) {
      expect(textOf(first(await press(h, 'approve', id, who)))).toContain('Only the owner\'s manager or the process owner (Lukas Becker or George Evans)');
    }
    expect((await stored(h, id)).status).toBe('proposed');
    const approved = await press(h, 'approve', id, GEORGE);
    expect(textOf(first(approved))).toContain(`${id} is approved`);
    expect((await stored(h, id)).status).toBe('approved');
    // The approver's card went back to no buttons; the owner's card now offers hers.
    expect(buttonNames(h.webchat.updated.find((u) => u.ref.ref === h.webchat.to('lukas-becker')[0]!.ref)?.message)).toEqual([]);
    expect(buttonNames(h.webchat.updated.filter((u) => u.ref.ref === h.webchat.to('mei-chen')[0]!.ref).at(-1)?.message)).toEqual(['progress', 'done', 'defer', 'snooze']);
    expect(textOf(first(await press(h, 'approve', id, LUKAS)))).toContain('already approved');
    expect(await auditActions(h, id)).toEqual(expect.arrayContaining(['improvement.created', 'improvement.approved']));
    // Mei and Jamie are told of the decision.
    expect(h.webchat.to('jamie-cole').map((s) => textOf(s.message)).join('\n')).toContain('George Evans approved');
  });

  it('two approvers clicking at once: one decision, the other told it is already decided', async () => {
    const id = await raise(h);
    const [a, b] = await Promise.all([press(h, 'approve', id, LUKAS), press(h, 'approve', id, GEORGE)]);
    const said = [textOf(first(a)), textOf(first(b))].sort();
    expect(said).toEqual([`${id} is already approved, not started; there is nothing left to decide.`, `${id} is approved, not started.`].sort());
    expect((await auditActions(h, id)).filter((x) => x === 'improvement.approved')).toHaveLength(1);
  });

  it('reject needs a reason; the owner cannot reject either', async () => {
    const id = await raise(h);
    expect(textOf(first(await press(h, 'reject', id, MEI)))).toContain('Only the owner\'s manager');
    const form = first(await press(h, 'reject', id, LUKAS));
    expect((await fill(h, form, { reason: '  ' }, LUKAS)).errors).toEqual({ reason: expect.stringContaining('Say why') });
    await fill(h, form, { reason: 'The status page already exists: link it from the VPN client.' }, LUKAS);
    const record = await stored(h, id);
    expect(record).toMatchObject({ status: 'rejected', decision: { approved: false, by: { id: 'lukas-becker' } } });
    expect(textOf(first(await press(h, 'approve', id, GEORGE)))).toContain('already rejected');
  });
});

describe('improvement-actions: lists and look-ups', () => {
  let h: H;
  beforeEach(async () => (h = await improvementHarness()));
  afterEach(async () => h.close());

  it('`actions` lists the person’s own open actions overdue first; a manager also sees their team’s', async () => {
    const later = await raise(h, { title: 'Later one', targetDate: '2026-03-30' });
    const sooner = await raise(h, { title: 'Sooner one', targetDate: '2026-03-05' });
    h.clock.set('2026-03-09T09:00:00Z'); // `sooner` is now 4 days overdue
    const mine = first(await h.send({ type: 'command', command: 'actions', args: '' }, MEI));
    const text = textOf(mine);
    expect(text.indexOf(sooner)).toBeLessThan(text.indexOf(later));
    expect(text).toContain(`${sooner} Sooner one — awaiting approval, target Thu 5 Mar 2026 (4 days overdue) OVERDUE`);
    expect(text).toContain('Mon 30 Mar 2026 (in 21 days)');
    expect(text).not.toContain("Your team's actions"); // Mei manages nobody
    const lukas = textOf(first(await h.send({ type: 'command', command: 'actions', args: '' }, LUKAS)));
    expect(lukas).toContain('You own no open improvement');
    expect(lukas).toContain(`${sooner} Sooner one (Mei Chen)`);
    // The App Home shows the same.
    const home = await h.dispatcher.home(h.services.people.resolve({ channel: 'webchat', userId: 'Mei' }), 'webchat');
    expect(home.map((b) => ('text' in b ? JSON.stringify(b.text) : '')).join('\n')).toContain(sooner);
  });

  it('an entry by number shows its card with the buttons the reader may press', async () => {
    const id = await raise(h);
    expect(buttonNames(first(await h.send({ type: 'command', command: id.toLowerCase().replace('-0000', '-'), args: '' }, LUKAS)))).toEqual(['approve', 'reject']);
    expect(buttonNames(first(await h.send({ type: 'command', command: id, args: '' }, JAMIE)))).toEqual([]);
    expect(textOf(first(await h.send({ type: 'command', command: 'IMP-000999', args: '' }, JAMIE)))).toContain("can't find IMP-000999");
    expect(improvementActionsFlow.jobs?.(h.services).map((j) => j.name)).toEqual(['improvement-nudges', 'improvement-digest']);
  });

  it('reads and updates the post-incident reviews the incident flow raises (same collection, same schema)', async () => {
    const review = await ensureReview(h.services, anIncident({ id: 'INC-000042', status: 'resolved' }, {}, { organisation: h.services.org }));
    expect(review?.id).toMatch(/^IMP-/);
    const repo = createImprovementRepository(h.services);
    const loaded = await repo.get(review!.id);
    expect(loaded.version).toBe(0); // written without a version
    // Its owner (an incident manager) sees it and can act on it; the first save adopts it.
    const owner = h.services.people.person(review!.owner.id)!;
    expect(textOf(first(await h.send({ type: 'command', command: 'actions', args: '' }, { channel: 'webchat', userId: owner.webchatName! })))).toContain(review!.id);
    const form = first(await press(h, 'progress', review!.id, { channel: 'webchat', userId: owner.webchatName! }));
    await fill(h, form, { note: 'Timeline drafted.' }, { channel: 'webchat', userId: owner.webchatName! });
    expect(await stored(h, review!.id)).toMatchObject({ version: 1, progress: [{ text: 'Timeline drafted.' }] });
  });
});
