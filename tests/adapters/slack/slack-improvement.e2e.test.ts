import { flows } from '../../../flows';
import { sweepImprovementNudges } from '../../../flows/improvement-actions/improvement-nudges.job';
import { addDays } from '../../../src/domain/dates';
import type { RecordedCall } from '../../support/fake-slack-api';
import { CORRECTIVE_ACTION, DEFERRAL_REASON, EVIDENCE, OWNER_ID, PROGRESS, workingDayFrom } from '../improvement-scenario.support';
import { messageProblems, problemsInCalls } from './block-kit-validator';
import { buttonClick, startSlackRig, textOf, viewSubmission, type SlackRig } from './slack-rig';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * The improvement register through Slack (issue 8): the registry flows behind real Bolt over HTTP, against the
 * fake Slack Web API. People of config/organisation.example.yaml as `users.info` describes them, each by the Slack
 * id the file lists: none of them used the bot before, so the approval card and the nudges reach Lukas and Mei
 * through `conversations.open` on those ids. Jamie raises a corrective action with `/itsm improve`, Lukas approves
 * it, the sweep nudges Mei once it is overdue, and she presses every button on the nudge; Lukas checks it worked.
 */
const JAMIE = { id: 'U0581U33XTP', name: 'jamie', realName: 'Jamie Cole', email: 'jamie.cole@northwind-logistics.example', tz: 'Europe/London' };
const MEI = { id: 'U03EFR4EDT2', name: 'mei', realName: 'Mei Chen', email: 'mei.chen@northwind-logistics.example', tz: 'Europe/Berlin' };
const LUKAS = { id: 'U0VJ50CE9UV', name: 'lukas', realName: 'Lukas Becker', email: 'lukas.becker@northwind-logistics.example', tz: 'Europe/Berlin' };

/** The target date Jamie gives (a Thursday; the harness clock starts on Monday 2 March 2026). */
const TARGET = '2026-03-12';
/** The date Mei moves it to when she needs more time. */
const NEW_TARGET = '2026-03-20';
/** The owner's buttons on her card and nudges, in order. */
const OWNER_BUTTONS = ['Mark progress', 'Done', 'Need more time', 'Snooze until tomorrow'];

/** A person's DM channel with the bot, as the fake's `conversations.open` names it. */
const dm = (userId: string) => `D${userId.slice(1)}`;
const params = (call: RecordedCall | undefined): Json => call?.params;
const buttonsOf = (call: RecordedCall | undefined): Json[] => ((params(call)?.blocks ?? []) as Json[]).flatMap((block) => (block.type === 'actions' ? block.elements : []));
const labelsOf = (call: RecordedCall | undefined): string[] => buttonsOf(call).map((b) => b.text.text);
function button(call: RecordedCall | undefined, label: string): Json {
  const found = buttonsOf(call).find((candidate) => candidate.text.text === label);
  if (!found) throw new Error(`no "${label}" button in: ${call ? textOf(call) : 'nothing'}`);
  return found;
}
const says = (call: RecordedCall, pattern: RegExp | string) => (typeof pattern === 'string' ? textOf(call).includes(pattern) : pattern.test(textOf(call)));


/** A modal's inputs filled as Slack sends them back: texts, selects by option value, dates; anything else left empty. */
function fillModal(view: Json, values: Record<string, string | undefined>): Record<string, Record<string, unknown>> {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of (view.blocks as Json[]).filter((b) => b.type === 'input')) {
    const name: string = block.block_id;
    const element = block.element;
    const value = values[name];
    switch (element.type) {
      case 'static_select':
      case 'external_select': {
        const wanted = value ?? element.initial_option?.value;
        const option = wanted === undefined ? null : ((element.options ?? []) as Json[]).find((o) => o.value === wanted) ?? { text: { type: 'plain_text', text: wanted }, value: wanted };
        state[name] = { type: element.type, selected_option: option };
        break;
      }
      case 'datepicker':
        state[name] = { type: element.type, selected_date: value ?? null };
        break;
      default:
        // plain_text_input and number_input: Slack sends an input left empty as null.
        state[name] = { type: element.type, value: value ?? null };
    }
  }
  return state;
}

