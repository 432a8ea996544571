import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Conversations } from '../../src/store/conversations';
import type { StateSigner } from '../shared/signed-state';
import { LIMITS } from './limits';
import type { ModalData } from './render-modal';

/**
 * What a modal carries from the moment it opens to its submission, in the view's `private_metadata`: the form's
 * own state, who it was opened for, and where to answer. Slack hands `private_metadata` back verbatim, and
 * anything a client hands back may have been edited, so it is signed (HMAC); a value that fails the check is
 * refused. Contexts too long for Slack's 3,000 characters are kept in the store, and only a signed key travels.
 */

const choiceSchema = z.object({ value: z.string(), label: z.string(), description: z.string().optional() });
const contextSchema = z.object({
  /** The form id, which is also the view's callback_id: a context cannot be moved onto another form. */
  f: z.string(),
  /** The form's opaque state. */
  s: z.string().optional(),
  /** The Slack user the modal was opened for. */
  u: z.string(),
  /** The message the form came from (an engine MessageRef.ref), for updates in place. */
  src: z.string().optional(),
  /** The channel (and thread) the form was started in, where replies go. */
  ch: z.string().optional(),
  th: z.string().optional(),
  /** A response URL from the command or button that opened the form: answers ephemerally where the bot is no member. */
  ru: z.string().optional(),
  /** The time zone date-time values are shown and read in. */
  tz: z.string(),
  /** Long select lists and long option values (see ModalData). */
  d: z.object({ external: z.record(z.string(), z.array(choiceSchema)), values: z.record(z.string(), z.string()) }).optional(),
});

/** The modal's context, as signed into `private_metadata`. */
export type ModalContext = z.infer<typeof contextSchema> & { d?: ModalData };

const pointerSchema = z.object({ k: z.string().startsWith('slack:modal:') });

/** Large contexts stay in the store this long: a modal left open longer than a day is refused as expired. */
const STORED_CONTEXT_TTL_MINUTES = 24 * 60;
const FLOW_ID = 'slack-adapter';

/** Why a context could not be read back. */
export type ContextProblem = 'tampered' | 'expired';

/** Seals and opens modal contexts with the installation's signer; large ones go to the store. */
export function createModalContexts(signer: StateSigner, conversations: Conversations, now: () => Date) {
  return {
    /** The `private_metadata` for a context (signed; a signed store key when the context is too long). */
    async seal(context: ModalContext): Promise<string> {
      const compact: ModalContext = { ...context };
      if (compact.d && Object.keys(compact.d.external).length === 0 && Object.keys(compact.d.values).length === 0) delete compact.d;
      const direct = signer.signJson(compact);
      if (direct.length <= LIMITS.privateMetadata) return direct;
      const key = `slack:modal:${randomUUID()}`;
      const expiresAt = new Date(now().getTime() + STORED_CONTEXT_TTL_MINUTES * 60_000);
      await conversations.save(key, { flowId: FLOW_ID, state: compact, expiresAt });
      return signer.signJson({ k: key });
    },

    /** The context behind `private_metadata`, or why there is none. */
    async open(metadata: string | undefined): Promise<ModalContext | { problem: ContextProblem }> {
      let value = metadata ? signer.verifyJson(metadata) : null;
      if (value === null) return { problem: 'tampered' };
      const pointer = pointerSchema.safeParse(value);
      if (pointer.success) {
        const saved = await conversations.load(pointer.data.k, now());
        if (!saved || saved.flowId !== FLOW_ID) return { problem: 'expired' };
        value = saved.state;
      }
      const parsed = contextSchema.safeParse(value);
      return parsed.success ? (parsed.data as ModalContext) : { problem: 'tampered' };
    },
  };
}

/** The sealer/opener of modal contexts. */
export type ModalContexts = ReturnType<typeof createModalContexts>;
