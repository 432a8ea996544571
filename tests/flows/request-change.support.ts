/**
 * Drives the change flow the way people would, event by event through the harness, with a fake web chat that
 * records what the notifier sent: shared by the request-change tests.
 */
import type { Harness } from '../support/harness';
import type { Message } from '../../src/engine/message';
import { as, buttonsOf, fakeWebchat, first, textOf } from './report-incident.support';
import { createHarness } from '../support/harness';

export { as, buttonsOf, first, textOf };

/** A harness with the fake web chat transport registered, and who is who in the example organisation. */
export async function changeHarness() {
  const harness = await createHarness();
  const webchat = fakeWebchat();
  harness.services.notifier.register(webchat.transport);
  return Object.assign(harness, { webchat });
}

export const REQUESTER = as('Nina'); // not on the CAB
export const PRIYA = as('Priya'); // CAB
export const LUKAS = as('Lukas'); // CAB and change manager

export function button(message: Message | undefined, action: string) {
  const found = buttonsOf(message).find((b) => b.action === `request-change:${action}`);
  if (!found) throw new Error(`no ${action} button in: ${textOf(message)}`);
  return found;
}

/** Risk answers scoring the most (high risk: the CAB decides) or the least on every question. */
export function riskAnswers(h: Harness, level: 'highest' | 'lowest'): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const q of h.services.org.changes.riskQuestions) {
    const sorted = [...q.options].sort((a, b) => a.score - b.score);
    answers[`risk.${q.id}`] = (level === 'highest' ? sorted.at(-1) : sorted[0])!.value;
  }
  return answers;
}

export const DETAILS = {
  title: 'Patch the payroll database servers',
  services: ['payroll'],
  reason: 'Security patches from the vendor (CVE fixes).',
  description: 'Monthly cumulative update on both database nodes.',
  plannedStart: '2026-03-07T10:00',
  plannedEnd: '2026-03-07T12:00',
  implementationPlan: 'Fail over to node B, patch node A, fail back, patch node B.',
  backoutPlan: 'Uninstall the update and restore the VM snapshots taken before.',
  testPlan: 'Run the payroll smoke test.',
  implementer: '',
  linked: '',
};

/** Opens the normal change form and submits it; returns the confirmation. */
export async function draftNormal(h: Harness, values: Record<string, unknown>) {
  const choice = first(await h.send({ type: 'command', command: 'change', args: '' }, REQUESTER));
  const normal = buttonsOf(choice).find((b) => b.value === 'normal')!;
  const opened = first(await h.send({ type: 'action', action: normal.action, value: 'normal' }, REQUESTER));
  const form = opened?.form;
  if (!form) throw new Error(`no form: ${textOf(opened)}`);
  return h.send({ type: 'submit', form: form.id, values: values as never, ...(form.state ? { state: form.state } : {}) }, REQUESTER);
}

export async function raiseNormal(h: Harness, risk: 'highest' | 'lowest' = 'highest'): Promise<string> {
  const confirmation = first(await draftNormal(h, { ...DETAILS, ...riskAnswers(h, risk) }));
  const submit = button(confirmation, 'submit');
  const outcome = await h.send({ type: 'action', action: submit.action, value: submit.value! }, REQUESTER);
  const match = /CHG-\d{6}/.exec(first(outcome)?.summary ?? '');
  if (!match) throw new Error(`not raised: ${textOf(first(outcome))}`);
  return match[0];
}


/** The change's stored record, as the store holds it. */
export async function storedChange(h: Harness, changeId: string) {
  return (await h.services.store.collection('changes').findOne({ id: changeId })) as unknown as Record<string, unknown> & { status: string };
}

/** Approves a change with enough CAB votes (Priya and Lukas). */
export async function approveByCab(h: Harness, changeId: string): Promise<void> {
  for (const who of [PRIYA, LUKAS]) await h.send({ type: 'action', action: 'request-change:approve', value: changeId }, who);
}
