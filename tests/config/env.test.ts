import { EnvError, parseEnv } from '../../src/config/env';

function problem(env: NodeJS.ProcessEnv): EnvError {
  try {
    parseEnv(env);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('expected the environment to be refused');
}

describe('parseEnv', () => {
  it('needs nothing: every variable has a default or is optional', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3978, HOST: '0.0.0.0', DATA_DIR: './data', MONGODB_DB: 'itsm', LOG_LEVEL: 'info' });
    expect(env.MONGODB_URI).toBeUndefined();
    expect(env.SLACK_BOT_TOKEN).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    expect(parseEnv({ PORT: '', MONGODB_URI: '', ITSM_CONFIG: '' })).toMatchObject({ PORT: 3978 });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number between 0 and 65535'],
    [{ PORT: '70000' }, 'PORT must be a whole number between 0 and 65535'],
    [{ MONGODB_URI: 'postgres://localhost/x' }, 'MONGODB_URI must start with mongodb:// or mongodb+srv://'],
    [{ MONGODB_DB: 'my db' }, 'MONGODB_DB must be a MongoDB database name'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ SLACK_BOT_TOKEN: 'xoxp-123' }, 'SLACK_BOT_TOKEN must be a bot token starting with xoxb-'],
    [{ SLACK_BOT_TOKEN: 'xoxb-123' }, 'SLACK_SIGNING_SECRET is needed with SLACK_BOT_TOKEN'],
    [{ SLACK_SIGNING_SECRET: 'abcdefgh12345' }, 'SLACK_BOT_TOKEN is needed to use Slack'],
    [{ SLACK_APP_TOKEN: 'xoxb-1' }, 'SLACK_APP_TOKEN must be an app-level token starting with xapp-'],
    [{ SLACK_API_URL: 'ftp://x' }, 'SLACK_API_URL must be an http(s) URL'],
    [{ MICROSOFT_APP_TYPE: 'Tenant' }, 'MICROSOFT_APP_TYPE must be one of MultiTenant, SingleTenant, UserAssignedMSI'],
    [{ MICROSOFT_APP_ID: 'abc' }, 'MICROSOFT_APP_PASSWORD is needed with MICROSOFT_APP_ID'],
    [{ MICROSOFT_APP_ID: 'a', MICROSOFT_APP_PASSWORD: 'p', MICROSOFT_APP_TYPE: 'SingleTenant' }, 'MICROSOFT_APP_TENANT_ID is needed'],
    [{ WEBCHAT_TOKEN: 'short' }, 'WEBCHAT_TOKEN must be at least 16 characters'],
  ])('refuses %j with one line naming the variable', (env, expected) => {
    const error = problem(env);
    expect(error.message.startsWith(expected)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it('never echoes a secret value in its message', () => {
    const error = problem({ SLACK_BOT_TOKEN: 'xoxp-very-secret-value' });
    expect(error.message).not.toContain('very-secret');
  });

  it('accepts a full Slack and Teams configuration', () => {
    const env = parseEnv({
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      SLACK_SIGNING_SECRET: 'abcdef0123456789',
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001',
      MICROSOFT_APP_PASSWORD: 'pw',
      MICROSOFT_APP_TYPE: 'MultiTenant',
      MONGODB_URI: 'mongodb://127.0.0.1:27017/?replicaSet=rs0',
    });
    expect(env.MICROSOFT_APP_TYPE).toBe('MultiTenant');
  });
});
