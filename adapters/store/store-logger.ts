/**
 * What the stores log through: the warn/info part of the engine's logging port (pino in production). The stores
 * log operational facts only (a stale lock taken over, a torn line skipped) — never documents or credentials.
 */
import type { Logger } from '../../src/engine/logger';

export type StoreLogger = Pick<Logger, 'info' | 'warn'>;

/** Used when the caller passes no logger: warnings still reach stderr, one line each. */
export const stderrStoreLogger: StoreLogger = {
  info: () => undefined,
  warn: (obj: object | string, msg?: string) => {
    const text = typeof obj === 'string' ? obj : `${msg ?? ''} ${JSON.stringify(obj)}`;
    process.stderr.write(`[store] ${text}\n`);
  },
};
