// One database, first used in sandbox mode, then started with CHATCART_MODE=live: test
// keys (cc_test_, the demo key among them) are refused with a 401 that says why, the
// sandbox's demo merchant is inert (no key of it works, none can be made), and sandbox
// numbers neither send nor receive. A merchant made in sandbox mode works with a live key.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { signWebhook } from '../../src/adapters/whatsapp/signature.ts';
import { createApiKey, mintApiKey } from '../../src/modules/merchants/merchants.api-keys.ts';
import { insertApiKey } from '../../src/modules/merchants/merchants.repository.ts';
import { queueMessage } from '../../src/modules/whatsapp/index.ts';
import { getMessage } from '../../src/modules/whatsapp/whatsapp-messages.repository.ts';
import { getNumberByMerchant, updateNumber, type WhatsAppNumberRow } from '../../src/modules/whatsapp/whatsapp-numbers.repository.ts';
import { whatsappPayCredentials } from '../../src/modules/whatsapp/whatsapp.pay-account.ts';
import { newId } from '../../src/domain/ids.ts';
import { inTransaction } from '../../src/platform/context.ts';
import { listMigrations, migrate } from '../../src/platform/store/migrate.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { expectError, expectNo5xx, otherMerchant } from '../support/e2e.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const LIVE_ENV = {
  CHATCART_MODE: 'live',
  WHATSAPP_APP_SECRET: 'live-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'live-verify-token',
  CHATCART_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
};

const clock = new ManualClock(new Date());
let db: TestDb;
let live: TestServer;
let demo: { merchantId: string; key: string; number: WhatsAppNumberRow };
let secondTestKey: string;
let shop: { merchantId: string; key: string; number: WhatsAppNumberRow };

beforeAll(async () => {
  db = await openTestDb();
  const sandbox = await startTestServer({ db, clock });
  try {
    const created = await sandbox.api('/v1/api-keys', { body: { name: 'second' } });
    expect(created.status).toBe(201);
    secondTestKey = created.body.key;
    const other = await otherMerchant(sandbox, 'My shop');
    demo = { merchantId: sandbox.merchantId, key: sandbox.demoKey, number: (await getNumberByMerchant(db, sandbox.merchantId))! };
    shop = { merchantId: other.merchantId, key: other.key, number: (await getNumberByMerchant(db, other.merchantId))! };
    expect(demo.number.sandbox && shop.number.sandbox).toBe(true);
  } finally {
    await sandbox.close();
  }
  live = await startTestServer({ db, clock, env: LIVE_ENV });
});
afterAll(async () => {
  await live?.close();
  await db?.close();
});

