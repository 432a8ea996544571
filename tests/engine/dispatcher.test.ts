import { z } from 'zod';
import { DomainError } from '../../src/domain/errors';
import { createDispatcher } from '../../src/engine/dispatcher';
import { defineFlow, type Flow } from '../../src/engine/flow';
import { textMessage, type Message } from '../../src/engine/message';
import { helpFlow } from '../../flows/help';
import { textOf } from '../support/message-text';
import { createHarness, type Harness } from '../support/harness';

function said(messages: Message[] | undefined): string[] {
  return (messages ?? []).map((message) => textOf(message).trim());
}

/** A flow that records what reached it, so routing can be checked without any real flow's behaviour. */
function echoFlow(effects: string[]) {
  return defineFlow<{ count: number }>({
    id: 'echo',
    title: 'Echo',
    commands: [
      { name: 'echo', aliases: ['say'], usage: 'echo <words>', description: 'says the words back' },
      { name: 'record', pattern: /^ECH-\d+$/i, usage: 'ECH-000001', description: 'looks a record up' },
    ],
    stateSchema: z.object({ count: z.number().int() }),
    matchText: (text) => (/\becho\b|\brepeat\b/i.test(text) ? 0.9 : /\bplease\b/i.test(text) ? 0.4 : 0),
    async onCommand({ event, state }) {
      const previous = (await state.load())?.count ?? 0;
      await state.save({ count: previous + 1 });
      effects.push(`command:${event.command}:${event.args}`);
      return { messages: [textMessage(`${event.command} ${event.args} #${previous + 1}`.trim())] };
    },
    async onText({ event }) {
      effects.push(`text:${event.text}`);
      return { messages: [textMessage(`heard ${event.text}`)] };
    },
    async onAction({ event }, action) {
      effects.push(`action:${action}:${event.value ?? ''}`);
      if (action === 'forbidden') throw new DomainError('not_allowed', 'Only the support team can do that.');
      if (action === 'crash') throw new Error('database exploded');
      return { update: textMessage(`done ${event.value}`) };
    },
    async onSubmit({ event }, form) {
      effects.push(`submit:${form}`);
      if (!event.values.summary) return { errors: { summary: 'Give the incident a short summary.' } };
      return { messages: [textMessage(`saved ${String(event.values.summary)}`)] };
    },
  });
}

