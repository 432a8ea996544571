import { flows } from '../../../flows';
import { sweepChangeNudges } from '../../../flows/request-change/change-nudges.job';
import type { RecordedCall } from '../../support/fake-slack-api';
import { CHANGE_TEXT, FAILURE_NOTES, plannedWindow, REVIEW, riskiestAnswers, riskiestScore, SERVICE, type PlannedWindow } from '../change-scenario.support';
import { problemsInCalls } from './block-kit-validator';
import { buttonClick, PRIYA, startSlackRig, textOf, viewSubmission, type SlackRig } from './slack-rig';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * The change scenario through Slack (issue 7): the real registry flows behind real Bolt over HTTP, against the
 * fake Slack Web API. People of config/organisation.example.yaml as `users.info` describes them: Nina by her Slack
 * id in the file, Lukas too, Priya by her e-mail only (the rig's PRIYA has another Slack id).
 */
const NINA = { id: 'U0ZDMEN2KHV', name: 'nina', realName: 'Nina Kowalski', email: 'nina.kowalski@northwind-logistics.example', tz: 'Europe/Berlin' };
const LUKAS = { id: 'U0VJ50CE9UV', name: 'lukas', realName: 'Lukas Becker', email: 'lukas.becker@northwind-logistics.example', tz: 'Europe/Berlin' };

/** The statuses of a change awaiting authorisation. */
const AWAITING = ['submitted', 'assessed'];

/** A person's DM channel with the bot, as the fake's `conversations.open` names it. */
const dm = (userId: string) => `D${userId.slice(1)}`;
const params = (call: RecordedCall | undefined): Json => call?.params;
const buttonsOf = (call: RecordedCall | undefined): Json[] => ((params(call)?.blocks ?? []) as Json[]).flatMap((block) => (block.type === 'actions' ? block.elements : []));
function button(call: RecordedCall | undefined, label: string): Json {
  const found = buttonsOf(call).find((candidate) => candidate.text.text === label);
  if (!found) throw new Error(`no "${label}" button in: ${call ? textOf(call) : 'nothing'}`);
  return found;
}
const firstLine = (text: string) => text.split('\n')[0]!;
const says = (call: RecordedCall, pattern: RegExp) => pattern.test(textOf(call));


describe('Slack: a normal change from request through the CAB to its review (real Bolt, fake Web API)', () => {
  let rig: SlackRig;
  const hook = (name: string) => rig.responseHook(name);

  beforeAll(async () => {
    rig = await startSlackRig({ flows: [...flows] });
    for (const user of [NINA, LUKAS]) rig.fake.users.set(user.id, user);
    // The approvers used the bot before (so Slack can reach them): `/itsm help`, answered through its response URL.
    for (const user of [PRIYA, LUKAS]) {
      const help = hook('help');
      await rig.command('help', { user_id: user.id, user_name: user.name, response_url: help.url });
      await rig.fake.waitFor('response_url', 1, (call) => call.path === help.path);
    }
  });
  afterAll(() => rig.close());

  /** Opens views.open's next modal after `before` calls to it. */
  async function nextModal(before: number): Promise<Json> {
    const opened = await rig.fake.waitFor('views.open', before + 1);
    return params(opened[before]).view;
  }

  /** The change form's state as Slack sends it on submit: texts, the service picked, the window, the riskiest answers. */
  function fillChangeForm(view: Json, window: PlannedWindow): Record<string, Record<string, unknown>> {
    const risk = riskiestAnswers(rig.harness.services.org);
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of (view.blocks as Json[]).filter((b) => b.type === 'input')) {
      const name: string = block.block_id;
      const element = block.element;
      if (name in CHANGE_TEXT) values[name] = { type: 'plain_text_input', value: CHANGE_TEXT[name as keyof typeof CHANGE_TEXT] };
      else if (name === 'services') {
        expect(element.type).toBe('multi_static_select');
        values[name] = { type: element.type, selected_options: (element.options as Json[]).filter((option) => option.value === SERVICE) };
      } else if (name === 'plannedStart' || name === 'plannedEnd') {
        expect(element.type).toBe('datetimepicker');
        const at = name === 'plannedStart' ? window.startsAt : window.endsAt;
        values[name] = { type: element.type, selected_date_time: Math.floor(at.getTime() / 1000) };
      } else if (name.startsWith('risk.')) {
        expect(element.type).toBe('static_select');
        const answer = risk.find((a) => a.name === name)!;
        values[name] = { type: element.type, selected_option: (element.options as Json[]).find((option) => option.value === answer.value) };
      } else {
        // Implementer and linked incident left empty: Slack sends the input with a null value.
        values[name] = { type: element.type, value: null };
      }
    }
    return values;
  }

  /**
   * Nina asks for a normal change: `/itsm change`, Normal, the form in a modal, the confirmation (risk and route),
   * Submit. Resolves with the number raised and the confirmation she saw.
   */
  async function requestChange(window: PlannedWindow): Promise<{ changeId: string; confirmation: RecordedCall }> {
    const command = hook('change');
    await rig.command('change', { user_id: NINA.id, user_name: NINA.name, response_url: command.url });
    const [choice] = await rig.fake.waitFor('response_url', 1, (call) => call.path === command.path);
    expect(buttonsOf(choice).map((b) => b.text.text)).toEqual(['Standard', 'Normal', 'Emergency']);

    const normal = button(choice, 'Normal');
    const picked = hook('normal');
    const modals = rig.fake.callsTo('views.open').length;
    await rig.interact(buttonClick({ actionId: normal.action_id, value: normal.value, user: NINA.id, ephemeral: true, responseUrl: picked.url }));
    const view = await nextModal(modals);
    expect(view.callback_id).toBe('request-change:details');
    const answer = await rig.interact(viewSubmission(view, fillChangeForm(view, window), NINA.id));
    expect(answer.status).toBe(200);
    expect(answer.body).not.toContain('response_action');

    const [confirmation] = await rig.fake.waitFor('response_url', 1, (call) => call.path === picked.path && buttonsOf(call).length > 0);
    const submit = button(confirmation, 'Submit');
    const submitted = hook('submit');
    await rig.interact(buttonClick({ actionId: submit.action_id, value: submit.value, user: NINA.id, ephemeral: true, responseUrl: submitted.url }));
    const [receipt] = await rig.fake.waitFor('response_url', 1, (call) => call.path === submitted.path && says(call, /CHG-\d{6} submitted/));
    const changeId = /CHG-\d{6}/.exec(textOf(receipt!))![0];
    // The confirmation itself is replaced in place, its buttons gone.
    const [used] = await rig.fake.waitFor('response_url', 1, (call) => call.path === submitted.path && params(call).replace_original === true);
    expect(textOf(used!)).toContain(`Submitted as ${changeId}.`);
    expect(buttonsOf(used)).toEqual([]);
    return { changeId, confirmation: confirmation! };
  }

  /**
   * Runs `work` while every write to the change register waits `ms` first (reads are untouched): requests that
   * arrive together then read the same version of a change before either writes.
   */
  async function withSlowChangeWrites<T>(ms: number, work: () => Promise<T>): Promise<T> {
    const store = rig.harness.store;
    const collection = store.collection.bind(store);
    const spy = jest.spyOn(store, 'collection').mockImplementation(((name: string) => {
      const handle = collection(name);
      if (name !== 'changes') return handle;
      return new Proxy(handle, {
        get(target, key) {
          const value = Reflect.get(target, key, target) as unknown;
          if (key !== 'findOneAndUpdate' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: unknown[]) => {
            await new Promise((resolve) => setTimeout(resolve, ms));
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    }) as typeof store.collection);
    try {
      return await work();
    } finally {
      spy.mockRestore();
    }
  }

  const stored = async (changeId: string) => (await rig.harness.store.collection('changes').findOne({ id: changeId })) as Json;

  /** Where the approval card for `personId` was posted, as the change record keeps it. */
  async function cardOf(changeId: string, personId: string): Promise<{ channel: string; ts: string }> {
    const ref = ((await stored(changeId)).messages as Json[]).find((m) => m.purpose === 'approval-card' && m.conversationId === personId);
    if (!ref) throw new Error(`no approval card for ${personId} on ${changeId}`);
    const { c, ts } = JSON.parse(ref.messageId) as { c: string; ts: string };
    return { channel: c, ts };
  }

  /** The approval card posted to `userId`'s DM for `changeId`. */
  const approvalCardTo = async (userId: string, changeId: string) =>
    (await rig.fake.waitFor('chat.postMessage', 1, (call) => params(call).channel === dm(userId) && says(call, new RegExp(`${changeId} `)) && buttonsOf(call).length > 0))[0]!;

  /** A message to `userId`'s DM saying `pattern` (waiting for it). */
  const dmSaying = async (userId: string, pattern: RegExp) => (await rig.fake.waitFor('chat.postMessage', 1, (call) => params(call).channel === dm(userId) && says(call, pattern)))[0]!;

  it('is requested with /itsm change, approved by two of the CAB, failed and backed out, reviewed and closed — every payload valid Block Kit', async () => {
    const org = rig.harness.services.org;
    const window = plannedWindow(org, rig.harness.clock.now(), NINA.tz);
    const { changeId, confirmation } = await requestChange(window);

    // What Nina confirmed: the risk with its score and who decides.
    expect(textOf(confirmation)).toMatch(new RegExp(`high \\(score ${riskiestScore(org)}\\)`));
    expect(textOf(confirmation)).toContain('The CAB decides: 2 approvals needed');
    expect(buttonsOf(confirmation).map((b) => b.text.text)).toEqual(['Submit', 'Edit', 'Cancel']);
    expect(changeId).toBe('CHG-000001');
    expect(AWAITING).toContain((await stored(changeId)).status);
    expect(await stored(changeId)).toMatchObject({ services: [SERVICE], requester: { id: 'nina-kowalski', channel: 'slack' }, plannedStart: window.startsAt, plannedEnd: window.endsAt });

    // Priya and Lukas each get the approval card by DM; Nina (the requester) does not.
    const priyaCard = await approvalCardTo(PRIYA.id, changeId);
    const lukasCard = await approvalCardTo(LUKAS.id, changeId);
    expect(buttonsOf(priyaCard).map((b) => b.text.text)).toEqual(['Approve', 'Reject…', 'Ask a question']);
    expect(rig.fake.callsTo('chat.postMessage').some((call) => params(call).channel === dm(NINA.id) && buttonsOf(call).some((b) => b.text.text === 'Approve'))).toBe(false);
    const priyaAt = await cardOf(changeId, 'priya-shah');
    const lukasAt = await cardOf(changeId, 'lukas-becker');
    expect(priyaAt.channel).toBe(dm(PRIYA.id));

    // Priya approves: recorded, one more needed; her card is refreshed in place and still asks for decisions.
    const approve = button(priyaCard, 'Approve');
    await rig.interact(buttonClick({ actionId: approve.action_id, value: approve.value, user: PRIYA.id, channel: priyaAt.channel, ts: priyaAt.ts }));
    await dmSaying(PRIYA.id, new RegExp(`Your approval of ${changeId} is recorded; more decisions are needed`));
    const [priyaRefreshed] = await rig.fake.waitFor('chat.update', 1, (call) => params(call).channel === priyaAt.channel && params(call).ts === priyaAt.ts);
    expect(textOf(priyaRefreshed!)).toContain('Priya Shah approved');
    expect(AWAITING).toContain((await stored(changeId)).status);

    // Lukas approves: the quorum is reached. Every copy of the card says so in place, and Nina is told.
    const updatesBefore = rig.fake.callsTo('chat.update').length;
    const lukasApprove = button(lukasCard, 'Approve');
    await rig.interact(buttonClick({ actionId: lukasApprove.action_id, value: lukasApprove.value, user: LUKAS.id, channel: lukasAt.channel, ts: lukasAt.ts }));
    await dmSaying(LUKAS.id, new RegExp(`${changeId} is now approved`));
    await dmSaying(NINA.id, new RegExp(`${changeId} "${CHANGE_TEXT.title}" was approved \\(last decision by Lukas Becker\\)`));
    const decided = (at: { channel: string; ts: string }) => (call: RecordedCall) =>
      params(call).channel === at.channel && params(call).ts === at.ts && says(call, /Decided: approved/);
    await rig.fake.waitFor('chat.update', 1, decided(priyaAt));
    const [lukasDecided] = await rig.fake.waitFor('chat.update', 1, decided(lukasAt));
    expect(buttonsOf(lukasDecided)).toEqual([]);
    expect(rig.fake.callsTo('chat.update').length).toBeGreaterThan(updatesBefore);
    const approvedRecord = await stored(changeId);
    expect(approvedRecord.status).toBe('approved');
    expect((approvedRecord.approvals as Json[]).map((a) => [a.by.id, a.decision])).toEqual([
      ['priya-shah', 'approved'],
      ['lukas-becker', 'approved'],
    ]);

    // At the planned start Nina, the implementer, gets Started / Done / Failed (once).
    expect((await sweepChangeNudges(rig.harness.services, window.startsAt)).implementers).toBe(1);
    expect((await sweepChangeNudges(rig.harness.services, window.startsAt)).implementers).toBe(0);
    const implementerCard = await dmSaying(NINA.id, /This change is due to start/);
    expect(buttonsOf(implementerCard).map((b) => b.text.text)).toEqual(['Started', 'Done', 'Failed']);
    const cardTs = '1700020000.000100';
    const started = button(implementerCard, 'Started');
    await rig.interact(buttonClick({ actionId: started.action_id, value: started.value, user: NINA.id, channel: dm(NINA.id), ts: cardTs }));
    await dmSaying(NINA.id, new RegExp(`${changeId} is being implemented`));
    const [underWay] = await rig.fake.waitFor('chat.update', 1, (call) => params(call).ts === cardTs && says(call, /Implementation is under way/));
    expect(buttonsOf(underWay).map((b) => b.text.text)).toEqual(['Done', 'Failed']);
    expect((await stored(changeId)).status).toBe('implementing');

    // It fails and is backed out: the outcome modal needs what happened; the checkbox says it was backed out.
    const failed = button(underWay, 'Failed');
    let modals = rig.fake.callsTo('views.open').length;
    await rig.interact(buttonClick({ actionId: failed.action_id, value: failed.value, user: NINA.id, channel: dm(NINA.id), ts: cardTs }));
    const outcomeView = await nextModal(modals);
    expect(outcomeView.callback_id).toBe('request-change:failed');
    const backedOut = (outcomeView.blocks as Json[]).find((b) => b.block_id === 'backedOut').element;
    expect(backedOut.type).toBe('checkboxes');
    const outcomeAnswer = await rig.interact(
      viewSubmission(outcomeView, { notes: { type: 'plain_text_input', value: FAILURE_NOTES }, backedOut: { type: 'checkboxes', selected_options: backedOut.options } }, NINA.id),
    );
    expect(outcomeAnswer.body).not.toContain('response_action');
    await dmSaying(NINA.id, new RegExp(`${changeId}'s outcome is recorded. It needs a post-implementation review`));
    expect(await stored(changeId)).toMatchObject({ status: 'backed_out', outcome: { result: 'backed_out', notes: FAILURE_NOTES } });

    // Nina is asked for the review; she writes it in a modal, and the change is closed.
    const asked = await dmSaying(NINA.id, new RegExp(`${changeId} "${CHANGE_TEXT.title}" needs its post-implementation review`));
    const write = button(asked, 'Write the review');
    modals = rig.fake.callsTo('views.open').length;
    await rig.interact(buttonClick({ actionId: write.action_id, value: write.value, user: NINA.id, channel: dm(NINA.id), ts: '1700020001.000100' }));
    const reviewView = await nextModal(modals);
    expect(reviewView.callback_id).toBe('request-change:review');
    const met = (reviewView.blocks as Json[]).find((b) => b.block_id === 'objectivesMet').element;
    const reviewAnswer = await rig.interact(
      viewSubmission(
        reviewView,
        {
          objectivesMet: { type: 'static_select', selected_option: (met.options as Json[]).find((o) => o.value === REVIEW.objectivesMet) },
          incidents: { type: 'plain_text_input', value: REVIEW.incidents },
          lessons: { type: 'plain_text_input', value: REVIEW.lessons },
        },
        NINA.id,
      ),
    );
    expect(reviewAnswer.body).not.toContain('response_action');
    await dmSaying(NINA.id, new RegExp(`Review recorded; ${changeId} is closed`));
    const closed = await stored(changeId);
    expect(closed.status).toBe('closed');
    expect(closed.review.notes).toContain(REVIEW.incidents);
    expect(closed.review.notes).toContain(REVIEW.lessons);

    const events = await rig.harness.services.audit.listForRecord('change', changeId);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['change.created', 'change.approved', 'change.implementation_started', 'change.backed_out', 'change.reviewed']));
    expect(events.filter((e) => e.actor.id !== 'system').every((e) => e.actor.channel === 'slack')).toBe(true);
    expect(problemsInCalls(rig.fake.calls)).toEqual([]);
  });

  it('refuses the requester\'s own approval politely, and counts a double-clicked Approve once', async () => {
    const window = plannedWindow(rig.harness.services.org, rig.harness.clock.now(), NINA.tz, 9);
    const { changeId } = await requestChange(window);
    const priyaCard = await approvalCardTo(PRIYA.id, changeId);
    const priyaAt = await cardOf(changeId, 'priya-shah');

    // Nina presses Approve on her own change (a card forwarded to her, a crafted payload): refused, nothing recorded.
    await rig.interact(buttonClick({ actionId: 'request-change:approve', value: changeId, user: NINA.id, channel: dm(NINA.id), ts: '1700030000.000100' }));
    await dmSaying(NINA.id, new RegExp(`You requested ${changeId}, so someone else must authorise it.`));
    expect(AWAITING).toContain((await stored(changeId)).status);
    expect((await stored(changeId)).approvals).toEqual([]);

    // Priya double-clicks Approve: two block_actions, each with its own trigger, arriving together. Writes to the
    // change register are held a moment, as on a busy store, so the second click reads the change before the first
    // click's approval lands — what a double click does to a bot under load.
    const approve = button(priyaCard, 'Approve');
    const click = () => rig.interact(buttonClick({ actionId: approve.action_id, value: approve.value, user: PRIYA.id, channel: priyaAt.channel, ts: priyaAt.ts }));
    const about = (call: RecordedCall) => params(call).channel === priyaAt.channel && says(call, new RegExp(changeId)) && buttonsOf(call).length === 0;
    const replies = await withSlowChangeWrites(150, async () => {
      const answers = await Promise.all([click(), click()]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      return rig.fake.waitFor('chat.postMessage', 2, about);
    });
    const record = await stored(changeId);
    expect(AWAITING).toContain(record.status);
    expect((record.approvals as Json[]).map((a) => a.by.id)).toEqual(['priya-shah']);
    expect((await rig.harness.services.audit.listForRecord('change', changeId)).filter((e) => e.action === 'change.decision_recorded')).toHaveLength(1);
    // Both clicks are answered where Priya acted: one approval recorded, the other recognised as hers.
    const texts = replies.map((call) => firstLine(textOf(call))).sort();
    expect(texts).toEqual([expect.stringMatching(new RegExp(`^You already approved ${changeId}\\b`)), `Your approval of ${changeId} is recorded; more decisions are needed.`]);

    // A third click later (a stale copy of the card) is told the same, and still counts once.
    await rig.interact(buttonClick({ actionId: approve.action_id, value: approve.value, user: PRIYA.id, channel: priyaAt.channel, ts: priyaAt.ts }));
    await rig.fake.waitFor('chat.postMessage', 3, about);
    expect(((await stored(changeId)).approvals as Json[]).map((a) => a.by.id)).toEqual(['priya-shah']);
  });
});
