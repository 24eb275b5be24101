// Authenticating a request costs no database session: N authenticated requests open no
// more connections than the pool holds, and the key's last_used_at moves (throttled to
// once a minute), on PostgreSQL as on PGlite. A statement that failed on every request
// once destroyed one pooled PostgreSQL client per request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { hashApiKey } from '../../src/modules/merchants/merchants.api-keys.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
const clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
const POOL_SIZE = 10; // test/support/db.ts opens PostgreSQL with max: 10

beforeAll(async () => {
  s = await startTestServer({ clock });
});
afterAll(async () => {
  await s?.close();
});

async function lastUsed(): Promise<Date | null> {
  const rows = await s.ctx.db.query<{ last_used_at: Date | null }>(`select last_used_at from api_keys where key_hash = $1`, [hashApiKey(s.demoKey)]);
  expect(rows).toHaveLength(1);
  return rows[0]!.last_used_at === null ? null : new Date(rows[0]!.last_used_at);
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met within 5 s');
}

describe('API key authentication and the connection pool', () => {
  it('N authenticated requests open no more connections than the pool size', async () => {
    const before = s.ctx.db.stats().connectionsOpened;
    for (let round = 0; round < 10; round++) {
      const rs = await Promise.all(Array.from({ length: 10 }, () => s.api('/v1/orders?limit=1')));
      for (const r of rs) expect(r.status).toBe(200);
    }
    const opened = s.ctx.db.stats().connectionsOpened;
    expect(opened).toBeLessThanOrEqual(POOL_SIZE);
    expect(opened - before).toBeLessThanOrEqual(POOL_SIZE);
  });

  it('last_used_at is set on first use and moves again only after a minute', async () => {
    await until(async () => (await lastUsed()) !== null);
    const first = (await lastUsed())!;
    expect(first.getTime()).toBeLessThanOrEqual(clock.now().getTime());

    clock.advance(30_000);
    expect((await s.api('/v1/orders?limit=1')).status).toBe(200);
    // Within the minute nothing is written (give a write the time it would take).
    await new Promise((r) => setTimeout(r, 100));
    expect((await lastUsed())!.getTime()).toBe(first.getTime());

    clock.advance(61_000);
    const later = clock.now();
    expect((await s.api('/v1/orders?limit=1')).status).toBe(200);
    await until(async () => (await lastUsed())!.getTime() === later.getTime());
  });
});
