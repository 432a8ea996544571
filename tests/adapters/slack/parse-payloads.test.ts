import { conversationOf, fromMessageRef, slackTextToPlain, splitCommand, toMessageRef } from '../../../adapters/slack/parse-inbound';
import { HTTPModuleFunctions } from '@slack/bolt';
import { classifyRequest, readSlackRequest } from '../../../adapters/slack/parse-request';
import { parseViewValues } from '../../../adapters/slack/parse-view-values';
import { commandBody, FORM, interactionBody, JSON_TYPE, slackFixture } from '../../support/slack-requests';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('parsing recorded Slack payloads', () => {
  it('splits a slash command into sub-command and arguments', () => {
    const command = slackFixture<Json>('slash_command');
    expect(splitCommand(command.text)).toEqual({ command: 'printer', args: 'on 3rd floor is jammed' });
    expect(splitCommand('')).toEqual({ command: '', args: '' });
    expect(splitCommand('  INC-000123  ')).toEqual({ command: 'INC-000123', args: '' });
    expect(splitCommand('ask how do I &lt;reset&gt; &amp; go?')).toEqual({ command: 'ask', args: 'how do I <reset> & go?' });
  });

  it('reads an app mention without the bot\'s mention, and a DM as typed', () => {
    const mention = slackFixture<Json>('app_mention');
    expect(slackTextToPlain(mention.event.text, 'U0BOTUSER')).toBe('what is the status of ticket 42?');
    const dm = slackFixture<Json>('message_im');
    expect(slackTextToPlain(dm.event.text, 'U0BOTUSER')).toBe('help');
  });

  it('turns Slack markup into the words on screen', () => {
    const text = '<@U0BOTUSER> ping <@U0BOB|bob> in <#C123|support>: <!channel> <!here> <!subteam^S1|@oncall> <https://x.example|the page> <mailto:a@b.c> 5 &lt; 6 &amp;&amp; 7 &gt; 3';
    expect(slackTextToPlain(text, 'U0BOTUSER')).toBe('ping @bob in #support: @channel @here @oncall the page mailto:a@b.c 5 < 6 && 7 > 3');
  });

  it('reads a submitted view\'s state as values by block id', () => {
    const submission = slackFixture<Json>('view_submission');
    // The fixture's own modal keys its values by its block ids; ours are the inputs' names.
    expect(parseViewValues(submission.view.state.values, {}, 'Europe/London')).toEqual({ title_block: 'Printer jammed', priority_block: 'high' });
  });

  it('serialises message references and refuses what is not one', () => {
    const ref = toMessageRef({ c: 'C0123SUPPORT', ts: '1700000100.000200' });
    expect(fromMessageRef(ref)).toEqual({ c: 'C0123SUPPORT', ts: '1700000100.000200' });
    expect(fromMessageRef(toMessageRef({ u: 'https://hooks.slack.com/actions/x' }))).toEqual({ u: 'https://hooks.slack.com/actions/x' });
    expect(fromMessageRef({ channel: 'teams', ref: ref.ref })).toBeNull();
    expect(fromMessageRef({ channel: 'slack', ref: 'not json' })).toBeNull();
    expect(fromMessageRef({ channel: 'slack', ref: '{"c":"C1"}' })).toBeNull();
  });

  it('knows direct conversations and threads', () => {
    expect(conversationOf('D0ALICEDM01', 'U1')).toEqual({ channel: 'slack', id: 'D0ALICEDM01', direct: true });
    expect(conversationOf('C0123SUPPORT', 'U1', '1700.1')).toEqual({ channel: 'slack', id: 'C0123SUPPORT', direct: false, threadId: '1700.1' });
    expect(conversationOf(undefined, 'U1')).toEqual({ channel: 'slack', id: 'dm:U1', direct: true });
  });
});

describe('placing requests before Bolt sees them', () => {
  it('places every recorded payload, with its app and workspace', () => {
    expect(classifyRequest(JSON_TYPE, JSON.stringify(slackFixture('url_verification')))).toMatchObject({ kind: 'url_verification' });
    expect(classifyRequest(JSON_TYPE, JSON.stringify(slackFixture('app_mention')))).toEqual({ kind: 'event', name: 'app_mention', appId: 'A0HELPBOT01', teamId: 'T0001ACME', enterprise: false });
    expect(classifyRequest(FORM, commandBody(slackFixture('slash_command')))).toEqual({ kind: 'command', name: '/ticket', appId: 'A0HELPBOT01', teamId: 'T0001ACME', enterprise: false });
    expect(classifyRequest(FORM, interactionBody(slackFixture('block_actions')))).toEqual({ kind: 'interaction', name: 'block_actions', appId: 'A0HELPBOT01', teamId: 'T0001ACME', enterprise: false });
    expect(classifyRequest(FORM, interactionBody(slackFixture('view_submission')))).toMatchObject({ kind: 'interaction', name: 'view_submission', teamId: 'T0001ACME' });
    expect(classifyRequest(FORM, 'ssl_check=1&token=x')).toMatchObject({ kind: 'ssl_check' });
  });

  it('parses a body exactly as Bolt does, so the requests the route acks reach Bolt as its own receiver would pass them', () => {
    const bodies: Array<[string, string]> = [
      [JSON_TYPE, JSON.stringify(slackFixture('app_mention'))],
      [FORM, commandBody(slackFixture('slash_command'))],
      [FORM, interactionBody(slackFixture('block_actions'))],
      [FORM, interactionBody(slackFixture('view_submission'))],
    ];
    for (const [contentType, raw] of bodies) {
      const asBolt = HTTPModuleFunctions.parseHTTPRequestBody({ rawBody: Buffer.from(raw), headers: { 'content-type': contentType } } as never);
      expect(readSlackRequest(contentType, raw)?.body).toEqual(asBolt);
    }
  });

  it('refuses what is none of Slack\'s', () => {
    expect(classifyRequest(JSON_TYPE, '{not json')).toBeNull();
    expect(classifyRequest(JSON_TYPE, '[]')).toBeNull();
    expect(classifyRequest(JSON_TYPE, JSON.stringify({ type: 'event_callback' }))).toBeNull();
    expect(classifyRequest(FORM, 'payload=%7Bbroken')).toBeNull();
    expect(classifyRequest(FORM, interactionBody({ type: 'dialog_submission' }))).toBeNull();
    expect(classifyRequest(`${FORM}; charset=utf-8`, commandBody(slackFixture('slash_command')))).toBeNull();
  });
});
