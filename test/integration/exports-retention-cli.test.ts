// `chatcart export` and `chatcart purge` as an operator runs them: a separate process on
// the database (the embedded folder, and PostgreSQL when TEST_DATABASE_URL is set).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { cliTargets, runCli } from '../support/cli.ts';
import { testContext } from '../support/context.ts';

// Each CLI run boots tsx (and PGlite) in a child process: slow on a loaded machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const { targets, cleanup } = cliTargets('chatcart-export-');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-export-out-'));
afterAll(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  await cleanup();
});

const KEY = crypto.randomBytes(32).toString('base64');

describe.each(targets)('chatcart export and purge on $name', (target) => {
  it('exports CSV to a file and to stdout, refuses bad ranges, and purges old raw bodies', async () => {
    const env = { ...(await target.env()), CHATCART_ENCRYPTION_KEY: KEY, LOG_LEVEL: 'silent' };
    const db = await target.open(env);
    let merchantId: string;
    try {
      const ctx = testContext(db, { clock: new ManualClock('2026-03-01T10:00:00Z') });
      merchantId = (await db.transaction((tx) => onboardMerchant(ctx, tx, 'CLI shop'))).merchant.id;
      await db.query(
        `insert into orders (id, merchant_id, status, payment_status, currency, items, subtotal, total, customer_wa_id, customer_name, goods_type, expires_at, created_at, updated_at)
         values ('ord_cli', $1, 'awaiting_payment', 'unpaid', 'INR', '[]', 4999, 4999, '919876543210', '=HYPERLINK("x"), "quoted"', 'physical-goods', $2, $2, $2)`,
        [merchantId, new Date('2026-03-01T10:00:00Z')],
      );
      await db.query(
        `insert into whatsapp_inbox (id, body, received_at, status) values ('win_old', 'PII', $1, 'processed'), ('win_new', 'PII', now(), 'processed')`,
        [new Date(Date.now() - 40 * 86_400_000)],
      );
    } finally {
      await db.close();
    }

    const out = path.join(tmp, `orders-${crypto.randomBytes(4).toString('hex')}.csv`);
    const file = await runCli(['export', 'orders', '--merchant', merchantId, '--from', '2026-03-01', '--to', '2026-03-02', '--out', out], env);
    expect(file.code, file.stderr).toBe(0);
    const rows = parse(fs.readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ order_id: 'ord_cli', customer_name: `'=HYPERLINK("x"), "quoted"`, total: '4999', total_decimal: '49.99' });
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
    const stdout = await runCli(['export', 'orders', '--merchant', merchantId, '--from', '2026-03-01T00:00:00Z', '--to', '2026-03-01T10:00:00Z'], env);
    expect(stdout.code, stdout.stderr).toBe(0);
    expect(parse(stdout.stdout, { columns: true })).toEqual([]); // to is exclusive

    for (const [args, message] of [
      [
        ['export', 'customers', '--merchant', merchantId, '--from', '2026-03-01', '--to', '2026-03-02'],
        'chatcart: usage: chatcart export orders|payments|refunds',
      ],
      [['export', 'orders', '--merchant', merchantId, '--from', '2026-03-02', '--to', '2026-03-01'], 'chatcart: --to must be after from'],
      [['export', 'orders', '--merchant', merchantId, '--to', '2026-03-01'], 'chatcart: --from is required'],
      [['export', 'orders', '--merchant', 'mer_nope', '--from', '2026-03-01', '--to', '2026-03-02'], 'chatcart: no merchant mer_nope'],
    ] as const) {
      const r = await runCli([...args], env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.split('\n')[0]!.startsWith(message), r.stderr).toBe(true);
    }

    const dry = await runCli(['purge', '--dry-run', '--json'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, counts: { whatsapp_inbox: 1, whatsapp_messages: 0 } });
    const real = await runCli(['purge', '--json'], { ...env, RETENTION_DAYS_CONVERSATIONS: 'off' });
    expect(real.code, real.stderr).toBe(0);
    const report = JSON.parse(real.stdout);
    expect(report).toMatchObject({ dry_run: false, cutoffs: { conversations: null }, counts: { whatsapp_inbox: 1 } });
    expect(report.counts.whatsapp_messages).toBeUndefined();
    const again = await runCli(['purge'], env);
    expect(again.stdout).toContain('whatsapp_inbox: redacted 0');

    const check = await target.open(env);
    try {
      expect(await check.query(`select id, body from whatsapp_inbox order by id`)).toEqual([
        { id: 'win_new', body: 'PII' },
        { id: 'win_old', body: '' },
      ]);
    } finally {
      await check.close();
    }
  });
});
