import { createHttpServer, type HttpServer } from '../../../adapters/http/server';
import { createStateSigner } from '../../../adapters/shared/signed-state';
import { createWebchatAdapter, webchatAllows } from '../../../adapters/webchat/webchat.adapter';
import { defineFlow, type Flow } from '../../../src/engine/flow';
import { textMessage } from '../../../src/engine/message';
import { helpFlow } from '../../../flows/help';
import { createHarness, type Harness } from '../../support/harness';

/** A flow with a form, a button and state, so the web chat's round trips can be checked. */
const formFlow = defineFlow({
  id: 'note',
  title: 'Notes',
  commands: [{ name: 'note', usage: 'note', description: 'writes a note' }],
  async onCommand() {
    return {
      messages: [
        {
          summary: 'Write a note',
          blocks: [],
          form: {
            id: 'note:write',
            title: 'Write a note',
            submitLabel: 'Save',
            state: 'draft-7',
            inputs: [{ kind: 'text', name: 'text', label: 'Note', required: true }],
          },
        },
      ],
    };
  },
  async onSubmit({ event }) {
    if (!event.values.text) return { errors: { text: 'Write something first.' } };
    return {
      messages: [
        {
          summary: 'Saved',
          blocks: [
            { kind: 'text', text: `Saved "${String(event.values.text)}" from state ${event.state ?? 'none'}` },
            { kind: 'actions', buttons: [{ action: 'note:pin', label: 'Pin', value: 'n1' }] },
          ],
        },
      ],
    };
  },
  async onAction({ event }) {
    return { update: textMessage(`Pinned ${event.value}`) };
  },
});

/** What the web chat API answers, as the page reads it. */
interface ApiBody {
  messages: Array<{ id: string; html: string }>;
  update?: { id: string; html: string };
  errors?: Record<string, string>;
  duplicate?: boolean;
  error?: string;
  you?: { id: string; name: string; listed: boolean };
}

