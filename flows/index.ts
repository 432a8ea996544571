import type { Flow } from '../src/engine/flow';
import { helpFlow } from './help';

/**
 * The registry: every flow the bot runs, in the order `help` lists them. Adding a flow is one line here.
 * `help` comes last: it is also the fallback for anything no other flow claims.
 */
export const flows: readonly Flow<unknown>[] = [helpFlow as Flow<unknown>];
