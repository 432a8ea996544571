import { z } from 'zod';

/**
 * The environment, parsed once at start. Every variable is optional; a bad value stops start-up with one line
 * naming the variable and what is allowed. Each adapter reads its own slice (slack, teams, webchat).
 */

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const url = (what: string) =>
  z
    .string()
    .trim()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), `must be an http(s) URL (${what})`);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z
  .object({
    PORT: z
      .string()
      .trim()
      .regex(/^\d+$/, 'must be a whole number between 0 and 65535')
      .transform(Number)
      .refine((port) => port <= 65535, 'must be a whole number between 0 and 65535')
      .default(3978),
    HOST: z.string().trim().min(1, 'must be a host name or address, e.g. 0.0.0.0 or 127.0.0.1').default('0.0.0.0'),
    MONGODB_URI: z
      .string()
      .trim()
      .refine((value) => /^mongodb(\+srv)?:\/\/\S+$/.test(value), 'must start with mongodb:// or mongodb+srv://')
      .optional(),
    MONGODB_DB: z
      .string()
      .trim()
      .regex(/^[^/\\. "$*<>:|?]{1,63}$/, 'must be a MongoDB database name (no spaces, dots or slashes, 63 characters at most)')
      .default('itsm'),
    DATA_DIR: z.string().trim().min(1, 'must be a folder path').default('./data'),
    ITSM_CONFIG: optionalText,
    PROCESS_DOCS_DIR: optionalText,
    SLACK_BOT_TOKEN: z.string().trim().regex(/^xoxb-/, 'must be a bot token starting with xoxb-').optional(),
    SLACK_SIGNING_SECRET: z.string().trim().min(8, 'must be the app\'s signing secret').optional(),
    SLACK_APP_TOKEN: z.string().trim().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional(),
    SLACK_API_URL: url('the base of Slack\'s Web API, ending in /api/').optional(),
    MICROSOFT_APP_ID: optionalText,
    MICROSOFT_APP_PASSWORD: optionalText,
    MICROSOFT_APP_TENANT_ID: optionalText,
    MICROSOFT_APP_TYPE: z
      .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
        error: 'must be one of MultiTenant, SingleTenant, UserAssignedMSI',
      })
      .optional(),
    WEBCHAT_TOKEN: z.string().trim().min(16, 'must be at least 16 characters (it guards the web chat from other machines)').optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is needed with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
    if ((env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN) && !env.SLACK_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_BOT_TOKEN'], message: 'is needed to use Slack (xoxb-…)' });
    }
    if (env.MICROSOFT_APP_ID && env.MICROSOFT_APP_TYPE !== 'UserAssignedMSI' && !env.MICROSOFT_APP_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_PASSWORD'], message: 'is needed with MICROSOFT_APP_ID (unless MICROSOFT_APP_TYPE is UserAssignedMSI)' });
    }
    if (env.MICROSOFT_APP_TYPE === 'SingleTenant' && !env.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_APP_TENANT_ID'], message: 'is needed when MICROSOFT_APP_TYPE is SingleTenant' });
    }
  });

/** The parsed environment. */
export type Env = z.output<typeof envSchema>;

/** A bad environment: `message` is the one line to print, naming the variable. */
export class EnvError extends Error {
  readonly code = 'bad_environment';
  constructor(readonly variable: string, readonly problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'EnvError';
  }
}

/** Parses the environment; throws {@link EnvError} for the first bad variable. Values are never echoed (secrets). */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const relevant = Object.fromEntries(
    Object.keys(envSchema.shape ?? {}).map((key) => [key, source[key] === '' ? undefined : source[key]]),
  );
  const parsed = envSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  throw new EnvError(variable, issue.message);
}
