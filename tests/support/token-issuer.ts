import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { TeamsCredentialsFactory } from '../../adapters/teams';

/**
 * A local Bot Framework token issuer: OpenID metadata and a JWKS (the key endorsed for `msteams`, as the real
 * channel's keys are), and RS256 tokens signed with node:crypto. Pointing botbuilder's endpoint settings at it
 * tests the authenticated path of `/api/messages` with no network.
 */

/** The issuer Teams' tokens carry. */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

/** The running issuer: the settings that point botbuilder at it, and a token minter. */
export interface TokenIssuer {
  /** botbuilder's endpoint settings pointing at this issuer (all of them: setting one means setting all). */
  readonly settings: Record<string, string>;
  /** Signs a token; claims override the defaults (iss, aud, serviceurl, nbf, exp). */
  token(claims: Record<string, unknown>, options?: { key?: 'trusted' | 'unknown' | 'forged' }): string;
  close(): Promise<void>;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signJwt(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): string {
  const input = `${base64url(header)}.${base64url(claims)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

/** Starts the issuer on 127.0.0.1 with a free port; `appId` is the default audience. */
export async function startTokenIssuer(appId: string): Promise<TokenIssuer> {
  const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `test-${randomUUID().slice(0, 8)}`;
  const jwk = trusted.publicKey.export({ format: 'jwk' });
  let base = '';

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    res.setHeader('content-type', 'application/json');
    if (path === '/v1/.well-known/openidconfiguration') {
      res.end(JSON.stringify({ issuer: BOT_FRAMEWORK_ISSUER, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (path === '/v1/.well-known/keys') {
      res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    settings: {
      ToBotFromChannelOpenIdMetadataUrl: `${base}/v1/.well-known/openidconfiguration`,
      ToBotFromChannelTokenIssuer: BOT_FRAMEWORK_ISSUER,
      ToBotFromEmulatorOpenIdMetadataUrl: `${base}/emulator/.well-known/openidconfiguration`,
      ToChannelFromBotLoginUrl: `${base}/login`,
      ToChannelFromBotOAuthScope: BOT_FRAMEWORK_ISSUER,
      OAuthUrl: `${base}/oauth`,
      CallerId: 'urn:botframework:azure',
      ValidateAuthority: 'true',
    },
    token(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = { iss: BOT_FRAMEWORK_ISSUER, aud: appId, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims };
      const which = options.key ?? 'trusted';
      // `unknown`: a key id the JWKS does not list; `forged`: the trusted key id, but signed with another key.
      const key = which === 'trusted' ? trusted.privateKey : other.privateKey;
      const header = { alg: 'RS256', typ: 'JWT', kid: which === 'unknown' ? `${kid}-unknown` : kid };
      return signJwt(header, payload, createPrivateKey(key.export({ format: 'pem', type: 'pkcs8' })));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Outbound credentials with a fixed token: botbuilder signs its connector calls with it, and no request goes
 * to Microsoft Entra. `getToken()` is what botbuilder's own credentials expose.
 */
export function fixedTokenCredentials(appId: string, token: string): TeamsCredentialsFactory & { readonly token: string } {
  const credentials = {
    appId,
    getToken: async () => token,
    async signRequest<T extends { headers: { set(name: string, value: string): void } }>(webResource: T): Promise<T> {
      webResource.headers.set('authorization', `Bearer ${await credentials.getToken()}`);
      return webResource;
    },
  };
  return {
    token,
    isValidAppId: async (candidate: string) => candidate === appId,
    isAuthenticationDisabled: async () => false,
    createCredentials: async () => credentials,
  } as unknown as TeamsCredentialsFactory & { readonly token: string };
}
