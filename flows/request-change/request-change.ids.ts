/**
 * Ids of the change flow in one place: the flow id prefixes every button and form (`request-change:approve`), so
 * an id is never typed twice; the limits are shared by the forms and their checks.
 */
import { actionId, type ActionId } from '../../src/engine/message';

/** The flow's id. */
export const FLOW_ID = 'request-change';

/** Buttons of the flow. */
export const ACTIONS = {
  type: 'type',
  edit: 'edit',
  submit: 'submit',
  cancel: 'cancel',
  approve: 'approve',
  reject: 'reject',
  ask: 'ask',
  withdraw: 'withdraw',
  view: 'view',
  started: 'started',
  done: 'done',
  failed: 'failed',
  review: 'review',
  reply: 'reply',
} as const;

/** Forms of the flow. */
/** `details` is the normal change's form, `emergency` the emergency change's: the type comes back with the form. */
export const FORMS = { details: 'details', emergency: 'emergency', standard: 'standard', reject: 'reject', ask: 'ask', done: 'done', failed: 'failed', review: 'review', reply: 'reply' } as const;

/** `request-change:<name>` for a button or form of this flow. */
export function id(name: string): ActionId {
  return actionId(FLOW_ID, name);
}

/** Limits of the forms, shared by the inputs and their checks. */
export const LIMITS = { title: 150, description: 4000, reason: 2000, plan: 4000, comment: 2000, link: 40 } as const;

/** The longest change window accepted: longer work is several changes (and the clash query stays bounded). */
export const MAX_WINDOW_DAYS = 14;

/** Idempotency keys, derived from the records they guard so a retry or a second replica finds the same key. */
export const KEYS = {
  submission: (draftId: string) => `change:submit:${draftId}`,
  approvalCard: (changeId: string, personId: string) => `change:${changeId}:approval-card:to:${personId}`,
  requesterNote: (changeId: string, version: number) => `change:${changeId}:v${version}:to:requester`,
  question: (changeId: string, personId: string, n: number) => `change:${changeId}:question:${personId}:${n}`,
  answer: (changeId: string, personId: string, n: number) => `change:${changeId}:answer:${personId}:${n}`,
  implementerNudge: (changeId: string) => `change:${changeId}:implementer-nudge`,
  reviewRequest: (changeId: string) => `change:${changeId}:review-request`,
  reviewNudge: (changeId: string, day: string) => `change:${changeId}:review-nudge:${day}`,
};
