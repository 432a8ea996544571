import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createBot, type Bot } from '../../../adapters/bot';
import { parseEnv } from '../../../src/config/env';
import { textMessage } from '../../../src/engine/message';
import { recordingLogger } from '../../support/logger';

/**
 * The web chat in a real headless browser (Debian's Chromium, driven by playwright-core): the page a person
 * opens after `npm start`.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('web chat in a real browser', () => {
  let bot: Bot;
  let browser: Browser;
  let page: Page;
  let base: string;
  let dataDir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`the browser test needs Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
    }
    dataDir = mkdtempSync(join(tmpdir(), 'itsm-webchat-'));
    bot = await createBot({ env: parseEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), logger: recordingLogger(), cron: null });
    const address = await bot.start(0, '127.0.0.1');
    base = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

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
});
