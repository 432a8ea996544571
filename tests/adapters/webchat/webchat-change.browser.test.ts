import type { Page } from 'playwright-core';
import type { Bot } from '../../../adapters/bot';
import { sweepChangeNudges } from '../../../flows/request-change/change-nudges.job';
import { startBrowserRig, type BrowserRig } from './browser-rig';
import { CHANGE_TEXT, FAILURE_NOTES, plannedWindow, REVIEW, riskiestAnswers, riskiestScore } from '../change-scenario.support';

/**
 * The change scenario in the web chat, in a real headless browser (Debian's Chromium, driven by playwright-core),
 * one person per tab as someone trying the bot would: Nina requests the change, Priya and Lukas of the CAB approve
 * it, Nina records that it failed and was backed out, then writes the review. The bot runs on the real clock, so
 * the change is planned in the next window clear of the organisation file's freezes.
 */
describe('web chat in a real browser: a change through the CAB', () => {
  let rig: BrowserRig;
  let bot: Bot;
  beforeAll(async () => {
    rig = await startBrowserRig('itsm-webchat-change-');
    bot = rig.bot;
  });
  afterAll(async () => rig?.close());

  const tab = (name: string, fullName: string) => rig.tab(name, fullName);
  const say = (page: Page, text: string) => rig.say(page, text);
  const botSays = (page: Page, text: string | RegExp) => rig.botSays(page, text);

  it('is requested, approved by two of the CAB, failed and backed out, reviewed and closed', async () => {
    const org = bot.services.org;
    const window = plannedWindow(org, new Date(), 'Europe/Berlin');
    const nina = await tab('Nina', 'Nina Kowalski');

    // Nina asks for a change, picks Normal and fills the form.
    await say(nina, 'change');
    await botSays(nina, 'What kind of change is it?').getByRole('button', { name: 'Normal' }).click();
    const form = nina.locator('form.bot-form').last();
    await form.getByLabel('Title').fill(CHANGE_TEXT.title);
    await form.getByLabel('Payroll', { exact: true }).check();
    await form.getByLabel('Why is it needed?').fill(CHANGE_TEXT.reason);
    await form.getByLabel('What will change').fill(CHANGE_TEXT.description);
    await form.getByLabel('Planned start').fill(window.start);
    await form.getByLabel('Planned end').fill(window.end);
    await form.getByLabel('Implementation plan').fill(CHANGE_TEXT.implementationPlan);
    await form.getByLabel('Backout plan').fill(CHANGE_TEXT.backoutPlan);
    await form.getByLabel('Test plan').fill(CHANGE_TEXT.testPlan);
    for (const answer of riskiestAnswers(org)) {
      const question = org.changes.riskQuestions.find((q) => q.id === answer.id)!;
      await form.getByLabel(question.text).selectOption(answer.value);
    }
    await form.getByRole('button', { name: 'Check it' }).click();

    // The confirmation: the risk with its score and who decides; Submit raises the change.
    const found = botSays(nina, 'The CAB decides: 2 approvals needed');
    await found.waitFor();
    // The same message, by its id: it is replaced in place once used.
    const confirmation = nina.locator(`#${await found.getAttribute('id')}`);
    expect(await confirmation.textContent()).toContain(`high (score ${riskiestScore(org)})`);
    await confirmation.getByRole('button', { name: 'Submit' }).click();
    await confirmation.getByText(/Submitted as CHG-\d{6}\./).waitFor();
    const changeId = /CHG-\d{6}/.exec((await confirmation.textContent()) ?? '')![0];
    expect(await confirmation.getByRole('button').count()).toBe(0);
    await botSays(nina, `Submitted. The CAB decides: 2 approvals needed`).getByText(changeId).first().waitFor();
    const stored = async () => (await bot.services.store.collection('changes').findOne({ id: changeId }))!;
    expect(['submitted', 'assessed']).toContain((await stored()).status);

    // Priya, in her own tab, finds the approval card in her inbox and approves: one more decision is needed.
    const priya = await tab('Priya', 'Priya Shah');
    const priyaCard = priya.locator('#transcript li.bot', { hasText: changeId }).filter({ has: priya.getByRole('button', { name: 'Approve' }) }).first();
    await priyaCard.getByRole('button', { name: 'Approve' }).click();
    await botSays(priya, `Your approval of ${changeId} is recorded; more decisions are needed.`).waitFor();
    await priyaCard.getByText('Priya Shah approved').waitFor();

    // Lukas approves: the quorum is reached; his card says so in place, Priya's copy too, and Nina is told.
    const lukas = await tab('Lukas', 'Lukas Becker');
    const lukasCard = lukas.locator('#transcript li.bot', { hasText: changeId }).filter({ has: lukas.getByRole('button', { name: 'Approve' }) }).first();
    await lukasCard.getByRole('button', { name: 'Approve' }).click();
    await botSays(lukas, `${changeId} is now approved.`).waitFor();
    const lukasCardId = await lukas.locator('#transcript li.bot', { hasText: 'Decided: approved.' }).first().getAttribute('id');
    expect(await lukas.locator(`#${lukasCardId} button`).count()).toBe(0);
    await priya.locator('#transcript li.bot', { hasText: 'Decided: approved.' }).first().waitFor({ timeout: 10_000 });
    expect(await priya.locator('#transcript li.bot', { hasText: changeId }).getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await botSays(nina, `${changeId} "${CHANGE_TEXT.title}" was approved`).waitFor({ timeout: 10_000 });
    expect((await stored()).status).toBe('approved');
    await Promise.all([priya.close(), lukas.close()]);

    // At the planned start Nina gets Started / Done / Failed; it failed and was backed out.
    expect((await sweepChangeNudges(bot.services, window.startsAt)).implementers).toBe(1);
    const implementerCard = botSays(nina, 'This change is due to start');
    await implementerCard.waitFor({ timeout: 10_000 });
    expect(await implementerCard.getByRole('button').allTextContents()).toEqual(['Started', 'Done', 'Failed']);
    await implementerCard.getByRole('button', { name: 'Failed' }).click();
    const outcome = nina.locator('form.bot-form').last();
    await outcome.getByLabel('What happened?').fill(FAILURE_NOTES);
    await outcome.getByLabel('The change was backed out').check();
    await outcome.getByRole('button', { name: 'Record it' }).click();
    await botSays(nina, `${changeId}'s outcome is recorded. It needs a post-implementation review`).waitFor();
    expect((await stored()).status).toBe('backed_out');

    // Nina is asked for the review, writes it, and the change is closed.
    await botSays(nina, 'needs its post-implementation review').getByRole('button', { name: 'Write the review' }).click();
    const review = nina.locator('form.bot-form').last();
    await review.getByLabel('Did it meet its objective?').selectOption(REVIEW.objectivesMet);
    await review.getByLabel('Incidents it caused').fill(REVIEW.incidents);
    await review.getByLabel('Lessons learnt').fill(REVIEW.lessons);
    await review.getByRole('button', { name: 'Record the review' }).click();
    await botSays(nina, `Review recorded; ${changeId} is closed.`).waitFor();
    const closed = await stored();
    expect(closed.status).toBe('closed');
    expect((closed.review as { notes: string }).notes).toContain(REVIEW.lessons);
    await nina.close();
  });
});
