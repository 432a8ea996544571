import type { SlackKit } from '../interaction-kit';
import { LIMITS } from '../limits';
import { renderOptions, VALUE_ACTION_ID } from '../render-modal';
import type { Registrar } from '../surface';

interface OptionsArgs {
  ack: (response: { options: unknown[] }) => Promise<void>;
  body: { type: string; user: { id: string }; block_id: string; value?: string; view?: { private_metadata?: string } };
}

/**
 * `block_suggestion` for selects with more options than Slack takes (100): the options were kept beside the
 * modal (in its signed context), and are filtered here by what the person typed.
 */
export function registerOptions(register: Registrar, kit: SlackKit): void {
  register.options(VALUE_ACTION_ID, async ({ ack, body }: OptionsArgs) => {
    const context = await kit.contexts.open(body.view?.private_metadata);
    if ('problem' in context || context.u !== body.user.id) {
      await ack({ options: [] });
      return;
    }
    const query = (body.value ?? '').trim().toLowerCase();
    const choices = (context.d?.external[body.block_id] ?? []).filter(
      (choice) => !query || choice.label.toLowerCase().includes(query) || choice.value.toLowerCase() === query,
    );
    await ack({ options: renderOptions(choices.slice(0, LIMITS.selectOptions), { external: {}, values: {} }) });
  });
}
