import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DocumentStore } from '../../src/store/ports';

/**
 * Signs state that travels through a chat client (Slack `private_metadata`, web chat forms, Teams card data),
 * so a value edited on the way back is refused rather than trusted.
 */
export interface StateSigner {
  sign(state: string): string;
  /** The original state, or null when the signature does not match. */
  verify(signed: string): string | null;
  /** Signs a JSON value. */
  signJson(value: unknown): string;
  /** The JSON value as signed, or null when the signature does not match (callers still check its shape). */
  verifyJson(signed: string): unknown;
}

/** Creates a signer over a secret key (32 bytes or more). */
export function createStateSigner(secret: Buffer): StateSigner {
  const mac = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  const signer: StateSigner = {
    sign(state) {
      const payload = Buffer.from(state, 'utf8').toString('base64url');
      return `${payload}.${mac(payload)}`;
    },
    verify(signed) {
      const dot = signed.lastIndexOf('.');
      if (dot <= 0) return null;
      const payload = signed.slice(0, dot);
      const given = Buffer.from(signed.slice(dot + 1), 'base64url');
      const expected = Buffer.from(mac(payload), 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return Buffer.from(payload, 'base64url').toString('utf8');
    },
    signJson(value) {
      return signer.sign(JSON.stringify(value));
    },
    verifyJson(signed) {
      const raw = signer.verify(signed);
      if (raw === null) return null;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return null;
      }
    },
  };
  return signer;
}

/**
 * The installation's signing key, made once and kept in the store, so every replica signs and verifies alike
 * and a restart does not invalidate forms people have open.
 */
export async function loadInstallationSecret(store: DocumentStore): Promise<Buffer> {
  const settings = store.collection<{ id: string; value?: string }>('settings');
  const doc = await settings.findOneAndUpdate(
    { id: 'state-signing-key' },
    { $setOnInsert: { value: randomBytes(32).toString('base64') } },
    { upsert: true },
  );
  if (!doc?.value) throw new Error('the store did not keep the state signing key');
  return Buffer.from(doc.value, 'base64');
}
