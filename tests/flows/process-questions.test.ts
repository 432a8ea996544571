import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKnowledgeIndex } from '../../flows/process-questions';
import { plainText, type Message } from '../../src/engine/message';
import { silentLogger } from '../../src/engine/logger';
import { COLLECTIONS } from '../../src/store/collections';
import { as, buttonsOf, first, questionsHarness, textOf } from './process-questions.support';

type H = Awaited<ReturnType<typeof questionsHarness>>;

function button(message: Message | undefined, action: string) {
  const found = buttonsOf(message).find((b) => b.action === `process-questions:${action}`);
  if (!found) throw new Error(`no ${action} button in: ${textOf(message)}`);
  return found;
}

describe('process questions: answering', () => {
  let h: H;
  beforeEach(async () => {
    h = await questionsHarness();
  });
  afterEach(() => h.close());

  it('answers `ask` with the section, its citation and feedback buttons, and records the question', async () => {
    const outcome = await h.send({ type: 'command', command: 'ask', args: 'how do I raise an emergency change?' }, as('Hannah'));
    expect(outcome.flowId).toBe('process-questions');
    const answer = first(outcome);
    expect(answer?.blocks[0]).toEqual({ kind: 'heading', text: 'Emergency changes' });
    const text = textOf(answer);
    // The numbered steps come through whole, in order.
    expect(text).toContain('1. Call the service desk on extension 4000');
    expect(text).toContain('3. Record the RFC in chat with change within one working day afterwards.');
    expect(text).toContain('Source: Change Policy › Emergency changes · owner Lukas Becker · ISO/IEC 20000-1 clause 8.5.1 · version 2.1 · updated 2026-01-15');
    const context = answer!.blocks.find((b) => b.kind === 'context');
    expect(context && context.kind === 'context' && context.text).toEqual(
      expect.arrayContaining([{ link: 'https://intranet.example/policies/change#emergency-changes', text: 'Change Policy › Emergency changes' }]),
    );
    expect(buttonsOf(answer).map((b) => b.label)).toEqual(['👍 Helpful', '👎 Not helpful']);
    const questions = await h.store.collection(COLLECTIONS.questions).find({});
    expect(questions).toEqual([
      expect.objectContaining({ text: 'how do I raise an emergency change?', askedBy: expect.objectContaining({ id: 'hannah-wright' }), process: 'change', answerRefs: [expect.objectContaining({ docId: 'change.md', sectionId: 'emergency-changes' })] }),
    ]);
    const events = await h.services.audit.listForRecord('question', questions[0]!.id as string);
    expect(events.map((e) => [e.action, e.clause])).toEqual([['question.asked', '7.6']]);
  });

  it('answers questions in plain words, and leaves fault reports to the incident flow', async () => {
    const question = await h.send({ type: 'message', text: 'who approves a normal change?' }, as('Hannah'));
    expect(question.flowId).toBe('process-questions');
    expect(textOf(first(question))).toContain('approved by a change manager');
    expect((await h.send({ type: 'message', text: 'the VPN is down for everyone' }, as('Hannah'))).flowId).toBe('report-incident');
    expect((await h.send({ type: 'message', text: 'is the VPN down?' }, as('Hannah'))).flowId).toBe('report-incident');
    expect((await h.send({ type: 'message', text: 'hello' }, as('Hannah'))).flowId).toBe('help');
  });

  it('cites the file path when a document has no url, and lists at most two further sections', async () => {
    const outcome = await h.send({ type: 'command', command: 'ask', args: 'what are the response targets for a P1 incident?' }, as('Hannah'));
    const text = textOf(first(outcome));
    expect(text).toContain('P1 critical: respond within 15 minutes');
    expect(text).toContain('Source: Incident handling › Priorities and targets (incidents.md#priorities-and-targets)');
    const also = text.split('Also relevant:')[1] ?? '';
    expect(also.split('\n').filter((line) => line.startsWith('- ')).length).toBeLessThanOrEqual(2);
  });

  it('answers from a team-only document for its members and never leaks it to anyone else', async () => {
    const outsider = await h.send({ type: 'command', command: 'ask', args: 'how do I open a firewall port?' }, as('Hannah'));
    expect(textOf(first(outsider))).toContain("I don't know");
    expect(JSON.stringify(outsider)).not.toMatch(/firewall-runbook|Firewall Runbook|FW-01/);
    const member = await h.send({ type: 'command', command: 'ask', args: 'how do I open a firewall port?' }, as('Nina'));
    expect(textOf(first(member))).toContain('standard change template FW-01');
  });

  it('records 👍 once, only from the person who asked', async () => {
    const answer = first(await h.send({ type: 'command', command: 'ask', args: 'who approves a normal change?' }, as('Hannah')));
    const helpful = button(answer, 'helpful');
    expect(textOf(first(await h.send({ type: 'action', action: helpful.action, value: helpful.value! }, as('Emily'))))).toBe('Only the person who asked can do that.');
    expect(textOf(first(await h.send({ type: 'action', action: helpful.action, value: helpful.value! }, as('Hannah'))))).toContain('Thanks');
    expect(textOf(first(await h.send({ type: 'action', action: helpful.action, value: helpful.value! }, as('Hannah'))))).toBe('You have rated that answer already.');
    const [question] = await h.store.collection(COLLECTIONS.questions).find({});
    expect(question).toMatchObject({ feedback: { helpful: true } });
    const events = await h.services.audit.listForRecord('question', question!.id as string);
    expect(events.map((e) => e.action)).toEqual(['question.asked', 'question.feedback']);
  });

  it('logs 👎 as a documentation gap for the document owner and offers to ask them', async () => {
    const answer = first(await h.send({ type: 'command', command: 'ask', args: 'who approves a normal change?' }, as('Hannah')));
    const unhelpful = button(answer, 'unhelpful');
    const reply = first(await h.send({ type: 'action', action: unhelpful.action, value: unhelpful.value! }, as('Hannah')));
    expect(textOf(reply)).toContain('logged it as a gap');
    expect(button(reply, 'ask-owner').label).toBe('Ask Lukas Becker');
    const gaps = await h.store.collection(COLLECTIONS.knowledgeGaps).find({});
    expect(gaps).toEqual([expect.objectContaining({ reason: 'unhelpful', status: 'open', routedTo: expect.objectContaining({ id: 'lukas-becker' }), question: 'who approves a normal change?' })]);
  });
});

