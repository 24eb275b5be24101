import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../adapters/clock/clock.ts';
import { loadConfig } from '../config.ts';
import type { SecretBox } from '../platform/ports.ts';
import type { Db } from '../platform/store/db.ts';
import { contextFromConfig } from './context.ts';

// Only the wiring is read: no query runs, so stand-ins for the database and secrets do.
const ports = { db: {} as Db, clock: systemClock, log: pino({ level: 'silent' }), secrets: {} as SecretBox, jobsEnqueued: () => {} };

describe('contextFromConfig', () => {
  it('uses a current Graph API version by default (v27.0 as of November 2026), and WHATSAPP_GRAPH_VERSION when set', () => {
    expect(contextFromConfig(loadConfig({}), ports).graph).toEqual({ url: undefined, version: 'v27.0' });
    expect(contextFromConfig(loadConfig({ WHATSAPP_GRAPH_VERSION: 'v25.0', WHATSAPP_GRAPH_URL: 'http://127.0.0.1:9/' }), ports).graph).toEqual({
      url: 'http://127.0.0.1:9/',
      version: 'v25.0',
    });
  });
});
