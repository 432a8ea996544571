import type { Page } from 'playwright-core';
import type { Bot } from '../../../adapters/bot';
import { sweepImprovementNudges } from '../../../flows/improvement-actions/improvement-nudges.job';
import { addDays, localIsoDate } from '../../../src/domain/dates';
import { startBrowserRig, type BrowserRig } from './browser-rig';
import { EVIDENCE, IMPROVEMENT, OWNER_ID, PROGRESS, workingDayFrom } from '../improvement-scenario.support';

/**
 * The improvement register in the web chat, in a real headless browser (Debian's Chromium, driven by
 * playwright-core), one person per tab: Jamie raises an improvement for Mei, Lukas approves it, the sweep nudges Mei
 * on its due day, and the nudge arrives in her open page from the inbox; she marks progress and marks it done on the
 * nudge itself, which is updated in place, and Lukas verifies it. The bot runs on the real clock, so the target date
 * is Mei's first working day at least two days from now, and the sweep runs an hour into that day.
 */
describe('web chat in a real browser: an improvement nudged, answered on the nudge and verified', () => {
  let rig: BrowserRig;
  let bot: Bot;
  beforeAll(async () => {
    rig = await startBrowserRig('itsm-webchat-improvement-');
    bot = rig.bot;
  });
  afterAll(async () => rig?.close());

  const tab = (name: string, fullName: string) => rig.tab(name, fullName);
  const say = (page: Page, text: string) => rig.say(page, text);
  const botSays = (page: Page, text: string | RegExp) => rig.botSays(page, text);
  /** The same message by its id: it stays the same element when it is updated in place. */
  const byId = async (page: Page, text: string | RegExp) => {
    const found = botSays(page, text);
    await found.waitFor();
    return page.locator(`#${await found.getAttribute('id')}`);
  };

  it('is raised, approved, nudged into the owner’s open page, answered with Mark progress and Done in place, and verified', async () => {
    const stored = async (id: string) => (await bot.services.store.collection('improvements').findOne({ id }))!;
    const due = workingDayFrom(bot.services, OWNER_ID, addDays(localIsoDate(new Date(), 'Europe/Berlin'), 2));

    // Jamie raises an improvement owned by Mei, due on her working day two or more days from now.
    const jamie = await tab('Jamie', 'Jamie Cole');
    await say(jamie, 'improve');
    const form = jamie.locator('form.bot-form').last();
    await form.getByLabel('Title').fill(IMPROVEMENT.title);
    await form.getByLabel('Description').fill(IMPROVEMENT.description);
    await form.getByLabel(/^Type\b/).selectOption(IMPROVEMENT.type);
    await form.getByLabel('Where did it come from?').selectOption(IMPROVEMENT.source);
    await form.getByLabel('Source record').fill(IMPROVEMENT.sourceRef);
    await form.getByLabel(/^Owner\b/).fill(IMPROVEMENT.owner);
    await form.getByLabel('Target date').fill(due.date);
    await form.getByRole('button', { name: 'Check it' }).click();
    const confirmation = await byId(jamie, 'Lukas Becker will be asked to approve it');
    await confirmation.getByRole('button', { name: 'Submit' }).click();
    await confirmation.getByText(/Submitted as IMP-\d{6}\./).waitFor();
    const id = /IMP-\d{6}/.exec((await confirmation.textContent()) ?? '')![0];
    expect(await confirmation.getByRole('button').count()).toBe(0);
    expect(await stored(id)).toMatchObject({ status: 'proposed', type: 'improvement', targetDate: due.date, owner: { id: OWNER_ID }, raisedBy: { id: 'jamie-cole', channel: 'webchat' } });
    await jamie.close();

    // Lukas finds the approval card in his inbox and approves it there.
    const lukas = await tab('Lukas', 'Lukas Becker');
    const approval = await byId(lukas, `Jamie Cole raised ${id} for Mei Chen.`);
    await approval.getByRole('button', { name: 'Approve' }).click();
    await botSays(lukas, `${id} is approved, not started.`).waitFor();
    await approval.getByText('Status: approved, not started.').waitFor();
    expect(await approval.getByRole('button').count()).toBe(0);
    expect((await stored(id)).status).toBe('approved');

    // Mei has the page open when the sweep runs on the due day, in her working hours: the nudge arrives by itself.
    const mei = await tab('Mei', 'Mei Chen');
    await botSays(mei, `Lukas Becker approved ${id}`).waitFor();
    expect(await sweepImprovementNudges(bot.services, due.at)).toMatchObject({ dueToday: 1, outOfHours: 0, failed: 0, unreachable: [] });
    const nudge = await byId(mei, `${id} is due today.`);
    expect(await nudge.getByRole('button').allTextContents()).toEqual(['Mark progress', 'Done', 'Need more time', 'Snooze until tomorrow']);

    // Mark progress on the nudge: the form, then the nudge itself shows the progress in place.
    await nudge.getByRole('button', { name: 'Mark progress' }).click();
    const progress = mei.locator('form.bot-form').last();
    await progress.getByLabel('What has been done?').fill(PROGRESS.note);
    await progress.getByLabel('How far along (%)').fill(PROGRESS.percent);
    await progress.getByRole('button', { name: 'Record it' }).click();
    await botSays(mei, `Progress on ${id} recorded.`).waitFor();
    await nudge.getByText('Latest progress (Mei Chen, 40%)').waitFor();
    await nudge.getByText('Status: in progress.').waitFor();
    expect(await stored(id)).toMatchObject({ status: 'in_progress', progress: [{ text: PROGRESS.note, percent: 40, by: { id: OWNER_ID } }] });

    // Done, with evidence: the nudge loses its buttons in place, and Lukas is asked to check it worked.
    await nudge.getByRole('button', { name: 'Done' }).click();
    const done = mei.locator('form.bot-form').last();
    await done.getByLabel('Evidence of what was done').fill(EVIDENCE);
    await done.getByRole('button', { name: 'Mark done' }).click();
    await botSays(mei, `${id} is done. Lukas Becker will check that it worked.`).waitFor();
    await nudge.getByText('Status: done, awaiting its effectiveness check.').waitFor();
    expect(await nudge.getByRole('button').count()).toBe(0);
    expect(await stored(id)).toMatchObject({ status: 'done', evidence: [{ text: EVIDENCE }] });

    // Lukas verifies it from the card that arrived in his open page; Mei's nudge says so in place.
    const verify = await byId(lukas, `Mei Chen marked ${id} done.`);
    await verify.getByRole('button', { name: 'Verify effective' }).click();
    await botSays(lukas, `${id} is verified effective.`).waitFor();
    await verify.getByText('Status: verified effective.').waitFor();
    expect(await verify.getByRole('button').count()).toBe(0);
    await nudge.getByText('Status: verified effective.').waitFor();
    expect(await stored(id)).toMatchObject({ status: 'verified', effectivenessCheck: { effective: true, by: { id: 'lukas-becker' } } });
    await Promise.all([lukas.close(), mei.close()]);
  });
});