describe('process questions: "I don\'t know" and the process owner', () => {
  let h: H;
  beforeEach(async () => {
    h = await questionsHarness();
  });
  afterEach(() => h.close());

  it('does not guess; the owner gets the question once, answers from a form, and the answer reaches the asker', async () => {
    const outcome = await h.send({ type: 'message', text: "what's on the lunch menu today?" }, as('Hannah'));
    expect(outcome.flowId).toBe('process-questions');
    const reply = first(outcome);
    expect(textOf(reply)).toContain("I don't know the answer to what's on the lunch menu today?");
    const [gap] = await h.store.collection(COLLECTIONS.knowledgeGaps).find({});
    expect(gap).toMatchObject({ status: 'open', reason: 'no_answer', routedTo: { id: 'priya-shah' } });

    // Only the asker can send it on; a double click sends once.
    const ask = button(reply, 'ask-owner');
    expect(textOf(first(await h.send({ type: 'action', action: ask.action, value: ask.value! }, as('Emily'))))).toBe('Only the person who asked can do that.');
    expect(textOf(first(await h.send({ type: 'action', action: ask.action, value: ask.value! }, as('Hannah'))))).toContain('I have asked Priya Shah');
    expect(textOf(first(await h.send({ type: 'action', action: ask.action, value: ask.value! }, as('Hannah'))))).toContain('has the question already');
    const toPriya = h.webchat.to('priya-shah');
    expect(toPriya).toHaveLength(1);
    expect(textOf(toPriya[0]!.message)).toContain("Hannah Wright asked: what's on the lunch menu today?");

    // Someone who is not a process owner cannot answer it.
    const answerButton = button(toPriya[0]!.message, 'answer');
    expect(textOf(first(await h.send({ type: 'action', action: answerButton.action, value: answerButton.value! }, as('Emily'))))).toContain('Only Priya Shah');
    const form = first(await h.send({ type: 'action', action: answerButton.action, value: answerButton.value! }, as('Priya')))?.form;
    expect(form?.id).toBe('process-questions:answer');
    expect(await h.send({ type: 'submit', form: form!.id, values: { answer: '   ' }, state: form!.state! }, as('Priya'))).toMatchObject({ errors: { answer: expect.any(String) } });
    const sent = await h.send({ type: 'submit', form: form!.id, values: { answer: 'The canteen menu is on the intranet home page.' }, state: form!.state! }, as('Priya'));
    expect(textOf(first(sent))).toContain('your answer went to Hannah Wright');
    const toHannah = h.webchat.to('hannah-wright');
    expect(toHannah).toHaveLength(1);
    expect(textOf(toHannah[0]!.message)).toContain('The canteen menu is on the intranet home page.');
    expect(textOf(toHannah[0]!.message)).toContain('Answered by Priya Shah');
    expect(await h.store.collection(COLLECTIONS.knowledgeGaps).findOne({ id: gap!.id })).toMatchObject({ status: 'answered', answer: { text: 'The canteen menu is on the intranet home page.', by: { id: 'priya-shah' } } });
    const replay = await h.send({ type: 'submit', form: form!.id, values: { answer: 'Again' }, state: form!.state! }, as('Priya'));
    expect(textOf(first(replay))).toBe('That question has been answered already.');
    expect(h.webchat.to('hannah-wright')).toHaveLength(1);
    const events = await h.services.audit.listForRecord('knowledge_gap', gap!.id as string);
    expect(events.map((e) => e.action)).toEqual(['knowledge_gap.opened', 'knowledge_gap.sent_to_owner', 'knowledge_gap.answered']);
  });

  it('lists open gaps for process owners, with Answer buttons for their own, and refuses everyone else', async () => {
    await h.send({ type: 'command', command: 'ask', args: 'when is the christmas party?' }, as('Hannah'));
    await h.send({ type: 'command', command: 'ask', args: 'where can I park my bike?' }, as('Emily'));
    const refused = await h.send({ type: 'command', command: 'gaps', args: '' }, as('Hannah'));
    expect(textOf(first(refused))).toBe('Only process owners can see the documentation gaps.');
    const list = first(await h.send({ type: 'command', command: 'gaps', args: '' }, as('Priya')));
    expect(list?.blocks[0]).toEqual({ kind: 'heading', text: 'Open documentation gaps (2)' });
    expect(textOf(list)).toContain('where can I park my bike? — Emily Brooks, 2026-03-02; nothing in the documents matched; for you');
    expect(buttonsOf(list)).toHaveLength(2);
    const other = first(await h.send({ type: 'command', command: 'gaps', args: '' }, as('Lukas')));
    expect(buttonsOf(other)).toHaveLength(0);
  });
});

