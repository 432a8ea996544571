import { readSubmission, submittedData } from '../../../adapters/teams/form-values';
import type { Form } from '../../../src/engine/message';
import { reportForm } from './desk-flow';

const form = reportForm().form!;

describe('reading submitted card values', () => {
  it('turns Adaptive Card values into the neutral form values', () => {
    const { values, errors } = readSubmission(form, {
      summary: 'VPN down',
      details: '',
      impact: 'high',
      services: 'vpn,mail',
      since__date: '2026-03-02',
      since__time: '09:30:00',
      urgent: 'true',
      __itsm: 'ignored',
      injected: { $gt: '' },
    });
    expect(errors).toEqual({});
    expect(values).toEqual({ summary: 'VPN down', details: '', impact: 'high', services: ['vpn', 'mail'], since: '2026-03-02T09:30', urgent: true });
  });

  it('reports half a date-and-time, a number that is not one and unknown choices as field errors', () => {
    const withNumber: Form = { ...form, inputs: [...form.inputs, { kind: 'number', name: 'users', label: 'Users' }] };
    const { errors } = readSubmission(withNumber, { since__date: '2026-03-02', services: 'vpn,printer', users: 'many' });
    expect(errors).toEqual({ since: 'Since: choose a time as well.', services: 'Services: choose from the list.', users: 'Users: enter a number.' });
    expect(readSubmission(form, { summary: 'x'.repeat(20_001) }).errors.summary).toContain('too long');
  });

  it('reads multi-select choices whose values contain commas by their index', () => {
    const commas: Form = { ...form, inputs: [{ kind: 'multiselect', name: 'sites', label: 'Sites', options: [{ value: 'Leeds, UK', label: 'Leeds' }, { value: 'Lyon, FR', label: 'Lyon' }] }] };
    expect(readSubmission(commas, { sites: '1,0' }).values).toEqual({ sites: ['Lyon, FR', 'Leeds, UK'] });
    expect(readSubmission(commas, { sites: '7' }).errors).toEqual({ sites: 'Sites: choose from the list.' });
  });

  it('treats an unchecked toggle as false and leaves empty choices out', () => {
    expect(readSubmission(form, { urgent: 'false', impact: '' }).values).toEqual({ urgent: false });
    expect(submittedData({ __itsm: 't', summary: 'x' })).toEqual({ summary: 'x' });
    expect(submittedData('nope')).toEqual({});
  });
});
