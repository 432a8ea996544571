import { retryAfterMs, statusOf, TeamsThrottledError, withThrottling } from '../../../adapters/teams/teams-transport';

/** An error shaped like the connector's RestError for an HTTP answer. */
function restError(status: number, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`status ${status}`), {
    statusCode: status,
    response: { status, headers: { get: (name: string) => headers[name.toLowerCase()] } },
  });
}

describe('waiting out Teams throttling', () => {
  it('reads the wait from Retry-After in seconds, as a date, or in milliseconds', () => {
    expect(retryAfterMs(restError(429, { 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(restError(429, { 'retry-after': 'Wed, 25 Nov 2026 10:00:05 GMT' }), Date.parse('Wed, 25 Nov 2026 10:00:00 GMT'))).toBe(5000);
    expect(retryAfterMs(restError(429, { 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(restError(429))).toBeUndefined();
    expect(retryAfterMs(new Error('no response'))).toBeUndefined();
    expect(statusOf(restError(503))).toBe(503);
    expect(statusOf('nothing')).toBeUndefined();
  });

  it('retries a 429 after the wait asked for, a bounded number of times', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withThrottling(
      async () => {
        calls += 1;
        if (calls < 3) throw restError(429, { 'retry-after': '2' });
        return 'sent';
      },
      { attempts: 3, sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('sent');
    expect(waits).toEqual([2000, 2000]);

    calls = 0;
    await expect(withThrottling(async () => {
      calls += 1;
      throw restError(429);
    }, { attempts: 4, sleep: async (ms) => void waits.push(ms) })).rejects.toBeInstanceOf(TeamsThrottledError);
    expect(calls).toBe(4);
    expect(waits.slice(2)).toEqual([1000, 2000, 4000]);
  });

  it('gives up at once when Teams asks for a longer wait than allowed, and passes other errors through', async () => {
    let calls = 0;
    const throttled = withThrottling(async () => {
      calls += 1;
      throw restError(429, { 'retry-after': '120' });
    }, { maxWaitMs: 30_000, sleep: async () => undefined });
    await expect(throttled).rejects.toMatchObject({ code: 'teams_throttled', retryAfterMs: 120_000 });
    expect(calls).toBe(1);
    await expect(withThrottling(async () => {
      throw restError(403);
    })).rejects.toThrow('status 403');
  });
});