describe('process questions: bad input', () => {
  let h: H;
  beforeEach(async () => {
    h = await questionsHarness();
  });
  afterEach(() => h.close());

  const ask = async (args: string, channel: 'webchat' | 'slack' = 'webchat') => {
    const who = channel === 'slack' ? { channel: 'slack' as const, userId: 'U1' } : as('Hannah');
    const conversation = channel === 'slack' ? { conversation: { channel: 'slack' as const, id: 'D1', direct: true } } : {};
    return textOf(first(await h.send({ type: 'command', command: 'ask', args, ...conversation }, who)));
  };

  it.each([
    ['an empty question', '', 'Ask me how something is done here, for example ask how do I raise an emergency change?'],
    ['a 10,000-character question', 'x '.repeat(5000), 'That is 9,999 characters: please ask one question in 1,000 characters or fewer.'],
    ['punctuation and emoji only', '?!?! 🎉🔥…', 'There are no words in that for me to look up.'],
    ['a question in German', 'wie beantrage ich einen Notfall-Change?', 'I can only answer questions asked in English'],
    ['only filler words', 'how do I?', 'Tell me a little more'],
  ])('answers %s clearly, storing nothing', async (_what, args, reply) => {
    expect(await ask(args)).toContain(reply);
    expect(await h.store.collection(COLLECTIONS.questions).countDocuments({})).toBe(0);
  });

  it('shows the Slack command in its hints', async () => {
    expect(await ask('', 'slack')).toContain('/itsm ask how do I raise an emergency change?');
  });

  it('says there is nothing to answer from when the documents folder is empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowledge-none-'));
    const empty = await questionsHarness(loadKnowledgeIndex(dir, silentLogger));
    try {
      const outcome = await empty.send({ type: 'command', command: 'ask', args: 'how do I raise a change?' }, as('Hannah'));
      expect(plainText(outcome.messages![0]!.summary)).toContain('There are no process documents for me to answer from yet');
    } finally {
      await empty.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is listed by help', async () => {
    const help = textOf(first(await h.send({ type: 'message', text: 'help' }, as('Hannah'))));
    expect(help).toContain('ask <question> — ask how something is done here');
    expect(help).toContain('gaps — questions the documents could not answer (process owners)');
  });
});
