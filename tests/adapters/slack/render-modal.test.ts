import type { Choice, Form } from '../../../src/engine/message';
import { parseViewValues } from '../../../adapters/slack/parse-view-values';
import { epochToLocal, localToEpoch, noticeModal, renderModal, VALUE_ACTION_ID } from '../../../adapters/slack/render-modal';
import { viewProblems } from './block-kit-validator';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ZONE = 'Europe/Paris';
const choices = (count: number, label = 'Option'): Choice[] => Array.from({ length: count }, (_, i) => ({ value: `v${i}`, label: `${label} ${i}` }));

function everyKindForm(overrides: Partial<Form> = {}): Form {
  return {
    id: 'desk:report',
    title: 'Report an incident',
    intro: 'Tell us what is wrong.',
    submitLabel: 'Report',
    inputs: [
      { kind: 'text', name: 'summary', label: 'Summary', required: true, maxLength: 120, minLength: 3, placeholder: 'VPN down', initial: 'draft' },
      { kind: 'text', name: 'details', label: 'Details', multiline: true, hint: 'What did you try?' },
      { kind: 'select', name: 'service', label: 'Service', options: choices(5), initial: 'v2' },
      { kind: 'select', name: 'site', label: 'Site', searchable: true, options: choices(250, 'Site'), initial: 'v200' },
      { kind: 'multiselect', name: 'tags', label: 'Tags', options: choices(4), initial: ['v1', 'v3'] },
      { kind: 'multiselect', name: 'people', label: 'People', options: choices(150) },
      { kind: 'date', name: 'day', label: 'Day', initial: '2026-03-04' },
      { kind: 'datetime', name: 'since', label: 'Since', initial: '2026-03-02T10:15' },
      { kind: 'number', name: 'users', label: 'Users affected', min: 1, max: 5000, initial: 12 },
      { kind: 'checkbox', name: 'urgent', label: 'Stops work', initial: true },
    ],
    ...overrides,
  };
}

