import { randomUUID } from 'node:crypto';
import type { Form } from '../../src/engine/message';
import type { Conversations } from '../../src/store/conversations';
import { LIMITS, truncate } from './limits';
import { escapeMrkdwn } from './mrkdwn';
import type { SlackMessageBody } from './render-block-kit';

/**
 * Forms waiting for a click. Slack opens a modal only with a trigger_id younger than 3 seconds, and a direct
 * message typed in plain words has none: the bot then posts an "Open the form" button and keeps the form here, in
 * the store (not in memory), so whichever replica receives the click can open it.
 */

/** The action_id of the "Open the form" button. It has no colon, so it can never be a flow's action id. */
export const OPEN_FORM_ACTION = 'itsm_open_form';

/** A form kept until its button is clicked. */
export interface PendingForm {
  form: Form;
  /** The Slack user it is for: nobody else may open it. */
  userId: string;
  /** Where it was started: the same context a modal opened at once would carry. */
  src?: string;
  ch?: string;
  th?: string;
  ru?: string;
}

const PENDING_TTL_MINUTES = 24 * 60;
const FLOW_ID = 'slack-adapter';
const PREFIX = 'slack:pending:';

/** Creates the pending-form repository over the conversation-state collection (expiring, shared by replicas). */
export function createPendingForms(conversations: Conversations, now: () => Date) {
  return {
    async save(pending: PendingForm): Promise<string> {
      const id = randomUUID();
      const expiresAt = new Date(now().getTime() + PENDING_TTL_MINUTES * 60_000);
      await conversations.save(`${PREFIX}${id}`, { flowId: FLOW_ID, state: pending, expiresAt });
      return id;
    },
    async load(id: string): Promise<PendingForm | null> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return null;
      const saved = await conversations.load(`${PREFIX}${id}`, now());
      if (!saved || saved.flowId !== FLOW_ID) return null;
      return saved.state as PendingForm;
    },
  };
}

/** The pending-form repository. */
export type PendingForms = ReturnType<typeof createPendingForms>;

/** The message with the "Open the form" button. */
export function openFormPrompt(form: Form, pendingId: string): SlackMessageBody {
  const title = escapeMrkdwn(truncate(form.title, 200));
  return {
    text: `${title}: open the form to continue.`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\nOpen the form to continue.`, verbatim: true } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: OPEN_FORM_ACTION,
            value: pendingId,
            style: 'primary',
            text: { type: 'plain_text', text: truncate('Open the form', LIMITS.buttonText), emoji: true },
          },
        ],
      },
    ],
  };
}
