/**
 * Raising: the form, the confirmation (with who will approve), and the idempotent submit that raises `IMP-…`,
 * sends the approver's card, tells the owner when someone else raised it, and answers the requester. The draft
 * lives in conversation state; its id keys the submission, so a double click, a redelivery or a replayed
 * confirmation raises at most one entry (the same machinery as the change flow's intake).
 */
import { randomUUID } from 'node:crypto';
import { localIsoDate } from '../../src/domain/dates';
import { isDomainError } from '../../src/domain/errors';
import { createImprovement, type Improvement } from '../../src/domain/improvement';
import { canonicalRecordNumber } from '../../src/domain/records';
import type { ActionEvent, CommandEvent, InboundEvent, SubmitEvent } from '../../src/engine/events';
import type { Reply, Turn } from '../../src/engine/flow';
import { textMessage } from '../../src/engine/message';
import type { Services } from '../../src/engine/services';
import { DuplicateKeyError } from '../../src/store/ports';
import { auditActor, personRef } from '../shared/actors';
import { cardFor, keepRefs, sendOnce } from './cards';
import { KEYS, PURPOSES } from './improvement-actions.ids';
import { approverIntro, confirmationMessage, ownerIntro, raiseForm, receiptMessage, TEXT, usedMessage } from './improvement-actions.messages';
import { checkRaise, draftSchema, newImprovementOf, type Draft, type ImprovementState } from './improvement-actions.state';
import { createImprovementRepository, type StoredImprovement } from './improvement.repository';
import { approverOf, managerFor, nameOf, refOf } from './roles';

type StateTurn<E extends InboundEvent> = Turn<E, ImprovementState>;

/** What the submission's idempotency record keeps: the number it raised. */
interface Submission {
  improvementId: string;
}

/** `improve [title]`: the form, under a new draft id (an earlier confirmation goes stale). */
export async function startRaise(turn: StateTurn<CommandEvent>): Promise<Reply> {
  const title = turn.event.args.trim();
  return openForm(turn, title ? { title } : undefined);
}

const SOURCE_OF_PREFIX = { 'INC-': 'incident', 'CHG-': 'change', 'PRB-': 'problem' } as const;

/** "Raise improvement" on an incident, change or problem: the form with that record as the source. */
export async function raiseFromRecord(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const ref = canonicalRecordNumber(turn.event.value ?? '');
  const prefix = ref ? (Object.keys(SOURCE_OF_PREFIX) as (keyof typeof SOURCE_OF_PREFIX)[]).find((p) => ref.startsWith(p)) : undefined;
  if (!ref || !prefix) return startRaise({ ...turn, event: { ...turn.event, type: 'command', command: 'improve', args: '' } });
  return openForm(turn, { source: SOURCE_OF_PREFIX[prefix], sourceRef: ref });
}

async function openForm(turn: StateTurn<InboundEvent>, draft?: Partial<Draft>): Promise<Reply> {
  const draftId = draft?.id ?? randomUUID();
  await turn.state.save({ form: { draftId } });
  return { messages: [raiseForm(turn.services.org, draftId, localIsoDate(turn.now, turn.actor.timeZone), draft)] };
}

/** The entry a draft would become (its number a placeholder: nothing is stored), or field errors. */
function preview(turn: Turn, draft: Omit<Draft, 'id'>, number = 1): { improvement: Improvement } | { errors: Record<string, string> } {
  const { services, actor, event, now } = turn;
  const manager = managerFor(services, draft.owner);
  try {
    const improvement = createImprovement(newImprovementOf(draft, services.org), {
      number,
      now,
      raisedBy: { ...personRef(actor), channel: event.conversation.channel },
      timeZone: actor.timeZone,
      ...(manager ? { manager: refOf(manager) } : {}),
    });
    return { improvement };
  } catch (error) {
    if (!isDomainError(error, 'invalid_input')) throw error;
    const fields = (error.details?.fields ?? []) as ReadonlyArray<{ path: string; message: string }>;
    return { errors: fields.length > 0 ? Object.fromEntries(fields.map((f) => [f.path, f.message])) : { title: error.message } };
  }
}

async function submitted(turn: Turn, draftId: string): Promise<Submission | null> {
  const record = await turn.services.idempotency.get(KEYS.submission(draftId));
  return record?.state === 'done' ? (record.result as Submission) : null;
}

/** The form came back: check it, then show what will be submitted and who approves it. */
export async function reviewRaise(turn: StateTurn<SubmitEvent>): Promise<Reply> {
  const { services, actor, now } = turn;
  const draftId = draftSchema.shape.id.safeParse(turn.event.state);
  if (draftId.success) {
    const done = await submitted(turn, draftId.data);
    if (done) return { messages: [textMessage(TEXT.alreadySubmitted(done.improvementId))] };
  }
  const today = localIsoDate(now, actor.timeZone);
  const checked = checkRaise(turn.event.values, services.org, today);
  if ('errors' in checked) return { errors: checked.errors };
  const previewed = preview(turn, checked.draft);
  if ('errors' in previewed) return { errors: previewed.errors };
  const draft: Draft = { ...checked.draft, id: draftId.success ? draftId.data : randomUUID() };
  await turn.state.save({ draft });
  const approver = approverOf(services, previewed.improvement);
  return { messages: [confirmationMessage(services.org, previewed.improvement, approver ? nameOf(services, approver) : undefined, draft.id, today)] };
}

