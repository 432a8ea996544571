import { COLLECTIONS } from '../../src/store/collections';
import { as, button, draftIncident, first, incidentHarness } from './report-incident.support';

describe('report-incident: many reporters at once', () => {
  it('50 concurrent submits → 50 records with 50 distinct numbers, each audited once', async () => {
    const h = await incidentHarness();
    try {
      const people = Array.from({ length: 50 }, (_, i) => as(`Reporter ${i + 1}`));
      const drafts = await Promise.all(people.map((who, i) => draftIncident(h, who, { summary: `Scanner ${i + 1} will not connect`, service: 'wms' })));
      const outcomes = await Promise.all(
        drafts.map(({ confirmation }, i) => {
          const submit = button(confirmation, 'submit');
          return h.send({ type: 'action', action: submit.action, value: submit.value! }, people[i]);
        }),
      );
      const numbers = outcomes.map((o) => /INC-\d{6}/.exec(first(o)?.summary ?? '')?.[0]);
      expect(new Set(numbers).size).toBe(50);
      expect(numbers.every((n) => n !== undefined)).toBe(true);
      const records = await h.services.store.collection(COLLECTIONS.incidents).find({});
      expect(records).toHaveLength(50);
      expect(new Set(records.map((r) => r.id))).toEqual(new Set(numbers));
      const created = await h.services.store.collection(COLLECTIONS.audit).countDocuments({ action: 'incident.created' });
      expect(created).toBe(50);
      expect((await h.services.audit.verify()).ok).toBe(true);
    } finally {
      await h.close();
    }
  });
});
