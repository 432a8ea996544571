import { randomBytes } from 'node:crypto';
import { createTeamsAdapter, type TeamsAdapter, type TeamsCredentialsFactory } from '../../../adapters/teams';
import type { AdaptiveCard } from '../../../adapters/teams/adaptive-card.types';
import { createHttpServer, type HttpServer } from '../../../adapters/http/server';
import { createStateSigner, type StateSigner } from '../../../adapters/shared/signed-state';
import { helpFlow } from '../../../flows/help';
import { parseEnv } from '../../../src/config/env';
import type { Flow } from '../../../src/engine/flow';
import { createHarness, type Harness } from '../../support/harness';
import { startFakeBotConnector, type ConnectorCall, type FakeBotConnector } from '../../support/fake-bot-connector';
import { deskFlow } from './desk-flow';
import { freshId, teamsFixture, type FixtureName, type Payload } from './teams-fixtures';

/**
 * The Teams adapter end to end: the real botbuilder CloudAdapter behind the shared HTTP server on 127.0.0.1, the
 * engine over an embedded store, and a fake Bot Connector that records what the bot sends.
 */
export interface TeamsRig {
  harness: Harness;
  connector: FakeBotConnector;
  adapter: TeamsAdapter;
  signer: StateSigner;
  http: HttpServer;
  /** What the test flow did. */
  effects: string[];
  /** POSTs an activity (or any body) to /api/messages. */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Payload }>;
  /** A recorded fixture pointed at the fake connector, with a fresh activity id. */
  activity(name: FixtureName, overrides?: Record<string, unknown>): Payload;
  close(): Promise<void>;
}

/** Starts everything; `env` and `settings` choose Emulator or JWT mode. */
export async function startTeamsRig(
  options: { env?: Record<string, string>; settings?: Record<string, string>; credentialsFactory?: TeamsCredentialsFactory; flows?: Flow<unknown>[] } = {},
): Promise<TeamsRig> {
  const effects: string[] = [];
  const harness = await createHarness({ flows: options.flows ?? [deskFlow(effects), helpFlow as Flow<unknown>] });
  const connector = await startFakeBotConnector();
  const signer = createStateSigner(randomBytes(32));
  const adapter = await createTeamsAdapter({
    env: parseEnv(options.env ?? {}),
    dispatcher: harness.dispatcher,
    services: harness.services,
    signer,
    logger: harness.logger,
    settings: options.settings ?? {},
    ...(options.credentialsFactory ? { credentialsFactory: options.credentialsFactory } : {}),
    throttle: { sleep: async () => undefined },
  });
  const http = createHttpServer(adapter.routes, harness.logger);
  const { port } = await http.listen(0, '127.0.0.1');

  return {
    harness,
    connector,
    adapter,
    signer,
    http,
    effects,
    async post(body, headers = {}) {
      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // plain text answers (403) stay text
      }
      return { status: response.status, body: parsed as Payload };
    },
    activity(name, overrides = {}) {
      return { ...teamsFixture(name, connector.serviceUrl), id: freshId(name), ...overrides };
    },
    async close() {
      await http.close(100);
      await connector.close();
      await harness.close();
    },
  };
}

/** The cards a recorded call carried. */
export function cardsOf(call: ConnectorCall): AdaptiveCard[] {
  const attachments = (call.body?.attachments ?? []) as Array<{ content: AdaptiveCard }>;
  return attachments.map((attachment) => attachment.content);
}

/** All the text of a card (TextBlocks, facts, nested show-cards), for assertions. */
export function cardText(card: AdaptiveCard | undefined): string {
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.type === 'TextBlock' && typeof record.text === 'string') parts.push(record.text);
      if (typeof record.title === 'string' && typeof record.value === 'string') parts.push(`${record.title}: ${record.value}`);
      Object.values(record).forEach(visit);
    }
  };
  visit(card);
  return parts.join('\n');
}

/** Every action on a card (card-level and in ActionSets), with its verb and data. */
export function actionsOf(card: AdaptiveCard | undefined): Array<{ type: string; title: string; verb?: string; data?: Record<string, unknown> }> {
  const found: Array<{ type: string; title: string; verb?: string; data?: Record<string, unknown> }> = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const record = value as Payload;
      if (record.type === 'Action.Execute') found.push({ type: record.type, title: record.title, verb: record.verb, data: record.data });
      for (const [key, child] of Object.entries(record)) if (key !== 'fallback') visit(child);
    }
  };
  visit(card);
  return found;
}

/** Someone of the example organisation in Teams: their AAD identity and their personal chat with the bot. */
export function teamsPerson(id: string, name: string, aadObjectId: string) {
  return { from: { id: `29:${id}`, name, aadObjectId }, chat: `a:personal-${id}` };
}
/** A person in their personal chat with the bot. */
export type TeamsPerson = ReturnType<typeof teamsPerson>;

/**
 * What a person does in their personal chat, as Teams sends it: a message (resolving with the bot's reply), and an
 * Action.Execute on a card (the message `replyToId`) with the card's inputs filled in (resolving with the invoke's
 * answer: a card that replaces it, or a note).
 */
export function personalChat(rig: () => TeamsRig) {
  function inChat(who: TeamsPerson, name: 'message' | 'invoke_action_execute', overrides: Record<string, unknown>): Payload {
    const base = rig().activity(name);
    return { ...base, from: who.from, conversation: { ...base.conversation, id: who.chat }, ...overrides };
  }
  return {
    inChat,
    async say(who: TeamsPerson, text: string): Promise<ConnectorCall> {
      const activity = inChat(who, 'message', { text });
      expect((await rig().post(activity)).status).toBe(200);
      return rig().connector.waitFor((call) => call.kind === 'reply' && call.activityId === activity.id);
    },
    async execute(who: TeamsPerson, card: AdaptiveCard | undefined, replyToId: string | undefined, title: string, inputs: Record<string, unknown> = {}): Promise<Payload> {
      const action = actionsOf(card).find((candidate) => candidate.title === title);
      if (!action) throw new Error(`no "${title}" on the card: ${actionsOf(card).map((a) => a.title).join(', ')}`);
      const activity = inChat(who, 'invoke_action_execute', {
        replyToId,
        value: { action: { type: 'Action.Execute', title, verb: action.verb, data: { ...action.data, ...inputs } }, trigger: 'manual' },
      });
      const answer = await rig().post(activity);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ statusCode: 200 });
      return answer.body;
    },
  };
}
