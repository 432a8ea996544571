/**
 * Ids of the improvement flow in one place: the flow id prefixes every button and form
 * (`improvement-actions:done`), so an id is never typed twice; the limits are shared by the forms and their checks;
 * the idempotency keys are derived from the records they guard, so a retry or a second replica finds the same key.
 */
import { actionId, type ActionId } from '../../src/engine/message';

/** The flow's id. */
export const FLOW_ID = 'improvement-actions';

/** Buttons of the flow. */
export const ACTIONS = {
  submit: 'submit',
  edit: 'edit',
  cancel: 'cancel',
  approve: 'approve',
  reject: 'reject',
  progress: 'progress',
  done: 'done',
  defer: 'defer',
  snooze: 'snooze',
  effective: 'effective',
  notEffective: 'not-effective',
  /** From another record's card: the form with that record as the source (flows/shared/raise-improvement.ts). */
  raise: 'raise',
} as const;

/** Forms of the flow. */
export const FORMS = { raise: 'raise', reject: 'reject', progress: 'progress', done: 'done', defer: 'defer', notEffective: 'not-effective' } as const;

/** `improvement-actions:<name>` for a button or form of this flow. */
export function id(name: string): ActionId {
  return actionId(FLOW_ID, name);
}

/** Limits of the forms, shared by the inputs and their checks. */
export const LIMITS = { title: 150, description: 4000, text: 2000, note: 2000 } as const;

/** Where the bot's posts about an entry are kept on the record (`messages[].purpose`), to refresh them in place. */
export const PURPOSES = { approval: 'approval-card', owner: 'owner-card', verify: 'verify-card' } as const;

/** Idempotency keys. */
export const KEYS = {
  submission: (draftId: string) => `improvement:submit:${draftId}`,
  approvalCard: (id: string, personId: string) => `improvement:${id}:approval-card:to:${personId}`,
  ownerCard: (id: string, personId: string) => `improvement:${id}:owner-card:to:${personId}`,
  /** Once per completion (an entry sent back and done again asks again). */
  verifyCard: (id: string, personId: string, completedAt: Date) => `improvement:${id}:verify-card:${completedAt.toISOString()}:to:${personId}`,
  decisionNote: (id: string, version: number, personId: string) => `improvement:${id}:v${version}:to:${personId}`,
  /** One nudge per (entry, target date, stage, person): a deferral (new date) starts the ladder again. */
  nudge: (id: string, targetDate: string, stage: string, personId: string) => `improvement:${id}:${targetDate}:${stage}:to:${personId}`,
};
