import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Recorded Teams payloads (copied from the shared fixtures), with `serviceUrl` rewritten to the loopback fake
 * Bot Connector in this one place: the recorded URLs point at Microsoft's real service.
 */
/** A payload read loosely: tests reach into recorded activities and cards without declaring their whole shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recorded Bot Framework payloads, read loosely in tests only
export type Payload = Record<string, any>;

export type FixtureName = 'message' | 'message_channel_mention' | 'card_submit' | 'invoke_action_execute' | 'conversation_update';

/** A fixture as a fresh object (tests change it freely), optionally pointed at a fake connector. */
export function teamsFixture(name: FixtureName, serviceUrl?: string): Payload {
  const activity = JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8')) as Payload;
  if (serviceUrl) activity.serviceUrl = serviceUrl;
  return activity;
}

let sequence = 0;
/** A fresh activity id, so each delivery is new unless a test repeats one on purpose. */
export function freshId(prefix = 'act'): string {
  sequence += 1;
  return `${prefix}-${Date.now().toString(36)}-${sequence}`;
}
