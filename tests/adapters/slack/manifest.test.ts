import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flows } from '../../../flows';
import { createStateSigner } from '../../../adapters/shared/signed-state';
import { createSlackAdapter, requiredScopes, SLACK_EVENTS_PATH, type SlackAdapter } from '../../../adapters/slack';
import { WEB_API_METHODS } from '../../../adapters/slack/slack-outbound';
import { METHOD_SCOPES } from '../../../adapters/slack/surface';
import { parseEnv } from '../../../src/config/env';
import { createHarness, recordingLogger, type Harness } from '../../support/harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const manifest: Json = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'manifest.json'), 'utf8'));
const sorted = (items: Iterable<string>) => [...items].sort();

/**
 * `manifest.json` declares exactly what the code uses: the same commands, shortcuts, events and scopes as the
 * adapter registers and calls, checked both ways (nothing missing, nothing extra).
 */
describe('manifest.json against what the Slack adapter registers', () => {
  let harness: Harness;
  let adapter: SlackAdapter;
  beforeAll(async () => {
    harness = await createHarness();
    // Nothing is called at creation: the Web API URL may point nowhere.
    const env = parseEnv({ SLACK_BOT_TOKEN: 'xoxb-manifest', SLACK_SIGNING_SECRET: 'manifest-secret', SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    adapter = (await createSlackAdapter({ env, dispatcher: harness.dispatcher, services: harness.services, signer: createStateSigner(randomBytes(32)), logger: recordingLogger() }))!;
  });
  afterAll(() => harness.close());

  it('declares the slash commands the adapter registers', () => {
    expect(sorted(manifest.features.slash_commands.map((command: Json) => command.command))).toEqual(sorted(adapter.surface.commands));
  });

  it('declares the shortcuts the adapter registers (none yet)', () => {
    expect(sorted((manifest.features.shortcuts ?? []).map((shortcut: Json) => shortcut.callback_id))).toEqual(sorted(adapter.surface.shortcuts));
  });

  it('subscribes to the events the adapter listens to', () => {
    expect(sorted(manifest.settings.event_subscriptions.bot_events)).toEqual(sorted(adapter.surface.events));
  });

  it('asks for exactly the bot scopes those and the adapter\'s Web API calls need', () => {
    expect(sorted(manifest.oauth_config.scopes.bot)).toEqual(requiredScopes(adapter.surface));
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
    expect(sorted(Object.keys(METHOD_SCOPES))).toEqual(sorted(WEB_API_METHODS));
  });

  it('enables interactivity, the options load URL and the App Home as the adapter uses them', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(adapter.surface.interactivity);
    expect(Boolean(manifest.settings.interactivity.message_menu_options_url)).toBe(adapter.surface.options);
    expect(manifest.features.app_home.home_tab_enabled).toBe(adapter.surface.events.includes('app_home_opened'));
    expect(manifest.features.app_home.messages_tab_enabled).toBe(adapter.surface.events.includes('message.im'));
    expect(manifest.features.app_home.messages_tab_read_only_enabled).toBe(false);
  });

  it('sends everything to the one endpoint, over HTTP by default', () => {
    const urls = [
      ...manifest.features.slash_commands.map((command: Json) => command.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      manifest.settings.interactivity.message_menu_options_url,
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
    expect(new Set(urls).size).toBe(1);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(adapter.routes.map((route) => `${route.method} ${route.path}`)).toEqual([`POST ${SLACK_EVENTS_PATH}`]);
  });

  it('hints every sub-command the flows answer to, in registry order', () => {
    const usage = flows.flatMap((flow) => flow.commands).map((command) => command.usage).join(' | ');
    expect(manifest.features.slash_commands[0].usage_hint).toBe(usage);
  });
});

describe('Slack switched off', () => {
  it('returns no adapter, after one info line, when no Slack credentials are set', async () => {
    const harness = await createHarness();
    const logger = recordingLogger();
    try {
      const adapter = await createSlackAdapter({ env: parseEnv({}), dispatcher: harness.dispatcher, services: harness.services, signer: createStateSigner(randomBytes(32)), logger });
      expect(adapter).toBeNull();
      expect(logger.lines).toEqual([{ level: 'info', obj: 'Slack is off: no SLACK_BOT_TOKEN' }]);
    } finally {
      await harness.close();
    }
  });
});
