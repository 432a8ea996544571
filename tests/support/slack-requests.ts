import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

/**
 * Requests as Slack sends them: signed (`v0=` HMAC-SHA256 of `v0:{ts}:{body}` with the signing secret), slash
 * commands and interactivity form-encoded with exactly `application/x-www-form-urlencoded`, events as JSON.
 */

/** The form content type, exactly as Slack sends it (Bolt answers 400 to `…; charset=utf-8`). */
export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

/** Slack's signature headers for a body. */
export function slackSignature(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
}

/** What the endpoint answered. */
export interface SlackHttpAnswer {
  status: number;
  body: string;
}

/** POSTs a raw body to a URL with exactly the given headers. */
export function postRaw(url: string, body: string, headers: Record<string, string>): Promise<SlackHttpAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A slash command's form body. */
export function commandBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** An interactivity payload's form body (`payload=<json>`). */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The recorded example payloads (copied from the shared fixtures into the repository, so `npm test` needs nothing else). */
const FIXTURES = join(__dirname, '..', 'adapters', 'slack', 'fixtures');

/**
 * A recorded Slack payload by name (`slash_command`, `block_actions`…), with its response URLs pointed at the fake
 * Web API — the one place where fixtures are rewritten.
 */
export function slackFixture<T = Record<string, unknown>>(name: string, responseUrlBase?: string): T {
  const payload = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown>;
  if (responseUrlBase) {
    if (typeof payload.response_url === 'string') payload.response_url = `${responseUrlBase}/response/${name}`;
    if (Array.isArray(payload.response_urls)) {
      payload.response_urls = payload.response_urls.map((entry: Record<string, unknown>, index: number) => ({ ...entry, response_url: `${responseUrlBase}/response/${name}-${index}` }));
    }
  }
  return payload as T;
}
