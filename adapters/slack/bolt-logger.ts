import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/engine/logger';

/**
 * Bolt's, the WebClient's and the Socket Mode client's log lines, into the bot's structured logger. They log
 * strings in several parts; those are joined. Bolt's own info lines (a request for an unknown path, a reconnect)
 * are operational detail, so they go out at debug.
 */
export function boltLogger(logger: Logger, name = 'slack'): BoltLogger {
  let level: LogLevel = LogLevel.DEBUG;
  const child = logger.child({ component: name });
  const line = (parts: unknown[]) =>
    parts.map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  return {
    debug: (...parts: unknown[]) => child.debug(line(parts)),
    info: (...parts: unknown[]) => child.debug(line(parts)),
    warn: (...parts: unknown[]) => child.warn(line(parts)),
    error: (...parts: unknown[]) => child.error(line(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
