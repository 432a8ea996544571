/**
 * The bot as `npm start` runs it (embedded store in a temporary DATA_DIR, web chat on loopback) and a real headless
 * browser (Debian's Chromium, driven by playwright-core): shared by the browser tests.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createBot, type Bot } from '../../../adapters/bot';
import { parseEnv } from '../../../src/config/env';
import { recordingLogger } from '../../support/logger';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The running bot, the browser, and what the tests do in a page. */
export interface BrowserRig {
  bot: Bot;
  browser: Browser;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** A tab signed in as `name` (a web chat name from the organisation file), once it says `Signed in as fullName`. */
  tab(name: string, fullName: string): Promise<Page>;
  /** Types a message and sends it. */
  say(page: Page, text: string): Promise<void>;
  /** The bot's message in the tab that says `text` (the latest such). */
  botSays(page: Page, text: string | RegExp): ReturnType<Page['locator']>;
  close(): Promise<void>;
}

/** Starts the bot and the browser; fails with what to install when Chromium is missing. */
export async function startBrowserRig(dataDirPrefix: string): Promise<BrowserRig> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the browser test needs Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const bot = await createBot({ env: parseEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), logger: recordingLogger(), cron: null });
  const address = await bot.start(0, '127.0.0.1');
  const base = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    bot,
    browser,
    base,
    async tab(name, fullName) {
      const page = await browser.newPage();
      // A step that does not happen fails within the test's time with the locator it waited for.
      page.setDefaultTimeout(8_000);
      await page.goto(base + '/');
      await page.getByLabel('You are').fill(name);
      await page.getByRole('button', { name: 'Use this name' }).click();
      await page.locator('#you', { hasText: `Signed in as ${fullName}` }).waitFor();
      return page;
    },
    async say(page, text) {
      await page.getByLabel('Message to itsm-bot').fill(text);
      await page.getByRole('button', { name: 'Send' }).click();
    },
    botSays: (page, text) => page.locator('#transcript li.bot', { hasText: text }).last(),
    async close() {
      await browser.close();
      await bot.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
