import { fixedTokenCredentials, startTokenIssuer, type TokenIssuer } from '../../support/token-issuer';
import { cardsOf, cardText, startTeamsRig, type TeamsRig } from './teams-harness';

const APP_ID = '5f0c6a8e-1d2b-4c3a-9e8f-7a6b5c4d3e2f';

/**
 * `/api/messages` with MICROSOFT_APP_ID set: botbuilder verifies every request's token against the OpenID
 * metadata and keys of a local issuer (botbuilder's endpoint settings point at it), and signs its own calls to
 * the connector with a fixed test token.
 */
describe('Teams adapter with JWT verification', () => {
  let issuer: TokenIssuer;
  let rig: TeamsRig;
  let consoleError: jest.SpyInstance;

  beforeAll(async () => {
    // botbuilder writes refused tokens to console.error itself; the adapter logs its own structured line.
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    issuer = await startTokenIssuer(APP_ID);
    rig = await startTeamsRig({
      env: { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'not-used-by-the-fixed-credentials', MICROSOFT_APP_TYPE: 'MultiTenant' },
      settings: issuer.settings,
      credentialsFactory: fixedTokenCredentials(APP_ID, 'outbound-test-token'),
    });
  });
  afterAll(async () => {
    await rig.close();
    await issuer.close();
    consoleError.mockRestore();
  });

  function message(text = 'help') {
    return rig.activity('message', { text });
  }

  function bearer(claims: Record<string, unknown> = {}, key?: 'trusted' | 'unknown' | 'forged') {
    return { authorization: `Bearer ${issuer.token({ serviceurl: rig.connector.serviceUrl, ...claims }, key ? { key } : {})}` };
  }

  it('says which mode it runs in', () => {
    expect(rig.adapter.mode).toBe('jwt');
    expect(rig.harness.logger.lines.find((line) => line.msg?.includes('verifies Bot Framework tokens'))?.obj).toMatchObject({ appId: APP_ID });
  });

  it('accepts a valid token, and signs its replies with its own credentials', async () => {
    const activity = message();
    const answer = await rig.post(activity, bearer());
    expect(answer.status).toBe(200);
    const reply = await rig.connector.waitFor((call) => call.kind === 'reply' && call.activityId === activity.id);
    expect(reply.authorization).toBe('Bearer outbound-test-token');
    expect(cardText(cardsOf(reply)[0])).toContain('What I can do');
  });

  it.each([
    ['no token', () => ({})],
    ['a wrong audience', () => bearer({ aud: 'someone-else' })],
    ['a serviceurl claim for another service', () => bearer({ serviceurl: 'https://smba.trafficmanager.net/emea/' })],
    ['an expired token', () => bearer({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 })],
    ['a wrong issuer', () => bearer({ iss: 'https://evil.example' })],
    ['a key the channel does not publish', () => bearer({}, 'unknown')],
    ['a token forged with another key under the channel key’s id', () => bearer({}, 'forged')],
    ['a header that is not a bearer token', () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
  ])('refuses %s with 401, and runs no turn', async (_case, headers) => {
    const before = rig.connector.calls.length;
    const effects = rig.effects.length;
    const answer = await rig.post(message('echo should not run'), headers());
    expect(answer).toEqual({ status: 401, body: { error: 'unauthorized' } });
    expect(rig.effects.length).toBe(effects);
    expect(rig.connector.calls.length).toBe(before);
  });

  it('keeps serving after refusing, and lets other machines in (the token is the guard)', async () => {
    const activity = message('echo still here');
    expect((await rig.post(activity, bearer())).status).toBe(200);
    await rig.connector.waitFor((call) => call.activityId === activity.id);
    expect(rig.harness.logger.lines.some((line) => line.level === 'warn' && line.msg?.includes('token is not valid'))).toBe(true);
    expect(JSON.stringify(rig.harness.logger.lines)).not.toContain('outbound-test-token');
  });
});