describe('test keys in live mode', () => {
  it.each([
    ['the demo key', () => demo.key],
    ['another test key of the demo merchant', () => secondTestKey],
    ['a test key of a merchant made in sandbox mode', () => shop.key],
  ])('%s is refused: 401 unauthorized, saying test keys do not work in live mode', async (_label, key) => {
    expect(key()).toMatch(/^cc_test_/);
    const e = expectError(await live.api('/v1/orders', { key: key() }), 401, 'unauthorized');
    expect(e.message).toMatch(/test key/i);
    expect(e.message).toMatch(/live mode/i);
    expect(e.message).toMatch(/cc_live_/);
  });

  it('a well-formed unknown test key gets the same answer', async () => {
    const e = expectError(await live.api('/v1/orders', { key: `cc_test_${'A'.repeat(43)}` }), 401, 'unauthorized');
    expect(e.message).toMatch(/live mode/i);
  });

  it('a merchant made in sandbox mode works in live mode with a live key', async () => {
    const r = await live.ctx.db.transaction((tx) => createApiKey(live.ctx, tx, shop.merchantId, 'live'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.key).toMatch(/^cc_live_/);
    expect((await live.api('/v1/orders', { key: r.value.key })).status).toBe(200);
    // The sandbox provider's settlement file does not exist in live mode, whatever the key.
    expectError(await live.api('/sandbox/psp/settlements.csv?from=2026-03-01&to=2026-03-02', { key: r.value.key }), 404, 'not_found');
    expect((await live.api('/openapi.json', { key: null })).body.paths['/sandbox/psp/settlements.csv']).toBeUndefined();
  });
});

describe("the sandbox's demo merchant is inert in live mode", () => {
  it('a sandbox start marks the demo merchant it makes, and only it', async () => {
    const rows = await db.query<{ id: string; demo: boolean }>(`select id, demo from merchants`);
    expect(rows.filter((r) => r.demo).map((r) => r.id)).toEqual([demo.merchantId]);
  });

  it('no key can be made for it', async () => {
    const r = await live.ctx.db.transaction((tx) => createApiKey(live.ctx, tx, demo.merchantId, 'live'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('forbidden');
    expect(r.error.message).toMatch(/demo/);
  });

  it('a live key it has anyway (made before this check) is refused, saying why', async () => {
    const minted = mintApiKey('live');
    await insertApiKey(db, { id: newId('key'), merchantId: demo.merchantId, name: 'old', prefix: minted.prefix, keyHash: minted.hash, now: clock.now() });
    const e = expectError(await live.api('/v1/orders', { key: minted.key }), 401, 'unauthorized');
    expect(e.message).toMatch(/demo merchant/);
  });
});

describe('sandbox numbers in live mode', () => {
  it.each([
    ['the demo merchant', () => demo],
    ['a merchant made in sandbox mode', () => shop],
  ])('%s cannot send through its sandbox number: the message fails, saying why', async (_label, who) => {
    const { merchantId } = who();
    const queued = await inTransaction(live.ctx, (tx) =>
      queueMessage(live.ctx, tx, { merchantId, waId: '919800055501', type: 'text', body: { text: { body: 'hello' } }, purpose: 'reply' }),
    );
    expect(queued).toBeDefined();
    await runUntilIdle(live);
    const m = (await getMessage(db, queued!.id))!;
    expect(m.status).toBe('failed');
    expect(m.error).toMatchObject({ code: 'sandbox_number' });
    expect(String(m.error?.title)).toMatch(/live mode/);
    expect(m.sent_at).toBeNull();
  });

  it('makes no WhatsApp Pay calls (lookups, refunds) through a sandbox number', async () => {
    await updateNumber(db, shop.merchantId, { payment_configurations: [{ name: 'chatcart-sandbox', provider: 'razorpay' }] }, clock.now());
    await expect(whatsappPayCredentials(live.ctx, shop.merchantId)).rejects.toThrow(/sandbox number/);
  });

  it('a signed webhook for a sandbox number is stored but not applied (unroutable)', async () => {
    const wamid = `wamid.HBgMsandboxlive${Date.now().toString(36)}AA==`;
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: shop.number.waba_id,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: shop.number.display_phone_number, phone_number_id: shop.number.phone_number_id },
                contacts: [{ profile: { name: 'Asha' }, wa_id: '919800055502' }],
                messages: [
                  { from: '919800055502', id: wamid, timestamp: String(Math.floor(clock.now().getTime() / 1000)), type: 'text', text: { body: 'hi' } },
                ],
              },
            },
          ],
        },
      ],
    });
    const res = await fetch(`${live.base}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(LIVE_ENV.WHATSAPP_APP_SECRET, body) },
      body,
    });
    expect(res.status).toBe(200);
    await runUntilIdle(live);
    const items = await db.query<{ status: string; note: string | null; merchant_id: string | null }>(
      `select status, note, merchant_id from whatsapp_items where phone_number_id = $1`,
      [shop.number.phone_number_id],
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'unroutable', merchant_id: null });
    expect(items[0]!.note).toMatch(/sandbox number/);
    expect(await db.query(`select id from whatsapp_messages where wamid = $1`, [wamid])).toEqual([]);
  });

  it('never answered 5xx', async () => {
    await expectNo5xx(live);
  });
});

describe('the demo merchant of a database made before it was marked', () => {
  it('is found by the migration: the first merchant, named Demo Shop, with a sandbox number', async () => {
    const old = await openTestDb({ migrated: false });
    try {
      const before = listMigrations().filter((m) => m.name < '0013');
      await old.transaction(async (tx) => {
        await tx.exec(`create table chatcart_migrations (name text primary key, applied_at timestamptz not null default now())`);
        for (const m of before) {
          await tx.exec(m.sql);
          await tx.query(`insert into chatcart_migrations (name) values ($1)`, [m.name]);
        }
      });
      const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
      for (const [id, name, at, sandboxNumber] of [
        ['mer_demo', 'Demo Shop', t(1), true],
        ['mer_shop', 'My shop', t(2), true],
        ['mer_named', 'Demo Shop', t(3), true],
      ] as const) {
        await old.query(`insert into merchants (id, name, created_at, updated_at) values ($1, $2, $3, $3)`, [id, name, at]);
        await old.query(`insert into whatsapp_numbers (phone_number_id, merchant_id, sandbox, created_at, updated_at) values ($1, $2, $3, $4, $4)`, [
          `1${id}`,
          id,
          sandboxNumber,
          at,
        ]);
      }
      expect(await migrate(old)).toEqual(
        listMigrations()
          .filter((m) => m.name >= '0013')
          .map((m) => m.name),
      );
      const rows = await old.query<{ id: string; demo: boolean }>(`select id, demo from merchants order by id`);
      expect(rows).toEqual([
        { id: 'mer_demo', demo: true },
        { id: 'mer_named', demo: false },
        { id: 'mer_shop', demo: false },
      ]);
    } finally {
      await old.close();
    }
  });
});
