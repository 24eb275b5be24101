// Migration 0016 on a database that already has merchants: the booking settings' time zone
// (merchants.settings.time_zone) becomes the business time zone and leaves the settings
// document; the default currency comes from the merchant's latest order, else product.
import { describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/platform/store/migrate.ts';
import { openTestDb } from '../support/db.ts';

describe('migration 0016 on a database with merchants', () => {
  it('moves the booking time zone into the business settings and infers the currency', async () => {
    const db = await openTestDb({ migrated: false });
    try {
      const before = listMigrations().filter((x) => x.name < '0016');
      for (const m of before) await db.exec(m.sql);
      await db.exec(`create table chatcart_migrations (name text primary key, applied_at timestamptz not null default now());
        insert into chatcart_migrations (name) select unnest(array[${before.map((x) => `'${x.name}'`).join(',')}]);
        insert into merchants (id, name, settings) values
          ('mer_01kx0000000000000000000001', 'Salon', '{"time_zone": "Asia/Kolkata", "booking": {"days_ahead": 7}, "default_payment": {"method": "payment_link", "provider": "sandbox"}}'),
          ('mer_01kx0000000000000000000002', 'Kitchen', '{}'),
          ('mer_01kx0000000000000000000003', 'Empty', '{"time_zone": 5}');
        insert into products (id, merchant_id, retailer_id, name, price, currency) values
          ('prd_01kx0000000000000000000001', 'mer_01kx0000000000000000000002', 'soup', 'Soup', 500, 'BRL');
        insert into orders (id, merchant_id, status, payment_status, currency, items, subtotal, total, customer_wa_id, goods_type, expires_at)
          values ('ord_01kx0000000000000000000001', 'mer_01kx0000000000000000000001', 'pending', 'unpaid', 'INR', '[]', 700, 700, '919800000000', 'digital-goods', now());`);
      expect(await migrate(db)).toContain('0016_business_settings.sql');
      const rows = await db.query<{ id: string; time_zone: string; locale: string; currency: string | null; settings: Record<string, unknown> }>(
        `select id, time_zone, locale, currency, settings from merchants order by id`,
      );
      expect(rows).toEqual([
        {
          id: 'mer_01kx0000000000000000000001',
          time_zone: 'Asia/Kolkata',
          locale: 'en',
          currency: 'INR',
          settings: { booking: { days_ahead: 7 }, default_payment: { method: 'payment_link', provider: 'sandbox' } },
        },
        { id: 'mer_01kx0000000000000000000002', time_zone: 'UTC', locale: 'en', currency: 'BRL', settings: {} },
        // Not a string: it was never a zone; the key goes, the default stays.
        { id: 'mer_01kx0000000000000000000003', time_zone: 'UTC', locale: 'en', currency: null, settings: {} },
      ]);
    } finally {
      await db.close();
    }
  });
});
