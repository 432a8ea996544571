import {
  botWasAdded,
  conversationOf,
  envelopeProblem,
  identityOf,
  isPersonal,
  messageText,
  readExecute,
} from '../../../adapters/teams/parse-activity';
import {
  baseConversationId,
  channelConversationId,
  channelReference,
  decodeMessageRef,
  encodeMessageRef,
  personalReference,
  referenceFromAddress,
  TEAMS_GLOBAL_SERVICE_URL,
} from '../../../adapters/teams/conversation-references';
import { teamsFixture, type Payload } from './teams-fixtures';

const FAKE = 'http://127.0.0.1:9/emea/';

describe('reading Teams activities (recorded payloads)', () => {
  it('reads a personal message: its words, conversation and sender', () => {
    const activity = teamsFixture('message', FAKE);
    expect(envelopeProblem(activity)).toBeNull();
    expect(messageText(activity)).toBe('hello bot');
    expect(isPersonal(activity)).toBe(true);
    expect(conversationOf(activity)).toEqual({ channel: 'teams', id: activity.conversation.id, direct: true });
    expect(identityOf(activity)).toEqual({ channel: 'teams', userId: 'c3d4e5f6-a7b8-49c0-8d1e-2f3a4b5c6d7e', name: 'Alice Example', timeZone: 'Europe/Berlin' });
  });

  it('strips the bot’s @mention from a channel message and keeps the thread apart from the channel', () => {
    const activity = teamsFixture('message_channel_mention', FAKE);
    expect(messageText(activity)).toBe('status of ticket 42?');
    expect(conversationOf(activity)).toEqual({
      channel: 'teams',
      id: '19:3f1c5e7a9b2d4f6a8c0e2b4d6f8a0c2e@thread.tacv2',
      direct: false,
      threadId: '1732098011987',
    });
    expect(channelConversationId(activity)).toBe('19:3f1c5e7a9b2d4f6a8c0e2b4d6f8a0c2e@thread.tacv2');
  });

  it('keeps other people’s names when their mentions are removed', () => {
    const activity = teamsFixture('message_channel_mention', FAKE);
    activity.text = '<at>HelpBot</at> assign to <at>Tom Okafor</at>\u00a0please';
    activity.entities.push({ type: 'mention', text: '<at>Tom Okafor</at>', mentioned: { id: '29:tom', name: 'Tom Okafor' } });
    expect(messageText(activity)).toBe('assign to Tom Okafor please');
  });

  it('reads an Action.Execute invoke and refuses other invoke values', () => {
    const activity = teamsFixture('invoke_action_execute', FAKE);
    expect(readExecute(activity.value)).toEqual({ verb: 'approveTicket', data: { ticketId: '42', comment: 'Looks good to me' } });
    expect(readExecute({ action: { type: 'Action.Submit', verb: 'x' } })).toBeNull();
    expect(readExecute(undefined)).toBeNull();
  });

  it('recognises the bot being added in a conversationUpdate', () => {
    const activity = teamsFixture('conversation_update', FAKE);
    expect(botWasAdded(activity)).toBe(true);
    expect(botWasAdded({ ...activity, membersAdded: [{ id: '29:someone-else', name: '' }] })).toBe(false);
    expect(identityOf(activity).userId).toBe('c3d4e5f6-a7b8-49c0-8d1e-2f3a4b5c6d7e');
  });

  it('falls back to the channel account id when there is no AAD object id (the Emulator)', () => {
    const activity: Payload = { ...teamsFixture('message', FAKE), channelId: 'emulator', from: { id: 'user-1', name: 'User' }, conversation: { id: 'conv-1' } };
    expect(identityOf(activity)).toMatchObject({ userId: 'user-1', name: 'User' });
    expect(isPersonal(activity)).toBe(true);
  });

  it('names what is missing from an activity', () => {
    const { type: _type, ...untyped } = teamsFixture('message', FAKE);
    expect(envelopeProblem(untyped)).toBe('type is missing');
    expect(envelopeProblem({ ...teamsFixture('message', FAKE), conversation: {} })).toBe('conversation.id is missing');
    expect(envelopeProblem({ ...teamsFixture('message', FAKE), serviceUrl: 'ftp://x' })).toBe('serviceUrl must be an http(s) URL');
    expect(envelopeProblem([1, 2])).toMatch(/^activity /);
  });
});

describe('conversation references', () => {
  it('saves a person’s chat without a message id, and a channel without its thread or user', () => {
    const personal = personalReference(teamsFixture('message', FAKE));
    expect(personal).toMatchObject({ channelId: 'msteams', serviceUrl: FAKE, conversation: { conversationType: 'personal' }, user: { aadObjectId: 'c3d4e5f6-a7b8-49c0-8d1e-2f3a4b5c6d7e' } });
    expect(personal).not.toHaveProperty('activityId');
    const channel = channelReference(teamsFixture('message_channel_mention', FAKE), '19:3f1c5e7a9b2d4f6a8c0e2b4d6f8a0c2e@thread.tacv2');
    expect(channel.conversation).toMatchObject({ id: '19:3f1c5e7a9b2d4f6a8c0e2b4d6f8a0c2e@thread.tacv2' });
    expect(channel).not.toHaveProperty('user');
  });

  it('reaches a team channel it never heard from through the global service URL', () => {
    expect(referenceFromAddress({ conversationId: '19:abc@thread.tacv2' }, { appId: 'app-1' })).toMatchObject({
      channelId: 'msteams',
      serviceUrl: TEAMS_GLOBAL_SERVICE_URL,
      conversation: { id: '19:abc@thread.tacv2' },
      bot: { id: '28:app-1' },
    });
    expect(() => referenceFromAddress({ something: 'else' }, { appId: 'a' })).toThrow('a Teams address needs');
  });

  it('round-trips a message reference for updates, and refuses others', () => {
    const reference = personalReference(teamsFixture('message', FAKE));
    const ref = encodeMessageRef(reference, 'activity-7');
    expect(decodeMessageRef(ref)).toMatchObject({ activityId: 'activity-7', reference: { serviceUrl: FAKE } });
    expect(() => decodeMessageRef({ channel: 'slack', ref: 'C1:1' })).toThrow('not a Teams message reference');
    expect(() => decodeMessageRef({ channel: 'teams', ref: '{' })).toThrow('not valid JSON');
    expect(baseConversationId('19:a@thread.tacv2;messageid=1')).toBe('19:a@thread.tacv2');
  });
});

describe('reading untidy activities', () => {
  it('needs a sender and well-formed entities', () => {
    const { from: _from, ...anonymous } = teamsFixture('message', FAKE);
    expect(envelopeProblem(anonymous)).toBe('from is missing');
    expect(envelopeProblem({ ...teamsFixture('message', FAKE), entities: [{ text: 'no type' }] })).toMatch(/^entities\.0\.type /);
  });

  it('strips the mention without changing the activity, and copes with odd mentions and no text', () => {
    const activity = teamsFixture('message_channel_mention', FAKE);
    activity.entities.push({ type: 'mention', text: '<at>Nobody</at>' });
    expect(messageText(activity)).toBe('status of ticket 42?');
    expect(activity.text).toBe('<at>HelpBot</at> status of ticket 42?');
    const { text: _text, ...noText } = activity;
    expect(messageText(noText)).toBe('');
  });
});
