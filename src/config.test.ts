import { describe, expect, it } from 'vitest';
import { ConfigError, LIVE_REQUIRED, loadConfig } from './config.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const LIVE = { CHATCART_MODE: 'live', WHATSAPP_APP_SECRET: 'app-secret-value', WHATSAPP_VERIFY_TOKEN: 'verify-token-value', CHATCART_ENCRYPTION_KEY: KEY };

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      CHATCART_MODE: 'sandbox',
      PORT: 3000,
      HOST: '127.0.0.1',
      CHATCART_DATA_DIR: './.chatcart',
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_SECOND: 100,
      RATE_LIMIT_BURST: 200,
      RATE_LIMIT_MERCHANT_PER_SECOND: 100,
      RATE_LIMIT_MERCHANT_BURST: 200,
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: 60,
      RATE_LIMIT_AUTH_FAILURES_BURST: 50,
      TRUST_PROXY: 0,
      BODY_LIMIT_BYTES: 1024 * 1024,
      CHATCART_JOBS: 'on',
      CHATCART_WORKER_CONCURRENCY: 4,
      CHATCART_JOB_LEASE_SECONDS: 60,
      CHATCART_POLL_MS: 500,
      CHATCART_SHUTDOWN_SECONDS: 7,
      CHATCART_STRICT_RESPONSES: false,
      publicUrl: 'http://127.0.0.1:3000',
    });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.CHATCART_ENCRYPTION_KEY).toBeUndefined();
    expect(c.WHATSAPP_APP_SECRET).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    const c = loadConfig({ PORT: '', DATABASE_URL: '', PUBLIC_URL: '', CHATCART_MODE: undefined });
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.publicUrl).toBe('http://127.0.0.1:3000');
  });

  it('reads valid values', () => {
    const c = loadConfig({ PORT: '8080', HOST: '::1', DATABASE_URL: 'postgresql://u@h/db', PUBLIC_URL: 'https://shop.example.com/', CHATCART_POLL_MS: '10' });
    expect(c.PORT).toBe(8080);
    expect(c.DATABASE_URL).toBe('postgresql://u@h/db');
    expect(c.publicUrl).toBe('https://shop.example.com');
    expect(c.CHATCART_POLL_MS).toBe(10);
    expect(c.DATABASE_POOL_SIZE).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: '24' }).DATABASE_POOL_SIZE).toBe(24);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
    expect(c.DATABASE_PREPARED_STATEMENTS).toBe(false);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'on' }).DATABASE_PREPARED_STATEMENTS).toBe(true);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'yes' })).toThrow(/DATABASE_PREPARED_STATEMENTS/);
    expect(loadConfig({ HOST: '::1', PORT: '81' }).publicUrl).toBe('http://[::1]:81');
  });

  it.each([
    ['CHATCART_MODE', 'bogus'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '3000.5'],
    ['PUBLIC_URL', 'not a url'],
    ['PUBLIC_URL', 'ftp://files.example.com'],
    ['PUBLIC_URL', 'javascript:alert(1)'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['CHATCART_ENCRYPTION_KEY', 'too-short'],
    ['CHATCART_ENCRYPTION_KEY', Buffer.alloc(16).toString('base64')],
    ['CHATCART_ENCRYPTION_KEYS_PREVIOUS', `${KEY},nope`],
    ['LOG_LEVEL', 'loud'],
    ['RATE_LIMIT_PER_SECOND', '0'],
    ['RATE_LIMIT_BURST', 'many'],
    ['RATE_LIMIT_MERCHANT_PER_SECOND', '0'],
    ['RATE_LIMIT_MERCHANT_BURST', '1.5'],
    ['RATE_LIMIT_AUTH_FAILURES_PER_MINUTE', '0'],
    ['RATE_LIMIT_AUTH_FAILURES_BURST', 'lots'],
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', '-1'],
    ['TRUST_PROXY', '33'],
    ['BODY_LIMIT_BYTES', '100'],
    ['CHATCART_JOBS', 'maybe'],
    ['CHATCART_WORKER_CONCURRENCY', '65'],
    ['CHATCART_JOB_LEASE_SECONDS', '1'],
    ['CHATCART_POLL_MS', '5'],
    ['CHATCART_SHUTDOWN_SECONDS', '0'],
    ['CHATCART_STRICT_RESPONSES', 'yes'],
    ['METRICS_TOKEN', 'too-short'],
  ])('%s=%j is refused with a message naming it', (name, value) => {
    const e = configError({ [name]: value });
    expect(e.variable).toBe(name);
    expect(e.message).toMatch(new RegExp(`^config: ${name} `));
    expect(e.message).not.toContain('\n');
  });

  it('echoes a bad ordinary value, to help the person fix it', () => {
    expect(configError({ CHATCART_MODE: 'bogus' }).message).toContain('"bogus"');
  });

  it.each([
    ['CHATCART_ENCRYPTION_KEY', 'hunter2hunter2'],
    ['CHATCART_ENCRYPTION_KEYS_PREVIOUS', 'hunter2hunter2'],
    ['DATABASE_URL', 'mysql://admin:hunter2hunter2@db.example.com/shop'],
    ['METRICS_TOKEN', 'hunter2hunter2'],
  ])('does not echo the value of %s', (name, value) => {
    const e = configError({ [name]: value });
    expect(e.variable).toBe(name);
    expect(e.message).not.toContain('hunter2');
    expect(e.message).toContain('[redacted]');
  });

  it('live mode starts with all three secrets', () => {
    const c = loadConfig(LIVE);
    expect(c.CHATCART_MODE).toBe('live');
    expect(c.CHATCART_ENCRYPTION_KEY).toBe(KEY);
  });

  it.each([...LIVE_REQUIRED])('live mode refuses to start without %s', (name) => {
    const env: Record<string, string> = { ...LIVE };
    delete env[name];
    const e = configError(env);
    expect(e.variable).toBe(name);
    expect(e.message).toContain(name);
    expect(e.message).toContain('CHATCART_MODE=live');
    // The secrets that are present are not in the message.
    for (const v of Object.values(LIVE)) if (v !== 'live') expect(e.message).not.toContain(v);
  });

  it('live mode names a missing secret even when it is set to an empty string', () => {
    expect(configError({ ...LIVE, WHATSAPP_APP_SECRET: '' }).variable).toBe('WHATSAPP_APP_SECRET');
  });

  it('sandbox mode does not need the secrets', () => {
    expect(() => loadConfig({ CHATCART_MODE: 'sandbox' })).not.toThrow();
  });

  it('refuses RATE_LIMIT_BURST below RATE_LIMIT_PER_SECOND', () => {
    const e = configError({ RATE_LIMIT_PER_SECOND: '500', RATE_LIMIT_BURST: '499' });
    expect(e.variable).toBe('RATE_LIMIT_BURST');
    expect(e.message).toContain('RATE_LIMIT_PER_SECOND');
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '500', RATE_LIMIT_BURST: '500' }).RATE_LIMIT_BURST).toBe(500);
  });

  it("the merchant's limit follows the per-key one unless set", () => {
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '10' })).toMatchObject({
      RATE_LIMIT_MERCHANT_PER_SECOND: 5,
      RATE_LIMIT_MERCHANT_BURST: 10,
    });
    expect(loadConfig({ RATE_LIMIT_MERCHANT_PER_SECOND: '300' })).toMatchObject({ RATE_LIMIT_MERCHANT_PER_SECOND: 300, RATE_LIMIT_MERCHANT_BURST: 300 });
    expect(loadConfig({ RATE_LIMIT_MERCHANT_PER_SECOND: '300', RATE_LIMIT_MERCHANT_BURST: '600' }).RATE_LIMIT_MERCHANT_BURST).toBe(600);
    const e = configError({ RATE_LIMIT_MERCHANT_PER_SECOND: '300', RATE_LIMIT_MERCHANT_BURST: '299' });
    expect(e.variable).toBe('RATE_LIMIT_MERCHANT_BURST');
  });

  it('TRUST_PROXY is a hop count', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
  });
});