describe('web chat API', () => {
  let harness: Harness;
  let http: HttpServer;
  let base: string;
  let requestNumber = 0;

  beforeEach(async () => {
    harness = await createHarness({ flows: [formFlow as Flow<unknown>, helpFlow as Flow<unknown>] });
    const webchat = createWebchatAdapter({
      config: {},
      dispatcher: harness.dispatcher,
      services: harness.services,
      signer: createStateSigner(Buffer.alloc(32, 7)),
    });
    http = createHttpServer(webchat.routes, harness.logger);
    base = `http://127.0.0.1:${(await http.listen(0, '127.0.0.1')).port}`;
  });
  afterEach(async () => {
    await http.close();
    await harness.close();
  });

  async function turn(event: Record<string, unknown>, user = 'Sam Example') {
    requestNumber += 1;
    const response = await fetch(`${base}/webchat/api/turn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { name: user, timeZone: 'Europe/Berlin' }, requestId: `request-${requestNumber}`, event }),
    });
    return { status: response.status, body: (await response.json()) as ApiBody };
  }

  function formState(html: string): string {
    return /data-state="([^"]+)"/.exec(html)![1]!;
  }

  it('round-trips a form: shown, refused with field errors, then saved with its signed state', async () => {
    const opened = await turn({ type: 'message', text: 'note' });
    const form = opened.body.messages[0]!;
    expect(form.html).toContain('<form class="bot-form" data-form="note:write"');
    const state = formState(form.html);

    const refused = await turn({ type: 'submit', form: 'note:write', values: { text: '' }, state, source: form.id });
    expect(refused.body.errors).toEqual({ text: 'Write something first.' });

    const saved = await turn({ type: 'submit', form: 'note:write', values: { text: 'VPN <b>flaky</b>' }, state, source: form.id });
    expect(saved.body.messages[0]!.html).toContain('Saved &quot;VPN &lt;b&gt;flaky&lt;/b&gt;&quot; from state draft-7');
  });

  it('refuses a form state edited on the way back, and stores nothing', async () => {
    const opened = await turn({ type: 'message', text: 'note' });
    const state = formState(opened.body.messages[0]!.html);
    const forged = state.replace(/^[^.]+/, Buffer.from(JSON.stringify({ form: 'note:write', state: 'admin' })).toString('base64url'));
    const refused = await turn({ type: 'submit', form: 'note:write', values: { text: 'x' }, state: forged });
    expect(refused).toEqual({ status: 400, body: { error: 'This form was changed on the way back. Please open it again.' } });

    const moved = await turn({ type: 'submit', form: 'other:form', values: {}, state });
    expect(moved.status).toBe(400);
  });

  it('updates the message a button was on, in the transcript too', async () => {
    const opened = await turn({ type: 'message', text: 'note' });
    const state = formState(opened.body.messages[0]!.html);
    const saved = await turn({ type: 'submit', form: 'note:write', values: { text: 'hello' }, state });
    const card = saved.body.messages[0]!;
    const pinned = await turn({ type: 'action', action: 'note:pin', value: 'n1', source: card.id });
    expect(pinned.body.update).toMatchObject({ id: card.id });
    expect(pinned.body.update!.html).toContain('Pinned n1');

    const inbox = await fetch(`${base}/webchat/api/inbox?user=${encodeURIComponent('Sam Example')}`).then((r) => r.json() as Promise<ApiBody>);
    expect(inbox.messages.find((entry) => entry.id === card.id)!.html).toContain('Pinned n1');
  });

  it("never updates another person's message", async () => {
    const opened = await turn({ type: 'message', text: 'note' }, 'Owner Person');
    const state = formState(opened.body.messages[0]!.html);
    const saved = await turn({ type: 'submit', form: 'note:write', values: { text: 'mine' }, state }, 'Owner Person');
    const attempt = await turn({ type: 'action', action: 'note:pin', value: 'n1', source: saved.body.messages[0]!.id }, 'Someone Else');
    expect(attempt.body.update).toBeUndefined();
  });

  it('answers a repeated request once', async () => {
    const body = JSON.stringify({ user: { name: 'Sam Example' }, requestId: 'same-request-1', event: { type: 'message', text: 'help' } });
    const post = () => fetch(`${base}/webchat/api/turn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.json() as Promise<ApiBody>);
    const first = await post();
    const second = await post();
    expect(first.messages).toHaveLength(1);
    expect(second).toMatchObject({ duplicate: true, messages: [] });
  });

  it.each([
    [{ user: { name: '' }, requestId: 'request-x1', event: { type: 'message', text: 'hi' } }, 'Tell me your name first.'],
    [{ user: { name: 'Sam' }, requestId: 'request-x2', event: { type: 'message', text: '   ' } }, 'Type a message first.'],
    [{ user: { name: 'Sam' }, requestId: 'request-x3', event: { type: 'message', text: 'x'.repeat(4001) } }, 'Messages are limited to 4,000 characters.'],
    [{ user: { name: 'Sam' }, requestId: 'request-x4', event: { type: 'action', action: '$where' } }, 'is not an action id'],
  ])('says what is wrong with a bad request %#', async (body, message) => {
    const response = await fetch(`${base}/webchat/api/turn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(message);
  });

  it('tells the page who the person is, from the organisation file where listed', async () => {
    const listed = harness.services.org.people.find((person) => person.webchatName)!;
    const inbox = await fetch(`${base}/webchat/api/inbox?user=${encodeURIComponent(listed.webchatName!)}`).then((r) => r.json() as Promise<ApiBody>);
    expect(inbox.you).toMatchObject({ id: listed.id, name: listed.name, listed: true });
    const bad = await fetch(`${base}/webchat/api/inbox?user=Sam&since=yesterday`);
    expect(bad.status).toBe(400);
  });
});

describe('web chat access', () => {
  const from = (remoteAddress: string, extra: { url?: string; headers?: Record<string, string> } = {}) => ({
    socket: { remoteAddress } as never,
    headers: extra.headers ?? {},
    url: extra.url ?? '/',
  });
  const token = 'a-long-webchat-token-123';

  it('answers this machine always', () => {
    expect(webchatAllows(from('127.0.0.1'), undefined)).toBe(true);
    expect(webchatAllows(from('::1'), undefined)).toBe(true);
    expect(webchatAllows(from('::ffff:127.0.0.1'), undefined)).toBe(true);
  });

  it('refuses other machines without a token configured', () => {
    expect(webchatAllows(from('192.0.2.10'), undefined)).toBe(false);
  });

  it('counts a request forwarded by a reverse proxy on this machine as remote', () => {
    expect(webchatAllows(from('127.0.0.1', { headers: { 'x-forwarded-for': '203.0.113.9' } }), undefined)).toBe(false);
    expect(webchatAllows(from('127.0.0.1', { headers: { forwarded: 'for=203.0.113.9' } }), undefined)).toBe(false);
    expect(webchatAllows(from('127.0.0.1', { headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${token}` } }), token)).toBe(true);
  });

  it('lets other machines in with the token in the query, a bearer header or the cookie — and not with a wrong one', () => {
    expect(webchatAllows(from('192.0.2.10', { url: `/?token=${token}` }), token)).toBe(true);
    expect(webchatAllows(from('192.0.2.10', { headers: { authorization: `Bearer ${token}` } }), token)).toBe(true);
    expect(webchatAllows(from('192.0.2.10', { headers: { cookie: `a=b; itsm_webchat=${token}` } }), token)).toBe(true);
    expect(webchatAllows(from('192.0.2.10', { url: '/?token=guess' }), token)).toBe(false);
    expect(webchatAllows(from('192.0.2.10'), token)).toBe(false);
  });
});
