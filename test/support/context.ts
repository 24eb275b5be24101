// An AppContext for integration tests: the given database, a clock the test moves by
// hand, a silent logger and a fresh random encryption key.
import crypto from 'node:crypto';
import pino from 'pino';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { createSecretBox } from '../../src/adapters/secrets/secret-box.ts';
import { buildContext } from '../../src/composition/context.ts';
import type { AppContext, Mode } from '../../src/platform/context.ts';
import type { Db } from '../../src/platform/store/db.ts';

export interface TestContext extends AppContext {
  clock: ManualClock;
  /** How many times a committed transaction woke the workers. */
  wakes: number;
}

export function testContext(db: Db, opts: { clock?: ManualClock; mode?: Mode } = {}): TestContext {
  const clock = opts.clock ?? new ManualClock('2026-03-01T10:00:00Z');
  const ctx = buildContext({
    db,
    clock,
    log: pino({ level: 'silent' }),
    secrets: createSecretBox(crypto.randomBytes(32)),
    mode: opts.mode ?? 'sandbox',
    publicUrl: 'http://127.0.0.1:0',
    jobsEnqueued: () => {
      ctx.wakes++;
    },
  }) as TestContext;
  ctx.wakes = 0;
  return ctx;
}

/** A child-process environment without any chatcart or database settings of the parent. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      /^(CHATCART_|WHATSAPP_|DATABASE_URL$|TEST_DATABASE_URL$|LOG_LEVEL$|PORT$|HOST$|PUBLIC_URL$|RATE_LIMIT_|TRUST_PROXY$|BODY_LIMIT_|VITEST|NODE_OPTIONS$)/.test(
        k,
      )
    )
      continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** The project's root folder, wherever the checkout is (CI clones it elsewhere). */
export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
