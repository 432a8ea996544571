/**
 * Store access for questions and knowledge gaps: the only file of the flow that speaks the document port. Records
 * are validated with the domain schemas both ways, and every write appends an audit event (clause 7.6) so an
 * auditor sees what was asked, what the bot answered from, what helped and what the owners answered.
 */
import type { AuditActor } from '../../src/domain/audit';
import { notFound } from '../../src/domain/errors';
import { knowledgeGapSchema, processQuestionSchema, type KnowledgeGap, type ProcessQuestion } from '../../src/domain/question';
import type { Services } from '../../src/engine/services';
import { COLLECTIONS } from '../../src/store/collections';
import type { Doc } from '../../src/store/ports';
import { KNOWLEDGE_CLAUSE } from './process-questions.ids';

interface GapDoc extends Doc {
  /** When the asker sent the gap to its owner (kept beside the record; the domain has no field for it). */
  ownerAskedAt?: Date;
}

/** A gap as loaded, with whether its owner was asked already. */
export interface StoredGap {
  gap: KnowledgeGap;
  ownerAskedAt?: Date;
}

function gapSnapshot(gap: KnowledgeGap): Record<string, unknown> {
  return { status: gap.status, reason: gap.reason, question: gap.question, routedTo: gap.routedTo?.id, answer: gap.answer?.text };
}

/** Creates the repository over the flow's services. */
export function createQuestionRepository(services: Services) {
  const { store, audit, clock } = services;
  const questions = () => store.collection<Doc>(COLLECTIONS.questions);
  const gaps = () => store.collection<GapDoc>(COLLECTIONS.knowledgeGaps);

  async function appendAudit(actor: AuditActor, action: string, record: { kind: string; id: string }, after: Record<string, unknown>, before?: Record<string, unknown>) {
    await audit.append({ at: clock.now(), actor, action, record, ...(before ? { before } : {}), after, clause: KNOWLEDGE_CLAUSE });
  }

  function toGap(doc: GapDoc): StoredGap {
    return { gap: knowledgeGapSchema.parse(doc), ...(doc.ownerAskedAt ? { ownerAskedAt: doc.ownerAskedAt } : {}) };
  }

  return {
    /** Records a question and what it was answered from. */
    async addQuestion(question: ProcessQuestion, actor: AuditActor): Promise<void> {
      const valid = processQuestionSchema.parse(question);
      await questions().insertOne({ ...valid });
      await appendAudit(actor, 'question.asked', { kind: 'question', id: valid.id }, {
        text: valid.text,
        answered: valid.answerRefs.length > 0 && !valid.gapId,
        refs: valid.answerRefs.map((ref) => `${ref.docId}#${ref.sectionId}`),
        score: valid.score,
      });
    },

    async getQuestion(id: string): Promise<ProcessQuestion> {
      const doc = await questions().findOne({ id });
      if (!doc) throw notFound('that question', 'It may have been asked on another installation.');
      return processQuestionSchema.parse(doc);
    },

    /** Saves the person's feedback once: false when it had feedback already (a double click). */
    async recordFeedback(next: ProcessQuestion, actor: AuditActor): Promise<boolean> {
      const written = await questions().findOneAndUpdate({ id: next.id, feedback: { $exists: false } }, { $set: { feedback: next.feedback, ...(next.gapId ? { gapId: next.gapId } : {}) } });
      if (!written) return false;
      await appendAudit(actor, 'question.feedback', { kind: 'question', id: next.id }, { helpful: next.feedback?.helpful });
      return true;
    },

    /** Links a question to the gap raised for it. */
    async linkGap(questionId: string, gapId: string): Promise<void> {
      await questions().updateOne({ id: questionId }, { $set: { gapId } });
    },

    async addGap(gap: KnowledgeGap, actor: AuditActor): Promise<void> {
      const valid = knowledgeGapSchema.parse(gap);
      await gaps().insertOne({ ...valid });
      await appendAudit(actor, 'knowledge_gap.opened', { kind: 'knowledge_gap', id: valid.id }, gapSnapshot(valid));
    },

    async getGap(id: string): Promise<StoredGap> {
      const doc = await gaps().findOne({ id });
      if (!doc) throw notFound('that question', 'It may have been removed.');
      return toGap(doc);
    },

    /** Marks the owner as asked, once: false when they were asked before (a double click, a redelivery). */
    async markOwnerAsked(gap: KnowledgeGap, actor: AuditActor): Promise<boolean> {
      const now = clock.now();
      const written = await gaps().findOneAndUpdate({ id: gap.id, ownerAskedAt: { $exists: false } }, { $set: { ownerAskedAt: now } });
      if (!written) return false;
      await appendAudit(actor, 'knowledge_gap.sent_to_owner', { kind: 'knowledge_gap', id: gap.id }, { ...gapSnapshot(gap), ownerAskedAt: now });
      return true;
    },

    /** Saves an answered gap if it is still open: false when someone answered it first. */
    async saveAnswer(next: KnowledgeGap, before: KnowledgeGap, actor: AuditActor): Promise<boolean> {
      const valid = knowledgeGapSchema.parse(next);
      const written = await gaps().findOneAndUpdate({ id: valid.id, status: 'open' }, { $set: { status: valid.status, answer: valid.answer, updatedAt: valid.updatedAt } });
      if (!written) return false;
      await appendAudit(actor, 'knowledge_gap.answered', { kind: 'knowledge_gap', id: valid.id }, gapSnapshot(valid), gapSnapshot(before));
      return true;
    },

    /** Open gaps, newest first. */
    async listOpen(limit: number): Promise<KnowledgeGap[]> {
      const docs = await gaps().find({ status: 'open' }, { sort: { createdAt: -1 }, limit });
      return docs.map((doc) => toGap(doc).gap);
    },

    async countOpen(): Promise<number> {
      return gaps().countDocuments({ status: 'open' });
    },
  };
}

/** The repository's type. */
export type QuestionRepository = ReturnType<typeof createQuestionRepository>;
