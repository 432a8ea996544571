import type { Env } from '../../src/config/env';

/** Slack's slice of the configuration: how to connect, or why Slack is off. */
export type SlackConfig =
  | { mode: 'http'; botToken: string; signingSecret: string; apiUrl?: string }
  | { mode: 'socket'; botToken: string; appToken: string; signingSecret?: string; apiUrl?: string };

/**
 * Reads the Slack variables (already validated by the environment schema): Socket Mode when an app-level token is
 * set, HTTP when a signing secret is, otherwise off, with the reason.
 */
export function readSlackConfig(env: Env): SlackConfig | { off: string } {
  const botToken = env.SLACK_BOT_TOKEN;
  if (!botToken) return { off: 'no SLACK_BOT_TOKEN' };
  const apiUrl = env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/` } : {};
  if (env.SLACK_APP_TOKEN) {
    return { mode: 'socket', botToken, appToken: env.SLACK_APP_TOKEN, ...(env.SLACK_SIGNING_SECRET ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}), ...apiUrl };
  }
  if (env.SLACK_SIGNING_SECRET) return { mode: 'http', botToken, signingSecret: env.SLACK_SIGNING_SECRET, ...apiUrl };
  return { off: 'SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode) is' };
}
