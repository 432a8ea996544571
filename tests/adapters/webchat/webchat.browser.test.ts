import type { Browser, Page } from 'playwright-core';
import type { Bot } from '../../../adapters/bot';
import { textMessage } from '../../../src/engine/message';
import { startBrowserRig, type BrowserRig } from './browser-rig';

/**
 * The web chat in a real headless browser (Debian's Chromium, driven by playwright-core): the page a person
 * opens after `npm start`.
 */
describe('web chat in a real browser', () => {
  let rig: BrowserRig;
  let bot: Bot;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    rig = await startBrowserRig('itsm-webchat-');
    ({ bot, browser, base } = rig);
  });

  afterAll(async () => rig?.close());

  beforeEach(async () => {
    page = await browser.newPage();
  });
  afterEach(() => page.close());

  async function signIn(name: string) {
    await page.goto(base + '/');
    await page.getByLabel('You are').fill(name);
    await page.getByRole('button', { name: 'Use this name' }).click();
  }

  async function say(text: string) {
    await page.getByLabel('Message to itsm-bot').fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
  }

  it('answers help with what the bot can do', async () => {
    await signIn('Alex Visitor');
    await say('help');
    const answer = page.locator('#transcript li.bot').last();
    await answer.getByRole('heading', { name: 'What I can do' }).waitFor();
    expect(await answer.textContent()).toContain('help — what I can do and how to ask');
    await page.locator('#you', { hasText: 'Signed in as Alex Visitor (member of staff)' }).waitFor();
  });

  it('shows markup a person typed as text, never as HTML', async () => {
    await signIn('Alex Visitor');
    await say('<img src=x onerror="document.title=\'pwned\'"> <!channel>');
    const answer = page.locator('#transcript li.bot').last();
    await answer.getByText('I did not understand').waitFor();
    expect(await answer.locator('img').count()).toBe(0);
    expect(await answer.textContent()).toContain('<img src=x onerror="document.title=\'pwned\'"> <!channel>');
    expect(await page.title()).not.toBe('pwned');
  });

  it('knows people from the organisation file by their web chat name', async () => {
    const listed = bot.services.org.people.find((person) => person.webchatName)!;
    await signIn(listed.webchatName!);
    await page.locator('#you', { hasText: `Signed in as ${listed.name}` }).waitFor();
  });

  it('delivers a proactive message to the person\'s inbox while the page is open', async () => {
    await signIn('Robin Inbox');
    await page.locator('#you', { hasText: 'Signed in as Robin Inbox' }).waitFor();
    const robin = bot.services.people.resolve({ channel: 'webchat', userId: 'Robin Inbox', name: 'Robin Inbox' });
    await bot.services.notifier.notify({ person: robin.id }, textMessage('IMP-000007 is overdue: please update it.'), { key: 'browser-test-nudge' });
    await page.locator('#transcript li.bot', { hasText: 'IMP-000007 is overdue' }).waitFor({ timeout: 10_000 });
  });

  it('closes a form on Cancel without sending anything', async () => {
    await signIn('Casey Cancel');
    await say('incident printer jammed');
    const form = page.locator('form.bot-form').last();
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.getByText('Cancelled: nothing was sent.').waitFor();
    expect(await form.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
  });

  it('carries an incident from report to closure between a reporter and the support team', async () => {
    // The reporter, Hannah, reports that the VPN keeps dropping.
    await signIn('Hannah');
    await say('incident VPN keeps dropping every few minutes');
    const form = page.locator('form.bot-form').last();
    await form.getByLabel('Which service?').selectOption('vpn');
    await form.getByLabel('Who is affected?').selectOption({ index: 1 });
    await form.getByLabel('How badly is work affected?').selectOption({ index: 1 });
    await form.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Raise the incident' }).click();
    const receipt = page.locator('#transcript li.bot', { hasText: /INC-\d{6}/ }).last();
    await receipt.waitFor();
    const number = /INC-\d{6}/.exec((await receipt.textContent()) ?? '')![0];

    // Nina, on the Network & Security team, gets the team card in her inbox, takes it and resolves it.
    const nina = await browser.newPage();
    try {
      await nina.goto(base + '/');
      await nina.getByLabel('You are').fill('Nina');
      await nina.getByRole('button', { name: 'Use this name' }).click();
      const card = nina.locator('#transcript li.bot', { hasText: number }).first();
      await card.waitFor({ timeout: 10_000 });
      await card.getByRole('button', { name: 'Take' }).click();
      await card.getByText('Nina Kowalski').first().waitFor();
      await card.getByRole('button', { name: 'Resolve…' }).click();
      const resolve = nina.locator('form.bot-form').last();
      await resolve.getByLabel('How was it resolved?').selectOption({ index: 1 });
      await resolve.getByLabel('What was done (the reporter reads this)').fill('Replaced the faulty VPN gateway certificate.');
      await resolve.locator('button[type=submit]').click();
      await card.getByText(/resolved/i).first().waitFor();
    } finally {
      await nina.close();
    }

    // Hannah is told how it was fixed and confirms it.
    const fixed = page.locator('#transcript li.bot', { hasText: 'Replaced the faulty VPN gateway certificate.' }).last();
    await fixed.waitFor({ timeout: 10_000 });
    await fixed.getByRole('button', { name: 'Yes, it is fixed' }).click();
    await page.locator('#transcript li.bot', { hasText: /closed/i }).last().waitFor();
    const incident = await bot.services.store.collection('incidents').findOne({ id: number });
    expect(incident?.status).toBe('closed');
  });

  it('keeps one person per tab, so a reporter and a resolver can be tried side by side', async () => {
    const context = await browser.newContext();
    try {
      const first = await context.newPage();
      await first.goto(base + '/');
      await first.getByLabel('You are').fill('Hannah');
      await first.getByRole('button', { name: 'Use this name' }).click();
      await first.locator('#you', { hasText: 'Hannah Wright' }).waitFor();
      const second = await context.newPage();
      await second.goto(base + '/');
      expect(await second.getByLabel('You are').inputValue()).toBe('Hannah');
      await second.getByLabel('You are').fill('Nina');
      await second.getByRole('button', { name: 'Use this name' }).click();
      await second.locator('#you', { hasText: 'Nina Kowalski' }).waitFor();
      await first.reload();
      await first.locator('#you', { hasText: 'Hannah Wright' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
