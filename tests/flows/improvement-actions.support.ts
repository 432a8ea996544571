/**
 * Drives the improvement flow the way people would, event by event through the harness, with a fake web chat that
 * records what the notifier sent: shared by the improvement-actions tests.
 *
 * Who is who in the example organisation: Jamie (service desk, London) raises; Mei (Berlin) owns; her line manager
 * Lukas approves and checks effectiveness; George owns the improvement process (may decide too); Tom is Lukas's
 * manager; Fatima works in New York.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { improvementActionsFlow } from '../../flows/improvement-actions';
import { createImprovementRepository } from '../../flows/improvement-actions/improvement.repository';
import { DEFAULT_ORGANISATION_FILE } from '../../src/config/organisation';
import { createImprovement } from '../../src/domain/improvement';
import { organisationSchema, type Organisation } from '../../src/domain/organisation';
import type { Flow } from '../../src/engine/flow';
import type { Message } from '../../src/engine/message';
import { createHarness, type Harness } from '../support/harness';
import type { FileTree } from '../support/mothers';
import { as, buttonsOf, fakeWebchat, first, textOf } from './report-incident.support';

export { as, buttonsOf, first, textOf };

export const JAMIE = as('Jamie');
export const MEI = as('Mei');
export const LUKAS = as('Lukas');
export const GEORGE = as('George');
export const TOM = as('Tom');

/** A harness running the improvement flow, with the fake web chat registered (unless `reachable: false`). */
export async function improvementHarness(options: Parameters<typeof createHarness>[0] & { reachable?: boolean } = {}) {
  const { reachable = true, ...rest } = options;
  const harness = await createHarness({ flows: [improvementActionsFlow as Flow<unknown>], ...rest });
  const webchat = fakeWebchat();
  if (reachable) harness.services.notifier.register(webchat.transport);
  return Object.assign(harness, { webchat });
}
export type H = Awaited<ReturnType<typeof improvementHarness>>;

/** The example organisation file, edited before parsing (e.g. to add someone in Adelaide, or a ladder). */
export function exampleOrgWith(edit: (file: FileTree) => void): Organisation {
  const file = parse(readFileSync(DEFAULT_ORGANISATION_FILE, 'utf8')) as FileTree;
  edit(file);
  return organisationSchema.parse(file);
}

/** The form as a person fills it in: an improvement owned by Mei, due in three weeks. */
export const FORM = {
  title: 'Publish a VPN status page',
  description: 'People report the VPN down when it is their home Wi-Fi.',
  type: 'improvement',
  source: 'incident',
  sourceRef: 'inc-123',
  owner: 'Mei Chen',
  process: 'improvement',
  priority: 'medium',
  targetDate: '2026-03-20',
  nonconformity: '',
  correction: '',
  rootCause: '',
};

/** A corrective action's extra fields. */
export const CORRECTIVE = {
  type: 'corrective_action',
  source: 'audit_finding',
  sourceRef: '',
  nonconformity: 'Post-implementation reviews were skipped on 3 of 10 emergency changes.',
  correction: 'The 3 reviews were written.',
  rootCause: 'Changes could be closed without their review.',
};

/** Sends a form: the message's form filled with `values`, by `who`. */
export async function fill(h: Harness, message: Message | undefined, values: Record<string, unknown>, who = MEI) {
  const form = message?.form;
  if (!form) throw new Error(`no form in: ${textOf(message)}`);
  return h.send({ type: 'submit', form: form.id, values: values as never, ...(form.state ? { state: form.state } : {}) }, who);
}

/** Presses a button of this flow by name. */
export function press(h: Harness, action: string, value: string, who = MEI) {
  return h.send({ type: 'action', action: `improvement-actions:${action}`, value }, who);
}

/** The button with this action on a message, or a failure naming what there is. */
export function button(message: Message | undefined, action: string) {
  const found = buttonsOf(message).find((b) => b.action === `improvement-actions:${action}`);
  if (!found) throw new Error(`no ${action} button in: ${textOf(message)}`);
  return found;
}

/** Button names on a message (`done`, `snooze`…). */
export function buttonNames(message: Message | undefined): string[] {
  return buttonsOf(message).map((b) => b.action.replace('improvement-actions:', ''));
}

/** Opens the form and submits it; returns the outcome (the confirmation, or field errors). */
export async function draft(h: Harness, values: Record<string, unknown> = {}, who = JAMIE) {
  const opened = first(await h.send({ type: 'command', command: 'improve', args: '' }, who));
  return fill(h, opened, { ...FORM, ...values }, who);
}

/** Raises an entry end to end; returns its number. */
export async function raise(h: Harness, values: Record<string, unknown> = {}, who = JAMIE): Promise<string> {
  const confirmation = first(await draft(h, values, who));
  const outcome = await h.send({ type: 'action', action: button(confirmation, 'submit').action, value: button(confirmation, 'submit').value! }, who);
  const match = /IMP-\d{6}/.exec(first(outcome)?.summary ?? '');
  if (!match) throw new Error(`not raised: ${textOf(first(outcome))}`);
  return match[0];
}

/** Raises an entry and has Lukas (Mei's manager) approve it. */
export async function raiseApproved(h: Harness, values: Record<string, unknown> = {}): Promise<string> {
  const id = await raise(h, values);
  await press(h, 'approve', id, LUKAS);
  return id;
}

/** The stored entry, as the store holds it. */
export async function stored(h: Harness, id: string) {
  return (await h.services.store.collection('improvements').findOne({ id })) as unknown as Record<string, unknown> & { status: string; targetDate: string; version: number };
}

/** Audit actions of an entry, in order. */
export async function auditActions(h: Harness, id: string): Promise<string[]> {
  return (await h.services.audit.listForRecord('improvement', id)).map((e) => e.action);
}

/**
 * `count` entries due on `targetDate`, owned in turn by `owners` (person ids), stored as the repository stores them
 * without going through the forms: for sweeps over many entries. Returns their numbers.
 */
export async function seedEntries(h: Harness, count: number, targetDate: string, owners: readonly string[] = ['mei-chen', 'jamie-cole', 'fatima-rahman']): Promise<string[]> {
  const repo = createImprovementRepository(h.services);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const person = h.services.people.person(owners[i % owners.length]!)!;
    const owner = { id: person.id, name: person.name, email: person.email };
    const entry = createImprovement({ title: `Seeded action ${i + 1}`, owner, targetDate }, { number: await repo.nextNumber(), now: h.clock.now(), raisedBy: { ...owner, channel: 'webchat' }, timeZone: 'UTC' });
    await repo.create(entry, { intakeKey: `seeded-${i + 1}`, actor: { id: owner.id, name: owner.name } });
    ids.push(entry.id);
  }
  return ids;
}
