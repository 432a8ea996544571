import pino from 'pino';
import type { Logger } from '../src/engine/logger';

/** Paths pino removes from every log line: tokens, secrets and credentials never reach the logs. */
const REDACT = [
  'token', 'password', 'secret', 'authorization', 'cookie',
  '*.token', '*.password', '*.secret', '*.authorization', '*.cookie',
  'headers.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie',
  'env.SLACK_BOT_TOKEN', 'env.SLACK_SIGNING_SECRET', 'env.SLACK_APP_TOKEN', 'env.MICROSOFT_APP_PASSWORD', 'env.WEBCHAT_TOKEN',
];

/** Structured JSON logs (pino) at the given level, to stdout (or the given stream). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'itsm-bot' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err },
  };
  return (destination ? pino(options, destination) : pino(options)) as unknown as Logger;
}
