import { flows } from '../../../flows';
import { sweepChangeNudges } from '../../../flows/request-change/change-nudges.job';
import type { Flow } from '../../../src/engine/flow';
import type { ConnectorCall } from '../../support/fake-bot-connector';
import { CHANGE_TEXT, FAILURE_NOTES, plannedWindow, REVIEW, riskiestAnswers, riskiestScore, SERVICE } from '../change-scenario.support';
import { actionsOf, cardsOf, cardText, personalChat, startTeamsRig, teamsPerson, type TeamsPerson, type TeamsRig } from './teams-harness';
import type { Payload } from './teams-fixtures';

/**
 * The change scenario through Teams, end to end (issue 7): the registry flows behind the real Teams adapter
 * (Emulator mode, CloudAdapter, shared HTTP server), people of the example organisation known by their AAD object
 * ids, each in their personal chat with the bot, and the fake Bot Connector recording every card sent, answered
 * and updated. Nina requests and implements the change; Priya and Lukas, of the CAB, approve it.
 */
const NINA = teamsPerson('nina-kowalski', 'Nina Kowalski', '000f49c8-1a35-4ca0-8d75-985d99c94309');
const PRIYA = teamsPerson('priya-shah', 'Priya Shah', '1e27a1c0-8a6a-43ec-a4ed-e6a46b4cb242');
const LUKAS = teamsPerson('lukas-becker', 'Lukas Becker', '7f26144b-9828-4fcd-99a5-4a7bb1fee08f');
type Person = TeamsPerson;

/** The statuses of a change awaiting authorisation. */
const AWAITING = ['submitted', 'assessed'];

