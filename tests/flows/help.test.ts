import { textOf as text } from '../support/message-text';
import { createHarness, type Harness } from '../support/harness';

describe('help flow', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(() => harness.close());

  it('lists every command as it is typed on the web chat and Teams', async () => {
    const outcome = await harness.send({ type: 'message', text: 'help' });
    expect(outcome.messages?.[0]?.blocks[0]).toEqual({ kind: 'heading', text: 'What I can do' });
    expect(text(outcome.messages?.[0])).toContain('help — what I can do and how to ask');
    expect(text(outcome.messages?.[0])).toContain('Type one of these as a message.');
  });

  it('lists commands after the slash command on Slack', async () => {
    const outcome = await harness.send(
      { type: 'command', command: '', args: '', conversation: { channel: 'slack', id: 'D1', direct: true } },
      { channel: 'slack', userId: 'U1' },
    );
    expect(text(outcome.messages?.[0])).toContain('/itsm help — what I can do and how to ask');
  });

  it.each(['?', 'commands', 'HELP'])('answers %s as help', async (word) => {
    const outcome = await harness.send({ type: 'message', text: word });
    expect(outcome.messages?.[0]?.summary.startsWith('What I can do')).toBe(true);
  });

  it('names an unknown command and shows what there is', async () => {
    const outcome = await harness.send({ type: 'command', command: 'incidnet', args: 'vpn down' });
    expect(outcome.messages?.[0]?.summary).toMatch(/^There is no command "incidnet"\. What I can do: .*\bhelp$/);
  });

  it('quotes words it did not understand, shortened when long', async () => {
    const long = 'x'.repeat(300);
    const outcome = await harness.send({ type: 'message', text: long });
    expect(outcome.messages?.[0]?.summary).toContain(`I did not understand "${'x'.repeat(199)}…"`);
  });
});
