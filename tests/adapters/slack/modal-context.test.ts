import { randomBytes } from 'node:crypto';
import { createStateSigner } from '../../../adapters/shared/signed-state';
import { createModalContexts } from '../../../adapters/slack/modal-context';
import { createHarness, type Harness } from '../../support/harness';

describe('modal contexts (signed private_metadata)', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await createHarness();
  });
  afterEach(() => harness.close());

  const contexts = () => createModalContexts(createStateSigner(randomBytes(32)), harness.services.conversations, () => harness.clock.now());

  it('round-trips a small context in the metadata itself', async () => {
    const sealer = contexts();
    const metadata = await sealer.seal({ f: 'desk:report', s: 'step-1', u: 'U1', tz: 'Europe/London', ch: 'C1' });
    expect(metadata.length).toBeLessThanOrEqual(3000);
    expect(await sealer.open(metadata)).toEqual({ f: 'desk:report', s: 'step-1', u: 'U1', tz: 'Europe/London', ch: 'C1' });
  });

  it('keeps a context too long for Slack in the store, under a signed key that expires', async () => {
    const sealer = contexts();
    const state = 'x'.repeat(10_000);
    const metadata = await sealer.seal({ f: 'desk:report', s: state, u: 'U1', tz: 'UTC', d: { external: { site: [{ value: 'a', label: 'A' }] }, values: {} } });
    expect(metadata.length).toBeLessThan(200);
    expect(await sealer.open(metadata)).toMatchObject({ s: state, d: { external: { site: [{ value: 'a', label: 'A' }] } } });
    harness.clock.advance(25 * 60 * 60 * 1000);
    expect(await sealer.open(metadata)).toEqual({ problem: 'expired' });
  });

  it('refuses metadata that was edited, signed by another installation, or is not ours', async () => {
    const metadata = await contexts().seal({ f: 'desk:report', u: 'U1', tz: 'UTC' });
    const [payload, mac] = metadata.split('.');
    const edited = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('U1', 'U2')).toString('base64url');
    const sealer = contexts();
    for (const bad of [`${edited}.${mac}`, metadata, '{"f":"desk:report"}', '', undefined]) {
      expect(await sealer.open(bad)).toEqual({ problem: 'tampered' });
    }
  });
});
