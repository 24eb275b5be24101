import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('retention settings', () => {
  it('default to 30 days for raw webhook bodies and 365 for conversations', () => {
    expect(loadConfig({})).toMatchObject({ RETENTION_DAYS_WEBHOOK_BODIES: 30, RETENTION_DAYS_CONVERSATIONS: 365 });
  });

  it.each([
    ['7', 7],
    ['0', null],
    ['off', null],
    ['', 30],
  ])('RETENTION_DAYS_WEBHOOK_BODIES=%j → %j', (v, days) => {
    expect(loadConfig({ RETENTION_DAYS_WEBHOOK_BODIES: v }).RETENTION_DAYS_WEBHOOK_BODIES).toBe(days);
  });

  it.each(['-1', '1.5', 'forever', '36501'])('refuses %j with one clear line', (v) => {
    expect(() => loadConfig({ RETENTION_DAYS_CONVERSATIONS: v })).toThrow(ConfigError);
    expect(() => loadConfig({ RETENTION_DAYS_CONVERSATIONS: v })).toThrow(
      /^config: RETENTION_DAYS_CONVERSATIONS must be a number of days from 1 to 36500, or 0 \/ off to keep forever/,
    );
  });
});
