import { Writable } from 'node:stream';
import { createLogger } from '../../adapters/logging';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe('logs', () => {
  it('are JSON lines with a time, a level and the service', () => {
    const { lines, stream } = capture();
    createLogger('info', stream).info({ job: 'audit-verify' }, 'job completed');
    expect(lines[0]).toMatchObject({ level: 30, service: 'itsm-bot', job: 'audit-verify', msg: 'job completed' });
    expect(typeof lines[0]!.time).toBe('string');
  });

  it('never carry tokens, passwords, secrets or cookies', () => {
    const { lines, stream } = capture();
    createLogger('info', stream).info(
      {
        token: 'xoxb-secret',
        env: { SLACK_SIGNING_SECRET: 'sig', MICROSOFT_APP_PASSWORD: 'pw', PORT: 3978 },
        req: { headers: { authorization: 'Bearer abc', cookie: 'itsm_webchat=t' } },
        slack: { secret: 's', password: 'p' },
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['xoxb-secret', '"sig"', '"pw"', 'Bearer abc', 'itsm_webchat=t', '"s"', '"p"']) expect(text).not.toContain(secret);
    expect(text).toContain('3978');
  });

  it('respect the level', () => {
    const { lines, stream } = capture();
    const logger = createLogger('warn', stream);
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((line) => line.msg)).toEqual(['loud']);
  });
});