/** Edit: the form again with the draft's values, keeping its id. */
export async function editDraft(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const state = await turn.state.load();
  if (!state?.draft || state.draft.id !== turn.event.value) return { messages: [textMessage(TEXT.stale)] };
  return openForm(turn, state.draft);
}

/** Cancel: forget the draft. */
export async function cancelDraft(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const state = await turn.state.load();
  if (state?.draft?.id === turn.event.value) await turn.state.clear();
  return { update: usedMessage(TEXT.cancelled), messages: [textMessage(TEXT.cancelled)] };
}

/** Creates the entry for a draft: counter, insert, audit. A retry after a crash finds the first entry. */
async function raise(turn: StateTurn<ActionEvent>, draft: Draft): Promise<Submission> {
  const { services, actor } = turn;
  const repo = createImprovementRepository(services);
  const existing = await repo.findByIntakeKey(draft.id);
  if (existing) return { improvementId: existing.record.id };
  const built = preview(turn, draft, await repo.nextNumber());
  if ('errors' in built) throw new Error(`a checked draft no longer builds: ${Object.values(built.errors).join('; ')}`);
  try {
    await repo.create(built.improvement, { intakeKey: draft.id, actor: auditActor(actor) });
  } catch (error) {
    const raced = error instanceof DuplicateKeyError ? await repo.findByIntakeKey(draft.id) : null;
    if (raced) return { improvementId: raced.record.id };
    throw error;
  }
  return { improvementId: built.improvement.id };
}

/**
 * The approver's card (once per entry and person), and the owner's card when someone else raised it; where each
 * went is kept on the entry so later answers refresh them in place. Safe to call again: keys stop repeats.
 */
export async function announce(services: Services, stored: StoredImprovement): Promise<StoredImprovement> {
  const entry = stored.record;
  const refs = [];
  const approver = approverOf(services, entry);
  if (entry.status === 'proposed' && approver) {
    const card = cardFor(services, entry, approver, approverIntro(entry, 'approve'));
    refs.push(...(await sendOnce(services, stored, approver, card, KEYS.approvalCard(entry.id, approver), PURPOSES.approval)).refs);
  } else if (!approver) {
    services.logger.warn({ improvement: entry.id }, 'nobody but the owner may approve this improvement');
  }
  if (entry.owner.id !== entry.raisedBy.id) {
    const card = cardFor(services, entry, entry.owner.id, ownerIntro(entry));
    refs.push(...(await sendOnce(services, stored, entry.owner.id, card, KEYS.ownerCard(entry.id, entry.owner.id), PURPOSES.owner)).refs);
  }
  return keepRefs(services, stored, refs, 'improvement.cards_sent', { cards: refs.length });
}

/** "Submit": at most once per draft, whatever double clicks, retries or replicas do. */
export async function submitDraft(turn: StateTurn<ActionEvent>): Promise<Reply> {
  const { services, now } = turn;
  const draftId = turn.event.value ?? '';
  const repo = createImprovementRepository(services);
  const earlier = draftSchema.shape.id.safeParse(draftId).success ? await submitted(turn, draftId) : null;
  if (earlier) {
    await announce(services, await repo.get(earlier.improvementId));
    return { update: usedMessage(TEXT.submitted(earlier.improvementId)), messages: [textMessage(TEXT.alreadySubmitted(earlier.improvementId))] };
  }
  const state = await turn.state.load();
  const draft = state?.draft;
  if (!draft || draft.id !== draftId) return { messages: [textMessage(TEXT.stale)] };
  // Checked again now: the day may have turned since the confirmation was shown.
  const previewed = preview(turn, draft);
  if ('errors' in previewed) return { messages: [textMessage(Object.values(previewed.errors).join(' '))] };
  const once = await services.idempotency.once(KEYS.submission(draft.id), () => raise(turn, draft), { now, leaseMs: 60_000 });
  if (!once.result) return { messages: [textMessage(TEXT.stillSaving)] };
  const stored = await announce(services, await repo.get(once.result.improvementId));
  await turn.state.clear();
  const used = usedMessage(TEXT.submitted(stored.record.id));
  if (!once.fresh) return { update: used, messages: [textMessage(TEXT.alreadySubmitted(stored.record.id))] };
  const approver = approverOf(services, stored.record);
  return { update: used, messages: [receiptMessage(stored.record, approver ? nameOf(services, approver) : undefined)] };
}
