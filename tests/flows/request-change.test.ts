import { as, buttonsOf, button, changeHarness, DETAILS, draftNormal, first, LUKAS, PRIYA, raiseNormal, REQUESTER, riskAnswers, textOf } from './request-change.support';

describe('request-change: requesting', () => {
  let h: Awaited<ReturnType<typeof changeHarness>>;
  beforeEach(async () => (h = await changeHarness()));
  afterEach(async () => h.close());

  it('asks for the type first, then shows risk, route and the plan before submitting', async () => {
    const choice = first(await h.send({ type: 'command', command: 'change', args: '' }, REQUESTER));
    expect(buttonsOf(choice).map((b) => b.value)).toEqual(['standard', 'normal', 'emergency']);
    const confirmation = first(await draftNormal(h, { ...DETAILS, ...riskAnswers(h, 'highest') }));
    const text = textOf(confirmation);
    expect(text).toContain('Patch the payroll database servers');
    expect(text).toMatch(/Risk.*high/s);
    expect(text).toContain('The CAB decides: 2 approvals needed');
    expect(buttonsOf(confirmation).map((b) => b.label)).toEqual(['Submit', 'Edit', 'Cancel']);
  });

  it('puts bad input next to the field and stores nothing', async () => {
    const endBeforeStart = await draftNormal(h, { ...DETAILS, ...riskAnswers(h, 'highest'), plannedEnd: '2026-03-07T09:00' });
    expect(endBeforeStart.errors).toEqual({ plannedEnd: 'The planned end must be after the planned start' });
    const inThePast = await draftNormal(h, { ...DETAILS, ...riskAnswers(h, 'highest'), plannedStart: '2026-02-01T10:00', plannedEnd: '2026-02-01T11:00' });
    expect(Object.keys(inThePast.errors ?? {})).toEqual(['plannedStart']);
    const noService = await draftNormal(h, { ...DETAILS, ...riskAnswers(h, 'highest'), services: [] });
    expect(noService.errors?.services).toBe('Pick at least one service the change touches');
    const badLink = await draftNormal(h, { ...DETAILS, ...riskAnswers(h, 'highest'), linked: 'yesterday' });
    expect(badLink.errors?.linked).toContain('is not an incident or problem number');
    expect(await h.services.store.collection('changes').find({})).toEqual([]);
  });

  it('raises CHG-000001 once however often Submit is pressed, audited, with cards to the CAB but not the requester', async () => {
    const confirmation = first(await draftNormal(h, { ...DETAILS, ...riskAnswers(h, 'highest') }));
    const submit = button(confirmation, 'submit');
    const outcomes = await Promise.all([1, 2, 3].map(() => h.send({ type: 'action', action: submit.action, value: submit.value! }, REQUESTER)));
    const texts = outcomes.map((o) => textOf(first(o)));
    expect(texts.filter((t) => t.includes('Submitted.'))).toHaveLength(1);
    expect(await h.services.store.collection('changes').find({})).toHaveLength(1);
    const events = await h.services.audit.listForRecord('change', 'CHG-000001');
    expect(events.map((e) => e.action)).toContain('change.created');
    expect(events.every((e) => e.clause === '8.5.1')).toBe(true);
    const carded = h.webchat.sent.filter((s) => textOf(s.message).includes('CHG-000001')).map((s) => s.to);
    expect(new Set(carded)).toEqual(new Set(['priya-shah', 'lukas-becker', 'sofia-rossi', 'daniel-hughes', 'claire-dubois']));
  });

  it('routes a low-risk change to one change manager', async () => {
    const confirmation = first(await draftNormal(h, { ...DETAILS, services: ['printing'], ...riskAnswers(h, 'lowest') }));
    expect(textOf(confirmation)).toContain('One change manager decides');
  });
});