describe('Teams: a normal change from request through the CAB to its review (registry flows, fake Bot Connector)', () => {
  let rig: TeamsRig;
  beforeAll(async () => {
    rig = await startTeamsRig({ flows: [...flows] as Flow<unknown>[] });
  });
  afterAll(() => rig.close());

  const { say, execute } = personalChat(() => rig);
  /** Presses `title` on the card a recorded call delivered. */
  const press = (who: Person, on: ConnectorCall, title: string, inputs: Record<string, unknown> = {}) => execute(who, cardsOf(on)[0], on.answeredId, title, inputs);

  /** The first delivered call into `chat` whose card says `text` and has a button titled `title` (waiting for it). */
  const cardIn = (chat: string, text: string, title?: string) =>
    rig.connector.waitFor(
      (call) =>
        call.status < 300 &&
        call.kind !== 'update' &&
        call.conversationId === chat &&
        cardText(cardsOf(call)[0]).includes(text) &&
        (title === undefined || actionsOf(cardsOf(call)[0]).some((action) => action.title === title)),
    );
  /** The form card in `chat` submitted by `submitLabel` (the flow's forms arrive as cards with inputs). */
  const formIn = (chat: string, submitLabel: string) =>
    rig.connector.waitFor((call) => call.status < 300 && call.conversationId === chat && actionsOf(cardsOf(call)[0]).some((action) => action.title === submitLabel));

  const stored = async (changeId: string) => (await rig.harness.store.collection('changes').findOne({ id: changeId })) as Payload;

  it('is requested with "change", approved by two of the CAB, failed and backed out, reviewed and closed', async () => {
    const org = rig.harness.services.org;
    // Everyone talked to the bot before: their personal chats' references are saved, so the bot can reach them.
    for (const who of [NINA, PRIYA, LUKAS]) await say(who, 'help');

    // Nina asks for a change: the type first.
    const choice = await say(NINA, 'change');
    expect(actionsOf(cardsOf(choice)[0]).map((a) => a.title)).toEqual(['Standard', 'Normal', 'Emergency']);
    await press(NINA, choice, 'Normal');

    // The form: a multi-select of services, the window as a date and a time each, the risk questions as choices.
    const formCall = await formIn(NINA.chat, 'Check it');
    const form = cardsOf(formCall)[0]!;
    const element = (id: string) => form.body.find((candidate) => candidate.id === id);
    expect(element('services')).toMatchObject({ type: 'Input.ChoiceSet', isMultiSelect: true });
    expect(element('plannedStart__date')).toMatchObject({ type: 'Input.Date' });
    expect(element('plannedStart__time')).toMatchObject({ type: 'Input.Time' });
    const risk = riskiestAnswers(org);
    for (const answer of risk) expect((element(answer.name) as Payload).choices).toContainEqual({ title: answer.label, value: answer.value });

    const window = plannedWindow(org, rig.harness.clock.now(), 'Europe/Berlin');
    const [startDate, startTime] = window.start.split('T');
    const [endDate, endTime] = window.end.split('T');
    const details = {
      ...CHANGE_TEXT,
      services: SERVICE,
      plannedStart__date: startDate,
      plannedStart__time: startTime,
      plannedEnd__date: endDate,
      plannedEnd__time: endTime,
      implementer: '',
      linked: '',
      ...Object.fromEntries(risk.map((answer) => [answer.name, answer.value])),
    };
    const checked = await press(NINA, formCall, 'Check it', details);
    expect(actionsOf(checked.value)).toEqual([]);

    // The confirmation: the risk with its score and who decides, before anything is saved.
    const confirmation = await cardIn(NINA.chat, 'The CAB decides: 2 approvals needed', 'Submit');
    expect(cardText(cardsOf(confirmation)[0])).toMatch(new RegExp(`high \\(score ${riskiestScore(org)}\\)`));
    expect(await rig.harness.store.collection('changes').countDocuments({})).toBe(0);

    // Submit: the confirmation says so in place; the receipt follows.
    const submitted = await press(NINA, confirmation, 'Submit');
    expect(cardText(submitted.value)).toContain('Submitted as CHG-000001.');
    expect(actionsOf(submitted.value)).toEqual([]);
    await cardIn(NINA.chat, 'CHG-000001');
    const changeId = 'CHG-000001';
    expect(AWAITING).toContain((await stored(changeId)).status);
    expect(await stored(changeId)).toMatchObject({ services: [SERVICE], requester: { id: 'nina-kowalski', channel: 'teams' }, plannedStart: window.startsAt, plannedEnd: window.endsAt });

    // Priya and Lukas get the approval card in their chats.
    const priyaCard = await cardIn(PRIYA.chat, changeId, 'Approve');
    const lukasCard = await cardIn(LUKAS.chat, changeId, 'Approve');
    expect(actionsOf(cardsOf(priyaCard)[0]).map((a) => a.title)).toEqual(expect.arrayContaining(['Approve', 'Reject…', 'Ask a question']));
    const updatesOf = (call: ConnectorCall) => rig.connector.calls.filter((c) => c.kind === 'update' && c.activityId === call.answeredId && c.status < 300);

    // Priya approves: her card is answered in place, still open for the others' decisions.
    const priyaVote = await press(PRIYA, priyaCard, 'Approve');
    expect(cardText(priyaVote.value)).toContain('Priya Shah approved');
    await cardIn(PRIYA.chat, `Your approval of ${changeId} is recorded; more decisions are needed.`);
    expect(AWAITING).toContain((await stored(changeId)).status);

    // Lukas approves: the quorum is reached. His card answers "Decided", Priya's copy is updated in place (PUT),
    // and Nina is told.
    const lukasVote = await press(LUKAS, lukasCard, 'Approve');
    expect(cardText(lukasVote.value)).toContain('Decided: approved.');
    expect(actionsOf(lukasVote.value)).toEqual([]);
    await cardIn(LUKAS.chat, `${changeId} is now approved.`);
    await cardIn(NINA.chat, `${changeId} "${CHANGE_TEXT.title}" was approved (last decision by Lukas Becker).`);
    const priyaUpdated = updatesOf(priyaCard).map((call) => cardsOf(call)[0]);
    expect(priyaUpdated.some((card) => cardText(card).includes('Decided: approved.') && actionsOf(card).length === 0)).toBe(true);
    expect((await stored(changeId)).status).toBe('approved');

    // At the planned start Nina, the implementer, gets Started / Done / Failed.
    expect((await sweepChangeNudges(rig.harness.services, window.startsAt)).implementers).toBe(1);
    const implementerCard = await cardIn(NINA.chat, 'This change is due to start', 'Started');
    expect(actionsOf(cardsOf(implementerCard)[0]).map((a) => a.title)).toEqual(['Started', 'Done', 'Failed']);
    const underWay = await press(NINA, implementerCard, 'Started');
    expect(cardText(underWay.value)).toContain('Implementation is under way');
    expect(actionsOf(underWay.value).map((a) => a.title)).toEqual(['Done', 'Failed']);
    expect((await stored(changeId)).status).toBe('implementing');

    // Failed, on the refreshed card: the outcome form asks what happened and whether it was backed out.
    await execute(NINA, underWay.value, implementerCard.answeredId, 'Failed');
    const outcomeForm = await formIn(NINA.chat, 'Record it');
    expect(cardsOf(outcomeForm)[0]!.body.find((candidate) => candidate.id === 'backedOut')).toMatchObject({ type: 'Input.Toggle', valueOn: 'true' });
    await press(NINA, outcomeForm, 'Record it', { notes: FAILURE_NOTES, backedOut: 'true' });
    await cardIn(NINA.chat, `${changeId}'s outcome is recorded. It needs a post-implementation review`);
    expect(await stored(changeId)).toMatchObject({ status: 'backed_out', outcome: { result: 'backed_out', notes: FAILURE_NOTES } });

    // Nina is asked for the review, writes it, and the change is closed.
    const asked = await cardIn(NINA.chat, 'needs its post-implementation review', 'Write the review');
    await press(NINA, asked, 'Write the review');
    const reviewForm = await formIn(NINA.chat, 'Record the review');
    await press(NINA, reviewForm, 'Record the review', { ...REVIEW });
    await cardIn(NINA.chat, `Review recorded; ${changeId} is closed.`);
    const closed = await stored(changeId);
    expect(closed.status).toBe('closed');
    expect(closed.review.notes).toContain(REVIEW.lessons);

    const events = await rig.harness.services.audit.listForRecord('change', changeId);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['change.created', 'change.approved', 'change.implementation_started', 'change.backed_out', 'change.reviewed']));
    expect(events.filter((e) => e.actor.id !== 'system').every((e) => e.actor.channel === 'teams')).toBe(true);
    expect(rig.harness.logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
