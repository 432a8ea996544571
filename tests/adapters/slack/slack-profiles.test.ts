import { createSlackProfiles } from '../../../adapters/slack/slack-profiles';
import { createHarness, type Harness } from '../../support/harness';

describe('Slack profiles (users.info, cached in memory and in the store)', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(() => harness.close());

  function fakeClient(answers: Array<Record<string, unknown> | Error>) {
    const asked: string[] = [];
    const client = {
      users: {
        info: async ({ user }: { user: string }) => {
          asked.push(user);
          const next = answers.shift();
          if (next instanceof Error || !next) throw next ?? new Error('no answer');
          return next;
        },
      },
    };
    return { asked, client: client as never };
  }

  it('asks Slack once, then answers from memory, then from the store, and falls back when Slack fails', async () => {
    const { asked, client } = fakeClient([
      { ok: true, user: { id: 'U1', name: 'sam', real_name: 'Sam Real', tz: 'Not/AZone', profile: { display_name: '', real_name: 'Sam Real', email: 'sam@example.com' } } },
      new Error('slack is down'),
    ]);
    const options = { client, store: harness.services.store, now: () => harness.clock.now(), logger: harness.logger };
    const profiles = createSlackProfiles(options);
    const sam = { channel: 'slack', userId: 'U1', name: 'Sam Real', email: 'sam@example.com' };
    expect(await profiles.identify('U1')).toEqual(sam);
    expect(await profiles.identify('U1')).toEqual(sam);
    // Another process (no memory) reads the stored profile.
    expect(await createSlackProfiles({ ...options, memoryTtlMs: 0 }).identify('U1')).toEqual(sam);
    // A day later the store is stale; Slack fails; the stale profile still serves.
    harness.clock.advance(25 * 60 * 60 * 1000);
    expect(await createSlackProfiles({ ...options, memoryTtlMs: 0 }).identify('U1')).toEqual(sam);
    expect(asked).toEqual(['U1', 'U1']);
    expect(await profiles.identify('U2')).toEqual({ channel: 'slack', userId: 'U2' });
  });
});
