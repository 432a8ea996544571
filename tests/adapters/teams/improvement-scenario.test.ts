import { flows } from '../../../flows';
import { sweepImprovementNudges } from '../../../flows/improvement-actions/improvement-nudges.job';
import type { AdaptiveCard } from '../../../adapters/teams/adaptive-card.types';
import { addDays } from '../../../src/domain/dates';
import type { Flow } from '../../../src/engine/flow';
import type { ConnectorCall } from '../../support/fake-bot-connector';
import { CORRECTIVE_ACTION, DEFERRAL_REASON, EVIDENCE, OWNER_ID, PROGRESS, workingDayFrom } from '../improvement-scenario.support';
import { actionsOf, cardsOf, cardText, personalChat, startTeamsRig, teamsPerson, type TeamsPerson, type TeamsRig } from './teams-harness';
import type { Payload } from './teams-fixtures';

/**
 * The improvement register through Teams, end to end (issue 8): the registry flows behind the real Teams adapter
 * (Emulator mode, CloudAdapter, shared HTTP server), people of the example organisation known by their AAD object
 * ids, each in their personal chat with the bot, and the fake Bot Connector recording every card sent, answered
 * and updated. Jamie raises a corrective action with "improve", Lukas approves it, the sweep nudges Mei once it is
 * overdue, and she presses every button on the nudge card; Lukas checks that it worked.
 */
const JAMIE = teamsPerson('jamie-cole', 'Jamie Cole', 'c7a2ea20-b2f1-4c94-ae05-319acb5c7427');
const MEI = teamsPerson('mei-chen', 'Mei Chen', 'e3151288-62c3-4a4f-b774-eb5248db40af');
const LUKAS = teamsPerson('lukas-becker', 'Lukas Becker', '7f26144b-9828-4fcd-99a5-4a7bb1fee08f');
type Person = TeamsPerson;

/** The target date Jamie gives (a Thursday; the harness clock starts on Monday 2 March 2026). */
const TARGET = '2026-03-12';
/** The date Mei moves it to when she needs more time. */
const NEW_TARGET = '2026-03-20';
/** The owner's buttons on her card and nudges, in order. */
const OWNER_BUTTONS = ['Mark progress', 'Done', 'Need more time', 'Snooze until tomorrow'];

const titlesOf = (card: AdaptiveCard | undefined) => actionsOf(card).map((action) => action.title);

/** The flow's error shown under input `name` (the first red TextBlock after it, before the next input), if any. */
function errorUnder(card: AdaptiveCard | undefined, name: string): string | undefined {
  const body = (card?.body ?? []) as Payload[];
  const at = body.findIndex((element) => element.id === name);
  if (at === -1) throw new Error(`no input ${name} on the card: ${cardText(card)}`);
  for (const element of body.slice(at + 1)) {
    if (element.id) return undefined;
    if (element.type === 'TextBlock' && element.color === 'Attention') return element.text as string;
  }
  return undefined;
}

