import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Env } from '../../src/config/env';

/**
 * How the Teams adapter authenticates: our MICROSOFT_APP_* variables mapped to botbuilder's names, plus
 * botbuilder's own endpoint settings read from the environment as botbuilder documents them (government clouds,
 * and tests pointing token validation at a local issuer). Without an app id there is no authentication at all:
 * the Bot Framework Emulator's mode, which the route limits to this machine.
 */

/** Outbound credentials botbuilder uses to call the connector (tests inject one that returns a fixed token). */
export type TeamsCredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;

/** botbuilder's own settings, passed through untouched when present in the environment. */
export const BOTBUILDER_SETTINGS = [
  'ChannelService',
  'ValidateAuthority',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'OAuthUrl',
  'OAuthApiEndpoint',
  'BotOpenIdMetadata',
  'CallerId',
  'CertificateThumbprint',
  'CertificatePrivateKey',
] as const;

/** The mode the route runs in: JWT-verified with an app id, else Emulator (unauthenticated, loopback only). */
export type TeamsAuthMode = { kind: 'jwt'; appId: string; appType: string } | { kind: 'emulator' };

/** The mode the environment asks for. */
export function authMode(env: Env): TeamsAuthMode {
  return env.MICROSOFT_APP_ID ? { kind: 'jwt', appId: env.MICROSOFT_APP_ID, appType: env.MICROSOFT_APP_TYPE ?? 'MultiTenant' } : { kind: 'emulator' };
}

/** The settings object handed to botbuilder: its own settings from `settings`, and our variables under its names. */
export function botFrameworkSettings(env: Env, settings: Record<string, string | undefined>): Record<string, string> {
  const passed = Object.fromEntries(
    BOTBUILDER_SETTINGS.flatMap((key) => {
      const value = settings[key]?.trim();
      return value ? [[key, value]] : [];
    }),
  );
  const ours = {
    MicrosoftAppId: env.MICROSOFT_APP_ID,
    MicrosoftAppPassword: env.MICROSOFT_APP_PASSWORD,
    MicrosoftAppTenantId: env.MICROSOFT_APP_TENANT_ID,
    MicrosoftAppType: env.MICROSOFT_APP_TYPE,
  };
  return { ...passed, ...Object.fromEntries(Object.entries(ours).filter((entry): entry is [string, string] => !!entry[1])) };
}

/**
 * Builds botbuilder's authentication. A mistake botbuilder finds (a managed identity with a password, a single
 * tenant without a tenant id) stops start-up with its message rather than failing on the first request.
 */
export function createAuthentication(
  env: Env,
  settings: Record<string, string | undefined>,
  credentialsFactory?: TeamsCredentialsFactory,
): ConfigurationBotFrameworkAuthentication {
  try {
    return new ConfigurationBotFrameworkAuthentication(botFrameworkSettings(env, settings), credentialsFactory);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the Teams settings are not usable: ${reason}`);
  }
}
