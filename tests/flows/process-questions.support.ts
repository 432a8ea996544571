/**
 * Drives the process-questions flow through the harness over a knowledge pack chosen by the test (the small
 * fixture pack by default), with the incident and help flows registered as in production.
 */
import { join } from 'node:path';
import { helpFlow } from '../../flows/help';
import { createProcessQuestionsFlow, fixedKnowledge, loadKnowledgeIndex, type KnowledgeIndex } from '../../flows/process-questions';
import { reportIncidentFlow } from '../../flows/report-incident';
import type { Flow } from '../../src/engine/flow';
import { silentLogger } from '../../src/engine/logger';
import { fakeWebchat } from './report-incident.support';
import { createHarness } from '../support/harness';

/** The small fixture pack: two policies, a restricted runbook, one broken and one headless file. */
export const MINI_PACK = join(__dirname, '..', 'fixtures', 'knowledge-mini');

/** The fixture pack's index. */
export function miniIndex(): KnowledgeIndex {
  return loadKnowledgeIndex(MINI_PACK, silentLogger);
}

/** A harness whose process-questions flow answers from `index`, with the fake web chat registered. */
export async function questionsHarness(index: KnowledgeIndex = miniIndex()) {
  const flows: Flow<unknown>[] = [reportIncidentFlow as Flow<unknown>, createProcessQuestionsFlow(fixedKnowledge(index)), helpFlow as Flow<unknown>];
  const harness = await createHarness({ flows });
  const webchat = fakeWebchat();
  harness.services.notifier.register(webchat.transport);
  return Object.assign(harness, { webchat });
}

/** A button of the process-questions flow on a message, or a failure naming what there is. */
export { as, buttonsOf, first, textOf } from './report-incident.support';
