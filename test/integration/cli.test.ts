// The `chatcart` command as a person runs it: separate processes, real exit codes,
// stdout for results and one stderr line for mistakes. On a fresh embedded folder,
// and (with TEST_DATABASE_URL) also on a fresh PostgreSQL schema.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { authenticate } from '../../src/modules/merchants/merchants.api-keys.ts';
import { createOrder } from '../../src/modules/orders/orders.create.ts';
import { copyDatabase, tablesInDependencyOrder } from '../../src/platform/store/copy.ts';
import { openPostgres, type Db } from '../../src/platform/store/db.ts';
import { openStore } from '../../src/platform/store/open.ts';
import { testContext } from '../support/context.ts';
import { createSchema, pgUrl, postgresReachable } from '../support/db.ts';
import { cliTargets, runCli, type CliResult } from '../support/cli.ts';

// Child processes boot tsx (and PGlite) each time: slow on a loaded machine, so allow
// generous time. Nothing here asserts on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const copyTargetBase = pgUrl ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgForCopy = await postgresReachable(copyTargetBase);
if (!pgForCopy) console.warn(`cli: no PostgreSQL at ${copyTargetBase}; the "db copy" test needs one and is skipped`);

const dirs: string[] = [];
const schemas: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  for (const s of schemas) await s.drop().catch(() => {});
});
const tmpDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-cli-'));
  dirs.push(d);
  return d;
};

const cli = runCli;
const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');
function oneJsonLine(r: CliResult): any {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.endsWith('\n')).toBe(true);
  expect(lines(r.stdout)).toHaveLength(1);
  return JSON.parse(r.stdout);
}

// Fresh folders: these tests are about a first run (migrating an empty database) too.
const { targets, cleanup: cleanupTargets } = cliTargets('chatcart-cli-', { fresh: true });
afterAll(() => cleanupTargets());

describe.each(targets)('chatcart merchants and keys on $name', (target) => {
  it('creates a merchant, lists its keys by prefix only, and rotates a key', async () => {
    const env = await target.env();
    const created = oneJsonLine(await cli(['merchants', 'create', '--name', 'Shop', '--json'], env));
    expect(created.id).toMatch(/^mer_[0-9a-z]{26}$/);
    expect(created.api_key).toMatch(/^cc_test_[A-Za-z0-9_-]{43}$/);
    expect(created.name).toBe('Shop');
    expect(created.mode).toBe('sandbox');

    const listed = oneJsonLine(await cli(['keys', 'list', '--merchant', created.id, '--json'], env));
    expect(listed).toHaveLength(1);
    const [key] = listed;
    expect(key.id).toMatch(/^key_/);
    expect(key.prefix).toBe(created.api_key.slice(0, 16));
    expect(key.revoked_at).toBeNull();
    expect(key).not.toHaveProperty('key');
    expect(key).not.toHaveProperty('key_hash');
    expect(JSON.stringify(listed)).not.toContain(created.api_key);
    expect(JSON.stringify(listed)).not.toContain(created.api_key.slice(16));

    const rotated = oneJsonLine(await cli(['keys', 'rotate', '--merchant', created.id, '--key', key.id, '--json'], env));
    expect(rotated.key).toMatch(/^cc_test_[A-Za-z0-9_-]{43}$/);
    expect(rotated.key).not.toBe(created.api_key);
    expect(rotated.id).not.toBe(key.id);
    expect(rotated.replaced.id).toBe(key.id);
    expect(rotated.replaced.revoked_at).not.toBeNull();

    const after = oneJsonLine(await cli(['keys', 'list', '--merchant', created.id, '--json'], env));
    const byId = new Map<string, any>(after.map((k: any) => [k.id, k]));
    expect(byId.get(key.id).revoked_at).not.toBeNull();
    expect(byId.get(rotated.id).revoked_at).toBeNull();
    expect(byId.get(rotated.id).prefix).toBe(rotated.key.slice(0, 16));

    // The old key no longer authenticates; the new one does.
    const db = await target.open(env);
    try {
      const ctx = testContext(db);
      ctx.clock.set(new Date());
      expect((await authenticate(ctx, created.api_key)).ok).toBe(false);
      expect(await authenticate(ctx, rotated.key)).toMatchObject({
        ok: true,
        value: { merchantId: created.id, keyId: rotated.id, merchantSettings: expect.any(Object) },
      });
    } finally {
      await db.close();
    }
    if (env.DATABASE_URL) expect(fs.existsSync(env.CHATCART_DATA_DIR!)).toBe(false);
  });

  it('refuses an unknown merchant with exit 2 and one line', async () => {
    const env = await target.env();
    const r = await cli(['keys', 'list', '--merchant', 'mer_nope', '--json'], env);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['chatcart: no merchant mer_nope']);
    expect(r.stdout).toBe('');
  });
});

describe.each(targets)('chatcart merchants create with business settings on $name', (target) => {
  it('takes --time-zone, --locale and --currency, checked like PATCH /v1/settings/business', async () => {
    const env = await target.env();
    const created = oneJsonLine(
      await cli(['merchants', 'create', '--name', 'Salon', '--time-zone', 'Asia/Kolkata', '--locale', 'en-in', '--currency', 'INR', '--json'], env),
    );
    expect(created).toMatchObject({ name: 'Salon', time_zone: 'Asia/Kolkata', locale: 'en-IN', currency: 'INR' });
    const plain = oneJsonLine(await cli(['merchants', 'create', '--name', 'Plain', '--json'], env));
    expect(plain).toMatchObject({ time_zone: 'UTC', locale: 'en', currency: null });
    const bad = await cli(['merchants', 'create', '--name', 'Bad', '--time-zone', 'IST'], env);
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr).join('\n')).toMatch(/--time-zone: .*IANA/);
    expect((await cli(['merchants', 'create', '--name', 'Bad', '--currency', 'XYZ'], env)).code).toBe(2);
  });
});