describe('request-change: authorising', () => {
  let h: Awaited<ReturnType<typeof changeHarness>>;
  beforeEach(async () => (h = await changeHarness()));
  afterEach(async () => h.close());

  it('is approved once the CAB quorum approves; a double click counts once; the requester is told; cards update in place', async () => {
    const changeId = await raiseNormal(h);
    const card = h.webchat.to('priya-shah').find((s) => textOf(s.message).includes(changeId))!.message;
    const approveButton = button(card, 'approve');
    const firstVote = await h.send({ type: 'action', action: approveButton.action, value: changeId }, PRIYA);
    expect(textOf(first(firstVote))).toContain('more decisions are needed');
    const again = await h.send({ type: 'action', action: approveButton.action, value: changeId }, PRIYA);
    expect(textOf(first(again))).toContain(`You already approved ${changeId}`);
    const secondVote = await h.send({ type: 'action', action: approveButton.action, value: changeId }, LUKAS);
    expect(textOf(first(secondVote))).toContain(`${changeId} is now approved`);
    const stored = await h.services.store.collection('changes').findOne({ id: changeId });
    expect((stored as unknown as { approvals: unknown[] }).approvals).toHaveLength(2);
    expect(h.webchat.to('nina-kowalski').some((s) => textOf(s.message).includes('was approved'))).toBe(true);
    const updates = h.webchat.updated.filter((u) => textOf(u.message).includes('Decided: approved'));
    expect(updates.length).toBeGreaterThanOrEqual(5);
    const late = await h.send({ type: 'action', action: approveButton.action, value: changeId }, as('Sofia'));
    expect(textOf(first(late))).not.toContain('is now approved');
  });

  it('refuses a decision from the requester and from someone who is not an approver', async () => {
    const changeId = await raiseNormal(h);
    const mine = await h.send({ type: 'action', action: 'request-change:approve', value: changeId }, REQUESTER);
    expect(textOf(first(mine))).toContain('someone else must authorise it');
    const outsider = await h.send({ type: 'action', action: 'request-change:approve', value: changeId }, as('Hannah'));
    expect(textOf(first(outsider))).toContain('does not name you');
  });

  it('needs a reason to reject, and one rejection rejects', async () => {
    const changeId = await raiseNormal(h);
    const opened = first(await h.send({ type: 'action', action: 'request-change:reject', value: changeId }, PRIYA));
    const form = opened!.form!;
    const empty = await h.send({ type: 'submit', form: form.id, values: { reason: '  ' }, state: form.state! }, PRIYA);
    expect(empty.errors).toEqual({ reason: expect.stringContaining('Say why') });
    const rejected = await h.send({ type: 'submit', form: form.id, values: { reason: 'No tested backout on node B.' }, state: form.state! }, PRIYA);
    expect(textOf(first(rejected))).toContain('is now rejected');
    expect(h.webchat.to('nina-kowalski').some((s) => textOf(s.message).includes('No tested backout on node B.'))).toBe(true);
  });

  it("an approver's question reaches the requester, whose reply reaches the approver; both are kept on the change", async () => {
    const changeId = await raiseNormal(h);
    const askForm = first(await h.send({ type: 'action', action: 'request-change:ask', value: changeId }, PRIYA))!.form!;
    const empty = await h.send({ type: 'submit', form: askForm.id, values: { question: ' ' }, state: askForm.state! }, PRIYA);
    expect(empty.errors).toEqual({ question: 'Type your question for the requester' });
    await h.send({ type: 'submit', form: askForm.id, values: { question: 'Is node B patched first?' }, state: askForm.state! }, PRIYA);
    const question = h.webchat.to('nina-kowalski').map((s) => s.message).find((m) => textOf(m).includes('Is node B patched first?'));
    const reply = button(question, 'reply');
    const refused = await h.send({ type: 'action', action: reply.action, value: reply.value! }, LUKAS);
    expect(textOf(first(refused))).toBe(`Only the person who requested ${changeId} can answer questions about it.`);
    const replyForm = first(await h.send({ type: 'action', action: reply.action, value: reply.value! }, REQUESTER))!.form!;
    const noAnswer = await h.send({ type: 'submit', form: replyForm.id, values: { answer: '' }, state: replyForm.state! }, REQUESTER);
    expect(noAnswer.errors).toEqual({ answer: 'Type your answer' });
    const sent = await h.send({ type: 'submit', form: replyForm.id, values: { answer: 'Yes, A after B.' }, state: replyForm.state! }, REQUESTER);
    expect(textOf(first(sent))).toBe(`Your answer about ${changeId} was sent to Priya Shah.`);
    const answer = h.webchat.to('priya-shah').map((s) => s.message).find((m) => textOf(m).includes('Yes, A after B.'));
    expect(buttonsOf(answer).map((b) => b.label)).toEqual(['Open the change']);
    const actions = (await h.services.audit.listForRecord('change', changeId)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['change.question_asked', 'change.question_answered']));
  });

  it('a withdrawn change takes no more decisions', async () => {
    const changeId = await raiseNormal(h);
    await h.send({ type: 'action', action: 'request-change:withdraw', value: changeId }, REQUESTER);
    expect(h.webchat.updated.filter((u) => textOf(u.message).includes('No decision needed: withdrawn.')).length).toBeGreaterThanOrEqual(5);
    const late = await h.send({ type: 'action', action: 'request-change:approve', value: changeId }, PRIYA);
    expect(textOf(first(late))).toMatch(/withdrawn/i);
  });

  it("shows an approver the changes waiting for them on the App Home, and the card to decide on when they open one", async () => {
    const changeId = await raiseNormal(h);
    const priya = h.services.people.resolve({ channel: 'webchat', userId: 'Priya', name: 'Priya' });
    const home = await h.dispatcher.home(priya, 'webchat');
    const text = home.map((b) => (b.kind === 'text' || b.kind === 'heading' ? JSON.stringify(b.text) : '')).join(' ');
    expect(text).toContain('Changes waiting for your decision');
    expect(text).toContain(changeId);
    const opened = first(await h.send({ type: 'action', action: 'request-change:view', value: changeId }, PRIYA));
    expect(buttonsOf(opened).map((b) => b.label)).toEqual(['Approve', 'Reject…', 'Ask a question']);
    const nina = h.services.people.resolve({ channel: 'webchat', userId: 'Nina', name: 'Nina' });
    const ninaHome = (await h.dispatcher.home(nina, 'webchat')).map((b) => JSON.stringify(b)).join(' ');
    expect(ninaHome).toContain('Your changes');
    expect(ninaHome).not.toContain('waiting for your decision');
  });

  it('lists the schedule and looks a change up by number', async () => {
    const changeId = await raiseNormal(h);
    const schedule = first(await h.send({ type: 'command', command: 'changes', args: '' }, as('Hannah')));
    expect(textOf(schedule)).toContain(changeId);
    const page = first(await h.send({ type: 'command', command: changeId.toLowerCase(), args: '' }, as('Hannah')));
    expect(textOf(page)).toContain('Patch the payroll database servers');
  });
});
