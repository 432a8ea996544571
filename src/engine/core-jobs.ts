import type { JobDefinition } from './scheduler';
import type { Services } from './services';

/**
 * Jobs every installation runs, whatever flows are registered: the audit trail's integrity check (evidence
 * for the auditor that nothing was edited or removed) and housekeeping of expired conversation state.
 */
export function coreJobs(services: Services): JobDefinition[] {
  return [
    {
      name: 'audit-verify',
      description: 'Checks the hash chain of the audit trail: any edited, removed or re-ordered event is reported.',
      schedule: '30 2 * * *',
      leaseSeconds: 3600,
      async run({ logger }) {
        const report = await services.audit.verify();
        if (!report.ok) logger.error({ problems: report.problems.slice(0, 20) }, 'the audit trail has been tampered with');
        return {
          summary: report.ok
            ? `audit trail intact: ${report.checked} events checked`
            : `audit trail BROKEN: ${report.problems.length} problems in ${report.checked} events (first at seq ${report.problems[0]?.seq})`,
          counts: { checked: report.checked, problems: report.problems.length },
        };
      },
    },
    {
      name: 'housekeeping',
      description: 'Removes expired conversation state (MongoDB and the embedded store also expire it by TTL index).',
      schedule: '17 * * * *',
      async run({ now }) {
        const removed = await services.conversations.purgeExpired(now);
        return { summary: `${removed} expired conversations removed`, counts: { conversationsRemoved: removed } };
      },
    },
  ];
}