describe('Slack: a corrective action raised, approved, nudged when overdue, answered with every button and verified (real Bolt, fake Web API)', () => {
  let rig: SlackRig;
  const hook = (name: string) => rig.responseHook(name);

  beforeAll(async () => {
    rig = await startSlackRig({ flows: [...flows] });
    for (const user of [JAMIE, MEI, LUKAS]) rig.fake.users.set(user.id, user);
  });
  afterAll(() => rig.close());

  const services = () => rig.harness.services;
  const stored = async (id: string) => (await rig.harness.store.collection('improvements').findOne({ id })) as Json;

  /** Opens views.open's next modal after `before` calls to it. */
  async function nextModal(before: number): Promise<Json> {
    const opened = await rig.fake.waitFor('views.open', before + 1);
    return params(opened[before]).view;
  }

  /** Where the record keeps its latest card of `purpose` for `personId` (channel and ts, for clicks and updates). */
  async function cardOf(id: string, purpose: string, personId: string): Promise<{ channel: string; ts: string }> {
    const ref = ((await stored(id)).messages as Json[]).filter((m) => m.purpose === purpose && m.conversationId === personId).at(-1);
    if (!ref) throw new Error(`no ${purpose} for ${personId} on ${id}`);
    const { c, ts } = JSON.parse(ref.messageId) as { c: string; ts: string };
    return { channel: c, ts };
  }

  /** A DM to `userId` saying `pattern` (waiting for it), optionally only among the calls from `from` on. */
  const dmSaying = async (userId: string, pattern: RegExp | string, from = 0) =>
    (await rig.fake.waitFor('chat.postMessage', 1, (call) => rig.fake.calls.indexOf(call) >= from && params(call).channel === dm(userId) && says(call, pattern)))[0]!;

  /** The latest chat.update of the message at `at` saying `pattern` (waiting for it). */
  const updatedSaying = async (at: { channel: string; ts: string }, pattern: RegExp | string) =>
    (await rig.fake.waitFor('chat.update', 1, (call) => params(call).channel === at.channel && params(call).ts === at.ts && says(call, pattern))).at(-1)!;

  /** Clicks a button on the DM message at `at`, as `user`. */
  const click = (user: { id: string }, at: { channel: string; ts: string }, on: RecordedCall, label: string) => {
    const pressed = button(on, label);
    return rig.interact(buttonClick({ actionId: pressed.action_id, value: pressed.value, user: user.id, channel: at.channel, ts: at.ts }));
  };

  /** Clicks `label` on the message at `at` and resolves with the modal it opens (checked to be `callbackId`). */
  async function modalFrom(user: { id: string }, at: { channel: string; ts: string }, on: RecordedCall, label: string, callbackId: string): Promise<Json> {
    const before = rig.fake.callsTo('views.open').length;
    await click(user, at, on, label);
    const view = await nextModal(before);
    expect(view.callback_id).toBe(callbackId);
    return view;
  }

  /** Submits a modal and resolves with what the adapter answered in the ack (`{}` when it just closed). */
  async function submitModal(user: { id: string }, view: Json, values: Record<string, string | undefined>): Promise<Json> {
    const answer = await rig.interact(viewSubmission(view, fillModal(view, values), user.id));
    expect(answer.status).toBe(200);
    return answer.body ? JSON.parse(answer.body) : {};
  }

  it('is raised with /itsm improve, approved by Lukas, nudged to Mei by DM, answered with each button and verified — every payload valid Block Kit', async () => {
    // Jamie: `/itsm improve` in #support opens the form as a modal, with the corrective action's own fields.
    const command = hook('improve');
    const modals = rig.fake.callsTo('views.open').length;
    await rig.command('improve', { user_id: JAMIE.id, user_name: JAMIE.name, response_url: command.url });
    const form = await nextModal(modals);
    expect(form.callback_id).toBe('improvement-actions:raise');
    const element = (name: string) => (form.blocks as Json[]).find((b) => b.block_id === name)?.element;
    expect(element('type')).toMatchObject({ type: 'static_select' });
    expect(element('targetDate')).toMatchObject({ type: 'datepicker' });
    for (const name of ['nonconformity', 'correction', 'rootCause']) expect(element(name)).toMatchObject({ type: 'plain_text_input', multiline: true });

    // A corrective action without its root cause is refused on that field; the modal stays open.
    const refused = await submitModal(JAMIE, form, { ...CORRECTIVE_ACTION, targetDate: TARGET, rootCause: undefined });
    expect(refused).toEqual({ response_action: 'errors', errors: { rootCause: expect.stringContaining('root cause') } });
    const checked = await submitModal(JAMIE, form, { ...CORRECTIVE_ACTION, targetDate: TARGET });
    expect(checked).toEqual({});

    // The confirmation (through the command's response URL): the nonconformity, and who approves. Submit raises it.
    const [confirmation] = await rig.fake.waitFor('response_url', 1, (call) => call.path === command.path && buttonsOf(call).length > 0);
    expect(textOf(confirmation!)).toContain(`Nonconformity: ${CORRECTIVE_ACTION.nonconformity}`);
    expect(textOf(confirmation!)).toContain('Lukas Becker will be asked to approve it');
    expect(labelsOf(confirmation)).toEqual(['Submit', 'Edit', 'Cancel']);
    const submit = button(confirmation, 'Submit');
    const submitted = hook('submit');
    await rig.interact(buttonClick({ actionId: submit.action_id, value: submit.value, user: JAMIE.id, ephemeral: true, responseUrl: submitted.url }));
    const [receipt] = await rig.fake.waitFor('response_url', 1, (call) => call.path === submitted.path && says(call, 'is in the improvement register'));
    const id = /IMP-\d{6}/.exec(textOf(receipt!))![0];
    expect(id).toBe('IMP-000001');
    expect(await stored(id)).toMatchObject({
      status: 'proposed',
      type: 'corrective_action',
      source: { kind: 'audit_finding', ref: CORRECTIVE_ACTION.sourceRef },
      owner: { id: OWNER_ID },
      manager: { id: 'lukas-becker' },
      targetDate: TARGET,
      nonconformity: { what: CORRECTIVE_ACTION.nonconformity },
      correction: CORRECTIVE_ACTION.correction,
      rootCause: CORRECTIVE_ACTION.rootCause,
      raisedBy: { id: 'jamie-cole', channel: 'slack' },
    });

    // Lukas (never used the bot) gets the approval card by DM; Mei her owner's card. Lukas approves in place.
    const approvalCard = await dmSaying(LUKAS.id, `Jamie Cole raised ${id} for Mei Chen.`);
    expect(labelsOf(approvalCard)).toEqual(['Approve', 'Reject']);
    await dmSaying(MEI.id, `You own ${id}.`);
    const approvalAt = await cardOf(id, 'approval-card', 'lukas-becker');
    expect(approvalAt.channel).toBe(dm(LUKAS.id));
    await click(LUKAS, approvalAt, approvalCard, 'Approve');
    await dmSaying(LUKAS.id, `${id} is approved, not started.`);
    const decided = await updatedSaying(approvalAt, 'Status: approved, not started.');
    expect(buttonsOf(decided)).toEqual([]);
    await dmSaying(MEI.id, `Lukas Becker approved ${id}`);
    expect(await stored(id)).toMatchObject({ status: 'approved', decision: { approved: true, by: { id: 'lukas-becker' } } });

    // The day after the target date, an hour into Mei's working day (Berlin), the sweep nudges her once.
    const overdue = workingDayFrom(services(), OWNER_ID, addDays(TARGET, 1));
    rig.harness.clock.set(overdue.at);
    expect(await sweepImprovementNudges(services(), overdue.at)).toMatchObject({ overdue: 1, escalations: 0, outOfHours: 0, failed: 0, unreachable: [] });
    expect(await sweepImprovementNudges(services(), overdue.at)).toMatchObject({ overdue: 0 });
    const nudge = await dmSaying(MEI.id, `${id} is 1 day overdue.`);
    expect(params(nudge).blocks.length).toBeGreaterThan(0);
    expect(messageProblems(params(nudge))).toEqual([]);
    expect(params(nudge).metadata).toEqual({ event_type: 'itsm_delivery', event_payload: { key: `improvement:${id}:${TARGET}:overdue-1:to:${OWNER_ID}` } });
    expect(labelsOf(nudge)).toEqual(OWNER_BUTTONS);
    expect(rig.fake.callsTo('chat.postMessage').filter((call) => says(call, 'overdue'))).toHaveLength(1);
    // The record keeps where the nudge went (the latest copy of her card), so answers refresh it in place.
    const nudgeAt = await cardOf(id, 'owner-card', OWNER_ID);
    expect(nudgeAt.channel).toBe(dm(MEI.id));

    // Mark progress: a note and a percentage in a modal; the nudge is updated in place.
    const progress = await modalFrom(MEI, nudgeAt, nudge, 'Mark progress', 'improvement-actions:progress');
    expect((progress.blocks as Json[]).find((b) => b.block_id === 'percent').element).toMatchObject({ type: 'number_input', min_value: '0', max_value: '100' });
    expect(await submitModal(MEI, progress, { note: PROGRESS.note, percent: PROGRESS.percent })).toEqual({});
    await dmSaying(MEI.id, `Progress on ${id} recorded.`);
    const progressed = await updatedSaying(nudgeAt, 'Latest progress (Mei Chen, 40%)');
    expect(textOf(progressed)).toContain('Status: in progress.');
    expect(labelsOf(progressed)).toEqual(OWNER_BUTTONS);
    expect(await stored(id)).toMatchObject({ status: 'in_progress', progress: [{ text: PROGRESS.note, percent: 40, by: { id: OWNER_ID } }] });

    // Need more time: without a reason it is refused on the reason field; with one, the deferral is kept.
    const defer = await modalFrom(MEI, nudgeAt, nudge, 'Need more time', 'improvement-actions:defer');
    expect((defer.blocks as Json[]).find((b) => b.block_id === 'targetDate').element.type).toBe('datepicker');
    expect(await submitModal(MEI, defer, { targetDate: NEW_TARGET, reason: '   ' })).toEqual({
      response_action: 'errors',
      errors: { reason: expect.stringContaining('Say why the target date is moving') },
    });
    expect(await stored(id)).toMatchObject({ targetDate: TARGET, deferrals: [] });
    expect(await submitModal(MEI, defer, { targetDate: NEW_TARGET, reason: DEFERRAL_REASON })).toEqual({});
    await updatedSaying(nudgeAt, `Moved from ${TARGET} to ${NEW_TARGET} by Mei Chen: ${DEFERRAL_REASON}`);
    await dmSaying(LUKAS.id, `Mei Chen moved ${id}`);
    const deferred = await stored(id);
    expect(deferred.targetDate).toBe(NEW_TARGET);
    expect(deferred.deferrals).toEqual([expect.objectContaining({ from: TARGET, to: NEW_TARGET, reason: DEFERRAL_REASON, by: expect.objectContaining({ id: OWNER_ID }) })]);

    // Snooze until tomorrow: quiet until Monday 08:30 in Berlin; today's heads-up for the new date waits.
    const before = rig.fake.calls.length;
    await click(MEI, nudgeAt, nudge, 'Snooze until tomorrow');
    await dmSaying(MEI.id, `No reminders about ${id} until`, before);
    await updatedSaying(nudgeAt, 'Snoozed: no reminders until the next working day.');
    expect(overdue.date).toBe('2026-03-13'); // a Friday
    expect((await stored(id)).snoozedUntil).toEqual(new Date('2026-03-16T07:30:00Z')); // Monday 08:30 in Berlin
    expect(await sweepImprovementNudges(services(), overdue.at)).toMatchObject({ snoozed: 1, headsUps: 0 });
    const monday = workingDayFrom(services(), OWNER_ID, addDays(overdue.date, 1));
    rig.harness.clock.set(monday.at);
    expect(await sweepImprovementNudges(services(), monday.at)).toMatchObject({ snoozed: 0, headsUps: 1 });
    await dmSaying(MEI.id, `Heads-up: ${id} is due in`, before);

    // Done: a corrective action needs evidence (refused on the field without it); then the nudge has no buttons.
    const done = await modalFrom(MEI, nudgeAt, nudge, 'Done', 'improvement-actions:done');
    expect((done.blocks as Json[]).find((b) => b.block_id === 'evidence')).toMatchObject({ optional: false });
    expect(await submitModal(MEI, done, { evidence: '  ' })).toEqual({ response_action: 'errors', errors: { evidence: expect.stringContaining('needs evidence') } });
    expect((await stored(id)).status).toBe('in_progress');
    expect(await submitModal(MEI, done, { evidence: EVIDENCE })).toEqual({});
    await dmSaying(MEI.id, `${id} is done. Lukas Becker will check that it worked.`);
    const closedNudge = await updatedSaying(nudgeAt, 'Status: done, awaiting its effectiveness check.');
    expect(buttonsOf(closedNudge)).toEqual([]);
    expect(await stored(id)).toMatchObject({ status: 'done', evidence: [{ text: EVIDENCE }] });

    // The effectiveness check: Lukas gets a card to verify it, and does; every copy says so, without buttons.
    const verifyCard = await dmSaying(LUKAS.id, `Mei Chen marked ${id} done.`);
    expect(labelsOf(verifyCard)).toEqual(['Verify effective', 'Not effective']);
    const verifyAt = await cardOf(id, 'verify-card', 'lukas-becker');
    await click(LUKAS, verifyAt, verifyCard, 'Verify effective');
    await dmSaying(LUKAS.id, `${id} is verified effective.`);
    expect(buttonsOf(await updatedSaying(verifyAt, 'Status: verified effective.'))).toEqual([]);
    expect(buttonsOf(await updatedSaying(nudgeAt, 'Status: verified effective.'))).toEqual([]);
    await dmSaying(MEI.id, `Lukas Becker verified ${id} effective.`);
    expect(await stored(id)).toMatchObject({ status: 'verified', effectivenessCheck: { effective: true, by: { id: 'lukas-becker' } } });

    const events = await services().audit.listForRecord('improvement', id);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['improvement.created', 'improvement.approved', 'improvement.nudged', 'improvement.progress_noted', 'improvement.target_date_moved', 'improvement.snoozed', 'improvement.done', 'improvement.verified']),
    );
    expect(events.filter((e) => e.actor.id !== 'system').every((e) => e.actor.channel === 'slack')).toBe(true);
    expect(problemsInCalls(rig.fake.calls)).toEqual([]);
    expect([...rig.logger.lines, ...rig.harness.logger.lines].filter((line) => line.level === 'error')).toEqual([]);
  });
});
