import { renderMessage, renderRichText } from '../../../adapters/webchat/render-html';
import type { Message } from '../../../src/engine/message';

describe('web chat renderer', () => {
  it('shows what a user typed instead of interpreting it', () => {
    const html = renderRichText('<script>alert(1)</script> <!channel> <@U123> <https://evil.example|bank> & "quotes"');
    expect(html).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|bank&gt; &amp; &quot;quotes&quot;');
  });

  it('renders spans, line breaks and lists', () => {
    const html = renderRichText(['Raise it with ', { code: 'incident' }, '.\n- ', { bold: 'P1' }, ' within 15 min\n- P2 within 1 h']);
    expect(html).toBe('Raise it with <code>incident</code>.<ul><li><strong>P1</strong> within 15 min</li><li>P2 within 1 h</li></ul>');
  });

  it('links only http(s) addresses, and escapes them', () => {
    expect(renderRichText([{ link: 'javascript:alert(1)', text: 'click' }])).toBe('click');
    expect(renderRichText([{ link: 'https://intranet.example/p?a=1&b="2"', text: 'policy' }])).toBe(
      '<a href="https://intranet.example/p?a=1&amp;b=%222%22" target="_blank" rel="noopener noreferrer">policy</a>',
    );
  });

  it('renders each block kind', () => {
    const message: Message = {
      summary: 'INC-000001',
      blocks: [
        { kind: 'heading', text: 'INC-000001 <VPN>' },
        { kind: 'fields', fields: [{ label: 'Priority', value: 'P2 high' }] },
        { kind: 'context', text: 'Reported by Sam' },
        { kind: 'divider' },
        { kind: 'actions', buttons: [{ action: 'report-incident:take', label: 'Take', value: 'INC-000001', style: 'primary' }] },
      ],
    };
    const html = renderMessage(message, 'm1');
    expect(html).toContain('<h3>INC-000001 &lt;VPN&gt;</h3>');
    expect(html).toContain('<dt>Priority</dt><dd>P2 high</dd>');
    expect(html).toContain('<div class="context">Reported by Sam</div>');
    expect(html).toContain('<hr>');
    expect(html).toContain('<button type="button" class="btn btn-primary" data-action="report-incident:take" data-value="INC-000001">Take</button>');
  });

  it('renders a form with labelled inputs, hints, limits, errors and the signed state', () => {
    const html = renderMessage(
      {
        summary: 'Report an incident',
        blocks: [],
        form: {
          id: 'report-incident:report',
          title: 'Report an incident',
          submitLabel: 'Report',
          inputs: [
            { kind: 'text', name: 'summary', label: 'Summary', required: true, maxLength: 150, hint: 'One line' },
            { kind: 'select', name: 'service', label: 'Service', options: [{ value: 'vpn', label: 'VPN' }] },
            { kind: 'multiselect', name: 'also', label: 'Also affected', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
            { kind: 'date', name: 'due', label: 'Target date' },
            { kind: 'checkbox', name: 'major', label: 'Major incident' },
          ],
          values: { summary: 'VPN "down"', service: 'vpn', also: ['b'] },
          errors: { summary: 'Keep it under 150 characters.' },
        },
      },
      'm2',
      'signed.state',
    );
    expect(html).toContain('data-form="report-incident:report" data-state="signed.state"');
    expect(html).toContain('<label for="m2-summary">Summary <span class="required" aria-hidden="true">*</span></label>');
    expect(html).toContain('value="VPN &quot;down&quot;"');
    expect(html).toContain('maxlength="150"');
    expect(html).toContain('<option value="vpn" selected>VPN</option>');
    expect(html).toContain('value="b" id="m2-also-1" checked');
    expect(html).toContain('type="date"');
    expect(html).toContain('data-error-for="summary" role="alert">Keep it under 150 characters.</small>');
    expect(html).toContain('<small id="m2-summary-hint" class="hint">One line</small>');
  });
});
