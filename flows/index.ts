import type { Flow } from '../src/engine/flow';
import { helpFlow } from './help';
import { processQuestionsFlow } from './process-questions';
import { reportIncidentFlow } from './report-incident';
import { improvementActionsFlow } from './improvement-actions';
import { requestChangeFlow } from './request-change';

/**
 * The registry: every flow the bot runs, in the order `help` lists them. Adding a flow is one line here.
 * `help` comes last: it is also the fallback for anything no other flow claims.
 */
export const flows: readonly Flow<unknown>[] = [reportIncidentFlow as Flow<unknown>, requestChangeFlow as Flow<unknown>, improvementActionsFlow as Flow<unknown>, processQuestionsFlow, helpFlow as Flow<unknown>];
