import { parse as parseQuery } from 'node:querystring';

/**
 * What a signed request to `/slack/events` is, read before Bolt sees it: Bolt answers a body it cannot place
 * with a 404 after a 3-second wait, and has no notion of "this payload is for another app or workspace". The
 * adapter answers those at once with a 4xx instead.
 */

/** The kinds of request Slack sends to the one endpoint. */
export type SlackRequestKind = 'url_verification' | 'ssl_check' | 'event' | 'rate_limited' | 'command' | 'interaction';

/** A request placed: its kind and whom it claims to be for. */
export interface ClassifiedRequest {
  kind: SlackRequestKind;
  /** The command (`/itsm`), interaction type (`block_actions`) or event type (`app_mention`). */
  name?: string;
  appId?: string;
  teamId?: string;
  enterprise: boolean;
}

const INTERACTION_TYPES = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
]);

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function interaction(payload: Record<string, unknown>): ClassifiedRequest | null {
  if (!INTERACTION_TYPES.has(String(payload.type))) return null;
  const teamId = str(record(record(payload.view))?.app_installed_team_id) ?? str(record(payload.team)?.id) ?? str(record(payload.user)?.team_id);
  return { kind: 'interaction', name: String(payload.type), ...(str(payload.api_app_id) ? { appId: str(payload.api_app_id)! } : {}), ...(teamId ? { teamId } : {}), enterprise: payload.is_enterprise_install === true };
}

function event(body: Record<string, unknown>): ClassifiedRequest | null {
  if (body.type === 'url_verification') return typeof body.challenge === 'string' ? { kind: 'url_verification', enterprise: false } : null;
  if (body.type === 'app_rate_limited') return { kind: 'rate_limited', enterprise: false };
  if (body.type !== 'event_callback' || !record(body.event) || typeof record(body.event)!.type !== 'string') return null;
  const authorization = record(Array.isArray(body.authorizations) ? body.authorizations[0] : undefined);
  const teamId = str(authorization?.team_id) ?? str(body.team_id);
  return {
    kind: 'event',
    name: String(record(body.event)!.type),
    ...(str(body.api_app_id) ? { appId: str(body.api_app_id)! } : {}),
    ...(teamId ? { teamId } : {}),
    enterprise: authorization?.is_enterprise_install === true,
  };
}

/** A signed request read: what it is, and its body parsed exactly as Bolt parses it (Bolt's `ReceiverEvent.body`). */
export interface SlackRequest {
  placed: ClassifiedRequest;
  body: Record<string, unknown>;
}

/** Reads a request body by its content type (exactly as Bolt does), or null when it is none of Slack's. */
export function readSlackRequest(contentType: string | undefined, raw: string): SlackRequest | null {
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = parseQuery(raw) as Record<string, unknown>;
      if (form.ssl_check === '1') return { placed: { kind: 'ssl_check', enterprise: false }, body: form };
      if (typeof form.payload === 'string') {
        const payload = record(JSON.parse(form.payload));
        const placed = payload ? interaction(payload) : null;
        return placed ? { placed, body: payload! } : null;
      }
      if (typeof form.command === 'string' && typeof form.user_id === 'string') {
        const placed: ClassifiedRequest = {
          kind: 'command',
          name: form.command,
          ...(str(form.api_app_id) ? { appId: form.api_app_id as string } : {}),
          ...(str(form.team_id) ? { teamId: form.team_id as string } : {}),
          enterprise: form.is_enterprise_install === 'true',
        };
        return { placed, body: form };
      }
      return null;
    }
    const body = record(JSON.parse(raw));
    const placed = body ? event(body) : null;
    return placed ? { placed, body: body! } : null;
  } catch {
    return null;
  }
}

/** Places a request body by its content type (exactly as Bolt does), or null when it is none of Slack's. */
export function classifyRequest(contentType: string | undefined, raw: string): ClassifiedRequest | null {
  return readSlackRequest(contentType, raw)?.placed ?? null;
}
