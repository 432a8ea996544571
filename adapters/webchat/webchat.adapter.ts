import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { z } from 'zod';
import type { Dispatcher, Outcome } from '../../src/engine/dispatcher';
import type { InboundEvent } from '../../src/engine/events';
import type { ActionId, Message } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import { HttpError, isLoopback, readJson, sendJson, type Route } from '../http/server';
import type { StateSigner } from '../shared/signed-state';
import { createWebchatInbox, type InboxEntry } from './inbox';
import { renderMessage } from './render-html';

/** The web chat's slice of the configuration. */
export interface WebchatConfig {
  /** Lets other machines in when they present it; without it the web chat answers loopback only. */
  token?: string;
}

const PUBLIC_DIR = join(__dirname, 'public');
const TOKEN_COOKIE = 'itsm_webchat';

const actionIdSchema = z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9_.-]+$/, 'is not an action id') as unknown as z.ZodType<ActionId>;
const turnSchema = z.object({
  user: z.object({
    name: z.string().trim().min(1, 'Tell me your name first.').max(80, 'Names are limited to 80 characters.'),
    timeZone: z.string().max(64).optional(),
  }),
  requestId: z.string().min(8).max(100),
  event: z.discriminatedUnion('type', [
    z.object({ type: z.literal('message'), text: z.string().trim().min(1, 'Type a message first.').max(4000, 'Messages are limited to 4,000 characters.') }),
    z.object({ type: z.literal('action'), action: actionIdSchema, value: z.string().max(2000).optional(), source: z.string().max(100).optional() }),
    z.object({
      type: z.literal('submit'),
      form: actionIdSchema,
      values: z.record(z.string(), z.union([z.string().max(20_000), z.array(z.string().max(2000)).max(200), z.boolean()])),
      state: z.string().max(20_000).optional(),
      source: z.string().max(100).optional(),
    }),
  ]),
});

/** What a web chat form carries back, signed: its own id, so state cannot be moved to another form. */
const signedFormSchema = z.object({ form: z.string(), state: z.string().nullable() });

/** What the page gets for one message: its id (for updates), the rendered HTML and a plain summary. */
interface RenderedMessage {
  id: string;
  html: string;
  summary: string;
  updatedAt: string;
}

function validTimeZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

function cookie(req: Pick<IncomingMessage, 'headers'>, name: string): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Loopback always; another machine only with the token (from `?token=` once, then a cookie, or a header). */
export function webchatAllows(req: Pick<IncomingMessage, 'socket' | 'headers' | 'url'>, token: string | undefined): boolean {
  if (isLoopback(req)) return true;
  if (!token) return false;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
  return [url.searchParams.get('token') ?? undefined, bearer, cookie(req, TOKEN_COOKIE)].some((given) => sameSecret(given, token));
}

/**
 * The local web chat: a small accessible page talking to the same dispatcher as Slack and Teams, so anyone can
 * try the bot with `npm start` and a browser. Forms render as HTML forms, buttons as buttons.
 */