describe('Teams: a corrective action raised, approved, nudged when overdue, answered with every button and verified (registry flows, fake Bot Connector)', () => {
  let rig: TeamsRig;
  beforeAll(async () => {
    rig = await startTeamsRig({ flows: [...flows] as Flow<unknown>[] });
  });
  afterAll(() => rig.close());

  const services = () => rig.harness.services;
  const stored = async (id: string) => (await rig.harness.store.collection('improvements').findOne({ id })) as Payload;

  const { say, execute } = personalChat(() => rig);
  /** Presses `title` on the card a recorded call delivered. */
  const press = (who: Person, on: ConnectorCall, title: string, inputs: Record<string, unknown> = {}) => execute(who, cardsOf(on)[0], on.answeredId, title, inputs);

  /** A delivered call into `chat` (from the `from`-th recorded call on) whose card says `text` and has a button `title`. */
  const cardIn = (chat: string, text: string, title?: string, from = 0) =>
    rig.connector.waitFor(
      (call) =>
        call.status < 300 &&
        call.kind !== 'update' &&
        call.conversationId === chat &&
        rig.connector.calls.indexOf(call) >= from &&
        cardText(cardsOf(call)[0]).includes(text) &&
        (title === undefined || actionsOf(cardsOf(call)[0]).some((action) => action.title === title)),
    );
  /** The form card in `chat` submitted by `submitLabel`, sent from the `from`-th recorded call on. */
  const formIn = (chat: string, submitLabel: string, from: number) =>
    rig.connector.waitFor((call) => call.status < 300 && call.kind !== 'update' && call.conversationId === chat && rig.connector.calls.indexOf(call) >= from && titlesOf(cardsOf(call)[0]).includes(submitLabel));
  /** The latest in-place update (PUT) of the message a call delivered that says `text`. */
  const updateOf = (on: ConnectorCall, text: string) =>
    rig.connector.waitFor((call) => call.kind === 'update' && call.status < 300 && call.activityId === on.answeredId && cardText(cardsOf(call)[0]).includes(text)).then(
      () => rig.connector.calls.filter((call) => call.kind === 'update' && call.activityId === on.answeredId && cardText(cardsOf(call)[0]).includes(text)).at(-1)!,
    );

  /** Presses `title` on `on` and resolves with the form card it sends (submitted by `submitLabel`). */
  async function formFrom(who: Person, on: ConnectorCall, title: string, submitLabel: string): Promise<ConnectorCall> {
    const from = rig.connector.calls.length;
    const answer = await press(who, on, title);
    expect(answer).toMatchObject({ statusCode: 200, value: 'Done.' });
    return formIn(who.chat, submitLabel, from);
  }

  it('is raised with "improve", approved by Lukas, nudged to Mei as an Adaptive Card, answered with each button and verified', async () => {
    // Everyone talked to the bot before: their personal chats' references are saved, so the bot can reach them.
    for (const who of [JAMIE, MEI, LUKAS]) await say(who, 'help');

    // Jamie: "improve" sends the form as a card, with the corrective action's own fields.
    let from = rig.connector.calls.length;
    await say(JAMIE, 'improve');
    const formCall = await formIn(JAMIE.chat, 'Check it', from);
    const form = cardsOf(formCall)[0]!;
    const element = (id: string) => (form.body as Payload[]).find((candidate) => candidate.id === id);
    expect(element('type')).toMatchObject({ type: 'Input.ChoiceSet' });
    expect((element('type') as Payload).choices).toContainEqual({ title: 'Corrective action (for a nonconformity)', value: 'corrective_action' });
    expect(element('targetDate')).toMatchObject({ type: 'Input.Date' });
    for (const name of ['nonconformity', 'correction', 'rootCause']) expect(element(name)).toMatchObject({ type: 'Input.Text', isMultiline: true });

    // Without its root cause a corrective action is refused, the error under that field; then it is checked.
    const refused = await press(JAMIE, formCall, 'Check it', { ...CORRECTIVE_ACTION, targetDate: TARGET, rootCause: '' });
    expect(errorUnder(refused.value, 'rootCause')).toContain('root cause');
    expect(titlesOf(refused.value)).toContain('Check it');
    const checked = await execute(JAMIE, refused.value, formCall.answeredId, 'Check it', { ...CORRECTIVE_ACTION, targetDate: TARGET });
    expect(titlesOf(checked.value)).toEqual([]);

    // The confirmation: the nonconformity and who approves. Submit raises it; the confirmation says so in place.
    const confirmation = await cardIn(JAMIE.chat, 'Lukas Becker will be asked to approve it', 'Submit');
    expect(cardText(cardsOf(confirmation)[0])).toContain(`Nonconformity: ${CORRECTIVE_ACTION.nonconformity}`);
    expect(await rig.harness.store.collection('improvements').countDocuments({})).toBe(0);
    const submitted = await press(JAMIE, confirmation, 'Submit');
    expect(cardText(submitted.value)).toContain('Submitted as IMP-000001.');
    expect(titlesOf(submitted.value)).toEqual([]);
    const id = 'IMP-000001';
    await cardIn(JAMIE.chat, 'is in the improvement register (clause 10.1), owned by Mei Chen. Lukas Becker has been asked to approve it.');
    expect(await stored(id)).toMatchObject({
      status: 'proposed',
      type: 'corrective_action',
      source: { kind: 'audit_finding', ref: CORRECTIVE_ACTION.sourceRef },
      owner: { id: OWNER_ID },
      targetDate: TARGET,
      nonconformity: { what: CORRECTIVE_ACTION.nonconformity },
      correction: CORRECTIVE_ACTION.correction,
      rootCause: CORRECTIVE_ACTION.rootCause,
      raisedBy: { id: 'jamie-cole', channel: 'teams' },
    });

    // Lukas gets the approval card, Mei her owner's card (no Done before approval). Lukas approves from his card.
    const approvalCard = await cardIn(LUKAS.chat, `Jamie Cole raised ${id} for Mei Chen.`, 'Approve');
    expect(titlesOf(cardsOf(approvalCard)[0])).toEqual(['Approve', 'Reject']);
    const ownerCard = await cardIn(MEI.chat, `You own ${id}.`, 'Mark progress');
    expect(titlesOf(cardsOf(ownerCard)[0])).toEqual(['Mark progress', 'Need more time', 'Snooze until tomorrow']);
    const approved = await press(LUKAS, approvalCard, 'Approve');
    expect(cardText(approved.value)).toContain('Status: approved, not started.');
    expect(titlesOf(approved.value)).toEqual([]);
    await cardIn(LUKAS.chat, `${id} is approved, not started.`);
    await cardIn(MEI.chat, `Lukas Becker approved ${id}`);
    // Mei's card is refreshed in place: Done is there now.
    expect(titlesOf(cardsOf(await updateOf(ownerCard, 'Status: approved, not started.'))[0])).toEqual(OWNER_BUTTONS);
    expect(await stored(id)).toMatchObject({ status: 'approved', decision: { approved: true, by: { id: 'lukas-becker' } } });

    // The day after the target date, an hour into Mei's working day (Berlin), the sweep nudges her once.
    const overdue = workingDayFrom(services(), OWNER_ID, addDays(TARGET, 1));
    rig.harness.clock.set(overdue.at);
    from = rig.connector.calls.length;
    expect(await sweepImprovementNudges(services(), overdue.at)).toMatchObject({ overdue: 1, escalations: 0, outOfHours: 0, failed: 0, unreachable: [] });
    expect(await sweepImprovementNudges(services(), overdue.at)).toMatchObject({ overdue: 0 });
    const nudge = await cardIn(MEI.chat, `${id} is 1 day overdue.`, 'Mark progress', from);
    expect(nudge.body?.attachments).toEqual([expect.objectContaining({ contentType: 'application/vnd.microsoft.card.adaptive', content: expect.objectContaining({ type: 'AdaptiveCard' }) })]);
    expect(titlesOf(cardsOf(nudge)[0])).toEqual(OWNER_BUTTONS);
    // Sent proactively, once: the second sweep sent nothing.
    expect(rig.connector.calls.slice(from).filter((call) => call.kind !== 'update')).toEqual([nudge]);

    // Mark progress: a form card with a note and a number; the answer replaces the form, the nudge is updated (PUT).
    const progressForm = await formFrom(MEI, nudge, 'Mark progress', 'Record it');
    expect((cardsOf(progressForm)[0]!.body as Payload[]).find((candidate) => candidate.id === 'percent')).toMatchObject({ type: 'Input.Number', min: 0, max: 100 });
    const progressed = await press(MEI, progressForm, 'Record it', { note: PROGRESS.note, percent: Number(PROGRESS.percent) });
    expect(cardText(progressed.value)).toContain('Latest progress (Mei Chen, 40%)');
    await cardIn(MEI.chat, `Progress on ${id} recorded.`);
    const nudgeProgressed = cardsOf(await updateOf(nudge, 'Latest progress (Mei Chen, 40%)'))[0];
    expect(cardText(nudgeProgressed)).toContain('Status: in progress.');
    expect(titlesOf(nudgeProgressed)).toEqual(OWNER_BUTTONS);
    expect(await stored(id)).toMatchObject({ status: 'in_progress', progress: [{ text: PROGRESS.note, percent: 40, by: { id: OWNER_ID } }] });

    // Need more time: without a reason it is refused under the reason; with one, the deferral is kept.
    const deferForm = await formFrom(MEI, nudge, 'Need more time', 'Move the date');
    expect((cardsOf(deferForm)[0]!.body as Payload[]).find((candidate) => candidate.id === 'targetDate')).toMatchObject({ type: 'Input.Date' });
    const noReason = await press(MEI, deferForm, 'Move the date', { targetDate: NEW_TARGET, reason: '   ' });
    expect(errorUnder(noReason.value, 'reason')).toContain('Say why the target date is moving');
    expect(await stored(id)).toMatchObject({ targetDate: TARGET, deferrals: [] });
    const moved = await execute(MEI, noReason.value, deferForm.answeredId, 'Move the date', { targetDate: NEW_TARGET, reason: DEFERRAL_REASON });
    expect(cardText(moved.value)).toContain(`Moved from ${TARGET} to ${NEW_TARGET} by Mei Chen: ${DEFERRAL_REASON}`);
    await updateOf(nudge, `Moved from ${TARGET} to ${NEW_TARGET}`);
    await cardIn(LUKAS.chat, `Mei Chen moved ${id}`);
    const deferred = await stored(id);
    expect(deferred.targetDate).toBe(NEW_TARGET);
    expect(deferred.deferrals).toEqual([expect.objectContaining({ from: TARGET, to: NEW_TARGET, reason: DEFERRAL_REASON, by: expect.objectContaining({ id: OWNER_ID }) })]);

    // Snooze until tomorrow: the card answers in place; quiet until Monday 08:30 in Berlin, then the heads-up.
    from = rig.connector.calls.length;
    const snoozed = await press(MEI, nudge, 'Snooze until tomorrow');
    expect(cardText(snoozed.value)).toContain('Snoozed: no reminders until the next working day.');
    await cardIn(MEI.chat, `No reminders about ${id} until`, undefined, from);
    expect(overdue.date).toBe('2026-03-13'); // a Friday
    expect((await stored(id)).snoozedUntil).toEqual(new Date('2026-03-16T07:30:00Z')); // Monday 08:30 in Berlin
    expect(await sweepImprovementNudges(services(), overdue.at)).toMatchObject({ snoozed: 1, headsUps: 0 });
    const monday = workingDayFrom(services(), OWNER_ID, addDays(overdue.date, 1));
    rig.harness.clock.set(monday.at);
    expect(await sweepImprovementNudges(services(), monday.at)).toMatchObject({ snoozed: 0, headsUps: 1 });
    await cardIn(MEI.chat, `Heads-up: ${id} is due in 4 days.`, 'Mark progress', from);

    // Done: a corrective action needs evidence (refused under the field without it); then no buttons are left.
    const doneForm = await formFrom(MEI, nudge, 'Done', 'Mark done');
    expect((cardsOf(doneForm)[0]!.body as Payload[]).find((candidate) => candidate.id === 'evidence')).toMatchObject({ type: 'Input.Text', isRequired: true });
    const noEvidence = await press(MEI, doneForm, 'Mark done', { evidence: '  ' });
    expect(errorUnder(noEvidence.value, 'evidence')).toContain('needs evidence');
    expect((await stored(id)).status).toBe('in_progress');
    const done = await execute(MEI, noEvidence.value, doneForm.answeredId, 'Mark done', { evidence: EVIDENCE });
    expect(cardText(done.value)).toContain('Status: done, awaiting its effectiveness check.');
    expect(titlesOf(done.value)).toEqual([]);
    await cardIn(MEI.chat, `${id} is done. Lukas Becker will check that it worked.`);
    expect(titlesOf(cardsOf(await updateOf(nudge, 'Status: done, awaiting its effectiveness check.'))[0])).toEqual([]);
    expect(await stored(id)).toMatchObject({ status: 'done', evidence: [{ text: EVIDENCE }] });

    // The effectiveness check: Lukas gets a card to verify it, and does; every copy says so, without buttons.
    const verifyCard = await cardIn(LUKAS.chat, `Mei Chen marked ${id} done.`, 'Verify effective');
    expect(titlesOf(cardsOf(verifyCard)[0])).toEqual(['Verify effective', 'Not effective']);
    const verified = await press(LUKAS, verifyCard, 'Verify effective');
    expect(cardText(verified.value)).toContain('Status: verified effective.');
    expect(titlesOf(verified.value)).toEqual([]);
    await cardIn(LUKAS.chat, `${id} is verified effective.`);
    expect(titlesOf(cardsOf(await updateOf(nudge, 'Status: verified effective.'))[0])).toEqual([]);
    await cardIn(MEI.chat, `Lukas Becker verified ${id} effective.`);
    expect(await stored(id)).toMatchObject({ status: 'verified', effectivenessCheck: { effective: true, by: { id: 'lukas-becker' } } });

    const events = await services().audit.listForRecord('improvement', id);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['improvement.created', 'improvement.approved', 'improvement.nudged', 'improvement.progress_noted', 'improvement.target_date_moved', 'improvement.snoozed', 'improvement.done', 'improvement.verified']),
    );
    expect(events.filter((e) => e.actor.id !== 'system').every((e) => e.actor.channel === 'teams')).toBe(true);
    expect(rig.harness.logger.lines.filter((line) => line.level === 'error' || line.level === 'warn')).toEqual([]);
  });
});