describe('modal renderer', () => {
  it('renders each input kind as its native Block Kit element, block_id = input name', () => {
    const { view, data } = renderModal(everyKindForm(), { slackIdOf: () => undefined, timeZone: ZONE });
    expect(viewProblems(view)).toEqual([]);
    expect(view).toMatchObject({ type: 'modal', callback_id: 'desk:report', title: { text: 'Report an incident' }, submit: { text: 'Report' }, close: { text: 'Cancel' } });
    const inputs = (view.blocks as Json[]).filter((block) => block.type === 'input');
    expect(inputs.map((block) => [block.block_id, block.element.type, block.optional])).toEqual([
      ['summary', 'plain_text_input', false],
      ['details', 'plain_text_input', true],
      ['service', 'static_select', true],
      ['site', 'external_select', true],
      ['tags', 'multi_static_select', true],
      ['people', 'multi_external_select', true],
      ['day', 'datepicker', true],
      ['since', 'datetimepicker', true],
      ['users', 'number_input', true],
      ['urgent', 'checkboxes', true],
    ]);
    expect(inputs.every((block) => block.element.action_id === VALUE_ACTION_ID)).toBe(true);
    const byName = Object.fromEntries(inputs.map((block) => [block.block_id, block.element]));
    expect(byName.summary).toMatchObject({ max_length: 120, min_length: 3, initial_value: 'draft', placeholder: { text: 'VPN down' } });
    expect(byName.details).toMatchObject({ multiline: true });
    expect(byName.service.initial_option).toMatchObject({ value: 'v2' });
    expect(byName.site).toMatchObject({ min_query_length: 0, initial_option: { value: 'v200', text: { text: 'Site 200' } } });
    expect(byName.tags.initial_options.map((option: Json) => option.value)).toEqual(['v1', 'v3']);
    expect(byName.day.initial_date).toBe('2026-03-04');
    // 10:15 in Paris on 2 March (UTC+1) is 09:15 UTC.
    expect(byName.since.initial_date_time).toBe(Date.UTC(2026, 2, 2, 9, 15) / 1000);
    expect(byName.users).toMatchObject({ min_value: '1', max_value: '5000', initial_value: '12' });
    expect(byName.urgent.initial_options).toHaveLength(1);
    expect(Object.keys(data.external)).toEqual(['site', 'people']);
    expect(data.external.site).toHaveLength(250);
  });

  it('cuts everything oversize to Slack limits', () => {
    const long = (n: number) => 'x'.repeat(n);
    const form: Form = {
      id: 'desk:report',
      title: long(60),
      intro: long(9000),
      submitLabel: long(40),
      cancelLabel: long(40),
      inputs: [
        { kind: 'text', name: 'a', label: long(5000), hint: long(5000), placeholder: long(500), maxLength: 10_000, initial: long(5000) },
        { kind: 'select', name: 'b', label: 'B', options: [{ value: long(300), label: long(300), description: long(300) }, { value: 'dup', label: 'one' }, { value: 'dup', label: 'two' }], initial: long(300) },
        { kind: 'checkbox', name: 'c', label: long(300) },
        ...Array.from({ length: 120 }, (_, i) => ({ kind: 'text' as const, name: `extra${i}`, label: `Extra ${i}` })),
      ],
    };
    const { view, data } = renderModal(form, { slackIdOf: () => undefined, timeZone: ZONE });
    expect(viewProblems(view)).toEqual([]);
    expect(view.blocks).toHaveLength(100);
    const select = (view.blocks as Json[]).find((block) => block.block_id === 'b');
    expect(select.element.options).toHaveLength(2);
    const token = select.element.options[0].value;
    expect(data.values[token]).toBe(long(300));
    expect(select.element.initial_option.value).toBe(token);
  });

  it('shows errors of a reopened form beneath their inputs, and a notice modal has no submit', () => {
    const { view } = renderModal(everyKindForm({ errors: { summary: 'Too short <!here>' }, values: { summary: 'ab' } }), { slackIdOf: () => undefined, timeZone: ZONE });
    const at = (view.blocks as Json[]).findIndex((block) => block.block_id === 'summary');
    expect((view.blocks as Json[])[at].element.initial_value).toBe('ab');
    expect((view.blocks as Json[])[at + 1]).toMatchObject({ type: 'context', elements: [{ text: ':warning: Too short &lt;!here&gt;' }] });
    const notice = noticeModal('A title that is far too long for Slack', 'Nothing was saved <b>');
    expect(viewProblems(notice)).toEqual([]);
    expect(notice.submit).toBeUndefined();
  });

  it('reads submitted values back as the neutral values the flow wrote', () => {
    const { data } = renderModal(
      everyKindForm({ inputs: [{ kind: 'select', name: 'long', label: 'Long', options: [{ value: 'L'.repeat(100), label: 'long one' }] }] }),
      { slackIdOf: () => undefined, timeZone: ZONE },
    );
    const token = Object.keys(data.values)[0]!;
    const values = parseViewValues(
      {
        summary: { value: { type: 'plain_text_input', value: 'VPN down' } },
        details: { value: { type: 'plain_text_input', value: null } },
        service: { value: { type: 'static_select', selected_option: { value: 'v2' } } },
        long: { value: { type: 'external_select', selected_option: { value: token } } },
        tags: { value: { type: 'multi_static_select', selected_options: [{ value: 'v1' }, { value: 'v3' }] } },
        day: { value: { type: 'datepicker', selected_date: '2026-03-04' } },
        since: { value: { type: 'datetimepicker', selected_date_time: Date.UTC(2026, 6, 1, 22, 30) / 1000 } },
        users: { value: { type: 'number_input', value: '12.5' } },
        urgent: { value: { type: 'checkboxes', selected_options: [] } },
      },
      data.values,
      ZONE,
    );
    expect(values).toEqual({
      summary: 'VPN down',
      service: 'v2',
      long: 'L'.repeat(100),
      tags: ['v1', 'v3'],
      day: '2026-03-04',
      // 22:30 UTC on 1 July is 00:30 the next day in Paris (UTC+2).
      since: '2026-07-02T00:30',
      users: '12.5',
      urgent: false,
    });
  });

  it('ignores block ids that would reach the prototype', () => {
    const state = JSON.parse('{"__proto__":{"value":{"type":"plain_text_input","value":"x"}},"ok":{"value":{"type":"plain_text_input","value":"y"}}}');
    const values = parseViewValues(state, {}, ZONE);
    expect(values).toEqual({ ok: 'y' });
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });

  it('converts local date-times both ways in the person\'s zone', () => {
    const seconds = localToEpoch('2026-10-25T02:30', 'Europe/London')!;
    expect(epochToLocal(seconds, 'Europe/London')).toBe('2026-10-25T02:30');
    expect(localToEpoch('not a time', ZONE)).toBeUndefined();
  });
});
