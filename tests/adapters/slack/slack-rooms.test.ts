import { SLACK_CHANNEL_NAME_MAX, slackChannelName, slackUserIds } from '../../../adapters/slack/slack-rooms';

describe('Slack rooms: channel names and members', () => {
  it('lower-cases, keeps only letters, digits, hyphens and underscores, and folds accents', () => {
    expect(slackChannelName('INC-000123 VPN down in Zürich (Lyon too)!')).toBe('inc-000123-vpn-down-in-zurich-lyon-too');
    expect(slackChannelName('inc-000007-<!here> @channel')).toBe('inc-000007-here-channel');
    expect(slackChannelName('!!!')).toBe('room');
  });

  it('stays within 80 characters, keeping a suffix whole and no trailing hyphen', () => {
    const long = `inc-000123-${'word-'.repeat(30)}`;
    expect(slackChannelName(long).length).toBeLessThanOrEqual(SLACK_CHANNEL_NAME_MAX);
    expect(slackChannelName(`${long}x`, '-2')).toBe(`inc-000123-${'word-'.repeat(13)}wo-2`);
    expect(slackChannelName(long)).not.toMatch(/-$/);
    const suffixed = slackChannelName(long, '-10');
    expect(suffixed.length).toBeLessThanOrEqual(SLACK_CHANNEL_NAME_MAX);
    expect(suffixed).toMatch(/-10$/);
  });

  it('invites by the saved Slack user id, else the organisation file’s, once each', () => {
    expect(slackUserIds([{ personId: 'a', userId: 'U0AAAAAA1', slackUserId: 'U0AAAAAA1' }, { personId: 'b', slackUserId: 'U0BBBBBB2' }, { personId: 'c', email: 'c@x.example' }, { personId: 'a', userId: 'U0AAAAAA1' }])).toEqual([
      'U0AAAAAA1',
      'U0BBBBBB2',
    ]);
  });
});