describe('dispatcher', () => {
  let harness: Harness;
  let effects: string[];

  beforeEach(async () => {
    effects = [];
    harness = await createHarness({ flows: [echoFlow(effects) as Flow<unknown>, helpFlow as Flow<unknown>] });
  });
  afterEach(() => harness.close());

  it('routes a command by name, alias and pattern', async () => {
    await harness.send({ type: 'command', command: 'echo', args: 'one' });
    await harness.send({ type: 'command', command: 'SAY', args: 'two' });
    await harness.send({ type: 'command', command: 'ECH-000042', args: '' });
    expect(effects).toEqual(['command:echo:one', 'command:SAY:two', 'command:ECH-000042:']);
  });

  it('treats a first word that is a command as that command, in plain messages', async () => {
    const outcome = await harness.send({ type: 'message', text: '  echo   hello there ' });
    expect(outcome.flowId).toBe('echo');
    expect(effects).toEqual(['command:echo:hello there']);
  });

  it('routes plain words to the flow whose intent scores best above the threshold', async () => {
    await harness.send({ type: 'message', text: 'can you repeat that' });
    expect(effects).toEqual(['text:can you repeat that']);
  });

  it('falls back to help for words no flow claims and for unknown commands', async () => {
    const words = await harness.send({ type: 'message', text: 'please do something' });
    expect(words.flowId).toBe('help');
    expect(said(words.messages)[0]).toContain('I did not understand please do something');
    const unknown = await harness.send({ type: 'command', command: 'frobnicate', args: '' });
    expect(said(unknown.messages)[0]).toContain('There is no command frobnicate');
    expect(effects).toEqual([]);
  });

  it('routes buttons and forms by their derived ids', async () => {
    const action = await harness.send({ type: 'action', action: 'echo:take', value: 'INC-1' });
    expect(said(action.update ? [action.update] : [])).toEqual(['done INC-1']);
    const refused = await harness.send({ type: 'submit', form: 'echo:report', values: {} });
    expect(refused.errors).toEqual({ summary: 'Give the incident a short summary.' });
    expect(effects).toEqual(['action:take:INC-1', 'submit:report']);
  });

  it('answers a button of an unknown flow without failing', async () => {
    const outcome = await harness.send({ type: 'action', action: 'gone:thing' });
    expect(said(outcome.messages)).toEqual(['That button is no longer available.']);
  });

  it('turns an expected domain error into a message for the person', async () => {
    const outcome = await harness.send({ type: 'action', action: 'echo:forbidden' });
    expect(said(outcome.messages)).toEqual(['Only the support team can do that.']);
  });

  it('logs an unexpected error with a reference and tells the person that reference', async () => {
    const outcome = await harness.send({ type: 'action', action: 'echo:crash' });
    const text = said(outcome.messages)[0]!;
    const reference = /reference (\w+)/.exec(text)?.[1];
    expect(reference).toBeDefined();
    const logged = harness.logger.lines.find((line) => line.level === 'error');
    expect(logged?.obj).toMatchObject({ reference });
  });

  it('gives a redelivered event no second effect and the first reply again', async () => {
    const first = await harness.send({ type: 'command', command: 'echo', args: 'once', deliveryId: 'Ev1' });
    const again = await harness.send({ type: 'command', command: 'echo', args: 'once', deliveryId: 'Ev1' });
    expect(effects).toEqual(['command:echo:once']);
    expect(again.duplicate).toBe(true);
    expect(said(again.messages)).toEqual(said(first.messages));
  });

  it('lets a redelivery try again after an unexpected failure', async () => {
    await harness.send({ type: 'action', action: 'echo:crash', deliveryId: 'Ev2' });
    await harness.send({ type: 'action', action: 'echo:crash', deliveryId: 'Ev2' });
    expect(effects).toEqual(['action:crash:', 'action:crash:']);
  });

  it('keeps conversation state per person and flow, and drops state that no longer fits the schema', async () => {
    await harness.send({ type: 'command', command: 'echo', args: 'a' });
    const second = await harness.send({ type: 'command', command: 'echo', args: 'b' });
    expect(said(second.messages)).toEqual(['echo b #2']);
    const other = await harness.send({ type: 'command', command: 'echo', args: 'c' }, { userId: 'Sam Other', name: 'Sam Other' });
    expect(said(other.messages)).toEqual(['echo c #1']);

    const key = 'webchat:dm:webchat:alex tester:webchat:alex tester:echo';
    await harness.services.conversations.save(key, { flowId: 'echo', state: { count: 'not a number' }, expiresAt: new Date('2030-01-01') });
    const reset = await harness.send({ type: 'command', command: 'echo', args: 'd' });
    expect(said(reset.messages)).toEqual(['echo d #1']);
  });

  it('forgets conversation state once it expires', async () => {
    await harness.send({ type: 'command', command: 'echo', args: 'a' });
    harness.clock.advance(25 * 60 * 60 * 1000);
    const later = await harness.send({ type: 'command', command: 'echo', args: 'b' });
    expect(said(later.messages)).toEqual(['echo b #1']);
  });

  it("builds a person's overview from every flow that has one, with commands as typed on that channel", async () => {
    const actor = harness.services.people.resolve({ channel: 'slack', userId: 'U0NOBODY', name: 'Sam' });
    const blocks = await harness.dispatcher.home(actor, 'slack');
    expect(blocks[0]).toEqual({ kind: 'heading', text: 'What I can do' });
    expect(JSON.stringify(blocks)).toContain('/itsm echo <words>');
    expect(JSON.stringify(await harness.dispatcher.home(actor, 'webchat'))).not.toContain('/itsm');
  });

  it('refuses two flows with one id', async () => {
    expect(() => createDispatcher([helpFlow as Flow<unknown>, helpFlow as Flow<unknown>], harness.services)).toThrow('two flows share the id help');
  });
});