export function createWebchatAdapter(options: {
  config: WebchatConfig;
  dispatcher: Dispatcher;
  services: Services;
  signer: StateSigner;
}) {
  const { config, dispatcher, services, signer } = options;
  const inbox = createWebchatInbox(services.store, services.clock);
  services.notifier.register(inbox.transport());
  const assets = {
    page: readFileSync(join(PUBLIC_DIR, 'index.html')),
    script: readFileSync(join(PUBLIC_DIR, 'app.js')),
    style: readFileSync(join(PUBLIC_DIR, 'app.css')),
  };

  function guard(req: IncomingMessage, res: ServerResponse): boolean {
    if (webchatAllows(req, config.token)) return true;
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(
      config.token
        ? 'The web chat needs its access token: open it as /?token=<WEBCHAT_TOKEN>.'
        : 'The web chat answers only on the machine it runs on. Set WEBCHAT_TOKEN to reach it from other machines.',
    );
    return false;
  }

  function staticRoute(path: string, body: Buffer, type: string): Route {
    return {
      method: 'GET',
      path,
      handle(req, res) {
        if (!guard(req, res)) return;
        const headers: Record<string, string> = {
          'content-type': type,
          'cache-control': 'no-cache',
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
          'referrer-policy': 'no-referrer',
        };
        const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
        if (path === '/' && token && config.token && sameSecret(token, config.token)) {
          headers['set-cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
        }
        res.writeHead(200, headers);
        res.end(body);
      },
    };
  }

  function render(entry: InboxEntry): RenderedMessage {
    const form = entry.message.form;
    const signed = form ? signer.signJson({ form: form.id, state: form.state ?? null }) : undefined;
    return { id: entry.id, html: renderMessage(entry.message, entry.id, signed), summary: entry.message.summary, updatedAt: entry.updatedAt.toISOString() };
  }

  async function actorFor(user: { name: string; timeZone?: string }) {
    return services.people.resolve({
      channel: 'webchat',
      userId: user.name,
      name: user.name,
      ...(validTimeZone(user.timeZone) ? { timeZone: validTimeZone(user.timeZone)! } : {}),
    });
  }

  /** The form state as the bot wrote it, or an error when it was tampered with or belongs to another form. */
  function verifiedState(form: string, signed: string | undefined): string | undefined {
    if (signed === undefined) return undefined;
    const parsed = signedFormSchema.safeParse(signer.verifyJson(signed));
    if (!parsed.success || parsed.data.form !== form) throw new HttpError(400, 'This form was changed on the way back. Please open it again.');
    return parsed.data.state ?? undefined;
  }

  async function turn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!guard(req, res)) return;
    const parsed = turnSchema.safeParse(await readJson(req, 256_000));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      sendJson(res, 400, { error: issue.message, field: issue.path.join('.') });
      return;
    }
    const { user, requestId, event: input } = parsed.data;
    const actor = await actorFor(user);
    await services.addresses.save({ personId: actor.id, channel: 'webchat', address: { personId: actor.id }, now: services.clock.now() });
    const base = { deliveryId: requestId, actor, conversation: { channel: 'webchat' as const, id: `webchat:${actor.id}`, direct: true } };
    const source = 'source' in input && input.source ? { channel: 'webchat' as const, ref: input.source } : undefined;
    let event: InboundEvent;
    if (input.type === 'message') event = { ...base, type: 'message', text: input.text };
    else if (input.type === 'action') event = { ...base, type: 'action', action: input.action, ...(input.value !== undefined ? { value: input.value } : {}), ...(source ? { source } : {}) };
    else {
      const state = verifiedState(input.form, input.state);
      event = { ...base, type: 'submit', form: input.form, values: input.values, ...(state !== undefined ? { state } : {}), ...(source ? { source } : {}) };
    }
    const outcome: Outcome = await dispatcher.dispatch(event);
    sendJson(res, 200, await present(actor.id, outcome, source?.ref));
  }

  async function present(recipient: string, outcome: Outcome, sourceId: string | undefined) {
    const messages: RenderedMessage[] = [];
    if (!outcome.duplicate) {
      for (const message of outcome.messages ?? []) messages.push(render(await inbox.append(recipient, message)));
    }
    let update: RenderedMessage | undefined;
    if (outcome.update && sourceId) {
      const entry = await inbox.get(sourceId);
      if (entry && entry.recipient === recipient) {
        await inbox.transport().update({ channel: 'webchat', ref: sourceId }, outcome.update);
        update = render({ ...entry, message: outcome.update as Message, updatedAt: services.clock.now() });
      }
    }
    return { messages, ...(update ? { update } : {}), ...(outcome.errors ? { errors: outcome.errors } : {}), duplicate: outcome.duplicate ?? false };
  }

  async function poll(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!guard(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const name = (url.searchParams.get('user') ?? '').trim();
    if (!name || name.length > 80) {
      sendJson(res, 400, { error: 'Say who you are with ?user=<name>.' });
      return;
    }
    const sinceText = url.searchParams.get('since');
    const since = sinceText ? new Date(sinceText) : undefined;
    if (since && Number.isNaN(since.getTime())) {
      sendJson(res, 400, { error: 'since must be an ISO date and time.' });
      return;
    }
    const actor = await actorFor({ name });
    const entries = await inbox.since(actor.id, since);
    sendJson(res, 200, { messages: entries.map(render), you: { id: actor.id, name: actor.name, listed: actor.listed, roles: actor.roles } });
  }

  /** The organisation's named people, so someone trying the bot can act as a resolver or an approver. */
  function people(req: IncomingMessage, res: ServerResponse): void {
    if (!guard(req, res)) return;
    const listed = services.org.people.map((person) => ({
      name: person.webchatName ?? person.name,
      description: [person.name, ...person.roles].join(' · '),
    }));
    sendJson(res, 200, { people: listed });
  }

  const routes: Route[] = [
    staticRoute('/', assets.page, 'text/html; charset=utf-8'),
    staticRoute('/webchat/app.js', assets.script, 'text/javascript; charset=utf-8'),
    staticRoute('/webchat/app.css', assets.style, 'text/css; charset=utf-8'),
    { method: 'POST', path: '/webchat/api/turn', handle: turn },
    { method: 'GET', path: '/webchat/api/inbox', handle: poll },
    { method: 'GET', path: '/webchat/api/people', handle: people },
  ];
  return { routes, inbox };
}