// Embedded folders only: runs once, in the embedded run.
describe.skipIf(pgUrl)('bad configuration', () => {
  it('CHATCART_MODE=bogus: exit 1, one stderr line naming the variable', async () => {
    const r = await cli(['merchants', 'list', '--json'], { CHATCART_MODE: 'bogus', CHATCART_DATA_DIR: tmpDir() });
    expect(r.code).toBe(1);
    const l = lines(r.stderr);
    expect(l).toHaveLength(1);
    expect(l[0]).toContain('CHATCART_MODE');
    expect(r.stdout).toBe('');
  });

  it('live mode without its secrets: exit 1, naming WHATSAPP_APP_SECRET, and nothing is created', async () => {
    const dir = path.join(tmpDir(), 'data');
    const r = await cli(['merchants', 'create', '--name', 'Live shop', '--json'], { CHATCART_MODE: 'live', CHATCART_DATA_DIR: dir });
    expect(r.code).toBe(1);
    const l = lines(r.stderr);
    expect(l).toHaveLength(1);
    expect(l[0]).toContain('WHATSAPP_APP_SECRET');
    expect(r.stdout).toBe('');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('a secret with a bad value is not echoed', async () => {
    const r = await cli(['merchants', 'list'], { CHATCART_ENCRYPTION_KEY: 'hunter2-not-a-key', CHATCART_DATA_DIR: tmpDir() });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('CHATCART_ENCRYPTION_KEY');
    expect(r.stderr).not.toContain('hunter2');
  });
});

// Embedded folders only: runs once, in the embedded run.
describe.skipIf(pgUrl)('chatcart db copy', () => {
  it.skipIf(!pgForCopy)('copies an embedded folder with a merchant and an order into PostgreSQL', async () => {
    const dataDir = tmpDir();
    const created = oneJsonLine(await cli(['merchants', 'create', '--name', 'Moving shop', '--json'], { CHATCART_DATA_DIR: dataDir }));

    // Add an order to the folder (the CLI has exited, so the folder is free).
    const source = await openStore({ dataDir });
    try {
      const ctx = testContext(source);
      const r = await source.transaction((tx) =>
        createOrder(ctx, tx, { source: 'cli', id: 'test' }, created.id, {
          customer: { wa_id: '919800000001' },
          currency: 'INR',
          items: [{ name: 'Notebook', amount: 25000, quantity: 3 }],
          payment: { method: 'payment_link' },
          expires_in: 600,
        }),
      );
      expect(r.ok).toBe(true);
    } finally {
      await source.close();
    }

    const schema = await createSchema(copyTargetBase);
    schemas.push(schema);
    const r = await cli(['db', 'copy', '--to', schema.url], { CHATCART_DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('copied');

    const from = await openStore({ dataDir });
    const to = await openPostgres(schema.url, { max: 2 });
    try {
      for (const table of await tablesInDependencyOrder(from)) {
        const count = async (db: Db) => (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;
        expect(await count(to), table).toBe(await count(from));
      }
      for (const table of ['merchants', 'api_keys', 'orders', 'payments', 'events', 'jobs']) {
        expect((await to.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n, table).toBeGreaterThan(0);
      }
      const order = (await to.query<{ merchant_id: string; total: number; items: unknown[] }>(`select merchant_id, total, items from orders`))[0]!;
      expect(order).toMatchObject({ merchant_id: created.id, total: 75000 });
      // The copied API key still works against the new database.
      const ctx = testContext(to);
      ctx.clock.set(new Date());
      expect(await authenticate(ctx, created.api_key)).toMatchObject({ ok: true, value: { merchantId: created.id } });
      // And a second copy into the now non-empty target is refused.
      await expect(copyDatabase(from, to)).rejects.toThrow(/already has merchants/);
    } finally {
      await to.close();
      await from.close();
    }

    const again = await cli(['db', 'copy', '--to', schema.url], { CHATCART_DATA_DIR: dataDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already has merchants');
  });
});

// Embedded folders only: runs once, in the embedded run.
describe.skipIf(pgUrl)('chatcart whatsapp', () => {
  it('shows the sandbox number and sets throughput and the (write-only) access token', async () => {
    const dir = tmpDir();
    const m = oneJsonLine(await cli(['merchants', 'create', '--name', 'Chai', '--json'], { CHATCART_DATA_DIR: dir }));
    const shown = oneJsonLine(await cli(['whatsapp', 'show', '--merchant', m.id, '--json'], { CHATCART_DATA_DIR: dir }));
    expect(shown).toMatchObject({ sandbox: true, access_token_set: false, throughput_per_second: 80 });
    expect(shown.phone_number_id).toMatch(/^\d{15}$/);
    const set = oneJsonLine(
      await cli(['whatsapp', 'set', '--merchant', m.id, '--throughput', '200', '--access-token', 'EAAG-secret-token-123', '--json'], {
        CHATCART_DATA_DIR: dir,
      }),
    );
    expect(set).toMatchObject({ access_token_set: true, throughput_per_second: 200, token_status: 'ok' });
    expect(JSON.stringify(set)).not.toContain('EAAG-secret-token-123');
    const bad = await cli(['whatsapp', 'set', '--merchant', m.id, '--throughput', '5000'], { CHATCART_DATA_DIR: dir });
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toHaveLength(1);
    expect(bad.stderr).toContain('--throughput');
  });
});
