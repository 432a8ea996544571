import type { Env } from '../src/config/env';
import { OrganisationFileError } from '../src/config/organisation';
import { StoreUnavailableError } from '../src/store/ports';

/**
 * The one line an operator sees when start-up fails: what is wrong and how to fix it. Expected failures (a
 * broken organisation file, a locked or unreachable store, a port in use) say so plainly; anything else keeps
 * its own message.
 */
export function startupFailure(error: unknown, env: Pick<Env, 'PORT' | 'HOST'>): string {
  if (error instanceof OrganisationFileError || error instanceof StoreUnavailableError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `port ${env.PORT} on ${env.HOST} is already in use; stop what is using it or set PORT to another port`;
  if (code === 'EACCES') return `not allowed to listen on port ${env.PORT}; use a port above 1023 or run with the right to bind it`;
  if (code === 'EADDRNOTAVAIL') return `HOST ${env.HOST} is not an address of this machine; set HOST to one of its addresses or 0.0.0.0`;
  return error instanceof Error ? error.message : String(error);
}
