// GET|PATCH /v1/settings/business: defaults, validation (unknown zone, locale, currency and
// fields are a 400 with a clear message), one time zone shared with the booking settings,
// one merchant's settings its own, and the OpenAPI document describing both operations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNo5xx, expectValidation, otherMerchant } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let other: { merchantId: string; key: string };

beforeAll(async () => {
  s = await startTestServer();
  other = await otherMerchant(s, 'Lisbon Bakery');
});
afterAll(async () => {
  await s?.close();
});

describe('business settings', () => {
  it('a new merchant starts at UTC / en with no currency until its catalog has one', async () => {
    const r = await s.api('/v1/settings/business', { key: other.key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: 'business_settings', name: 'Lisbon Bakery', time_zone: 'UTC', locale: 'en', currency: null, currency_set: false });
    const p = await s.api('/v1/products', { key: other.key, body: { retailer_id: 'pastel', name: 'Pastel de nata', price: 150, currency: 'EUR' } });
    expect(p.status).toBe(201);
    expect((await s.api('/v1/settings/business', { key: other.key })).body).toMatchObject({ currency: 'EUR', currency_set: false });
  });

  it('the demo merchant sells in rupees', async () => {
    expect((await s.api('/v1/settings/business')).body).toMatchObject({ name: 'Demo Shop', currency: 'INR', currency_set: true, locale: 'en-IN' });
  });

  it('takes a name, an IANA zone, a BCP 47 locale (canonicalized) and an ISO 4217 currency', async () => {
    const r = await s.api('/v1/settings/business', {
      method: 'PATCH',
      key: other.key,
      body: { name: 'Padaria Lisboa', time_zone: 'Europe/Lisbon', locale: 'pt-pt', currency: 'EUR' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ name: 'Padaria Lisboa', time_zone: 'Europe/Lisbon', locale: 'pt-PT', currency: 'EUR', currency_set: true });
    expect((await s.api('/v1/settings/business', { key: other.key })).body).toEqual(r.body);
    // A partial patch changes only what it names.
    const p = await s.api('/v1/settings/business', { method: 'PATCH', key: other.key, body: { locale: 'en-GB' } });
    expect(p.body).toMatchObject({ name: 'Padaria Lisboa', time_zone: 'Europe/Lisbon', locale: 'en-GB', currency: 'EUR' });
  });

  it('refuses unknown zones, locales, currencies and fields with a message naming the field', async () => {
    const bad = async (body: unknown, path: string, says: RegExp) => {
      const r = await s.api('/v1/settings/business', { method: 'PATCH', key: other.key, body });
      expectValidation(r, path);
      expect(r.body.error.message).toMatch(says);
    };
    await bad({ time_zone: 'Mars/Olympus' }, 'time_zone', /IANA time zone/);
    await bad({ time_zone: 'IST' }, 'time_zone', /IANA time zone/);
    await bad({ locale: 'en_US' }, 'locale', /BCP 47/);
    await bad({ locale: 'klingon' }, 'locale', /BCP 47/);
    await bad({ currency: 'XYZ' }, 'currency', /ISO 4217/);
    await bad({ currency: 'inr' }, 'currency', /ISO 4217/);
    await bad({ name: '   ' }, 'name', /blank/);
    await bad({ name: '' }, 'name', /.+/);
    await bad({ colour: 'blue' }, 'colour', /unknown fields/i);
    await bad({ currency: null }, 'currency', /.+/);
    // Nothing of a refused patch stays.
    expect((await s.api('/v1/settings/business', { key: other.key })).body).toMatchObject({ time_zone: 'Europe/Lisbon', currency: 'EUR' });
  });

  it('the booking settings answer and change the same time zone', async () => {
    const b = await s.api('/v1/settings/booking', { method: 'PATCH', key: other.key, body: { time_zone: 'Asia/Kolkata', days_ahead: 5 } });
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ time_zone: 'Asia/Kolkata', days_ahead: 5 });
    expect((await s.api('/v1/settings/business', { key: other.key })).body.time_zone).toBe('Asia/Kolkata');
    await s.api('/v1/settings/business', { method: 'PATCH', key: other.key, body: { time_zone: 'America/Sao_Paulo' } });
    expect((await s.api('/v1/settings/booking', { key: other.key })).body).toMatchObject({ time_zone: 'America/Sao_Paulo', days_ahead: 5 });
    // No second copy is kept in the settings document.
    const row = (await s.ctx.db.query<{ settings: Record<string, any> }>(`select settings from merchants where id = $1`, [other.merchantId]))[0]!;
    expect(row.settings['time_zone']).toBeUndefined();
    expect(row.settings['booking']?.time_zone).toBeUndefined();
    expectValidation(await s.api('/v1/settings/booking', { method: 'PATCH', key: other.key, body: { time_zone: 'Nowhere/City' } }), 'time_zone');
  });

  it('one merchant cannot read or change another’s', async () => {
    expect((await s.api('/v1/settings/business')).body.name).toBe('Demo Shop');
    expect((await s.api('/v1/settings/business')).body.time_zone).toBe('UTC');
    expectError(await s.api('/v1/settings/business', { key: null }), 401, 'unauthorized');
  });

  it('is in the OpenAPI document with its response schema', async () => {
    const doc = (await s.api('/openapi.json', { key: null })).body;
    const path = doc.paths['/v1/settings/business'];
    for (const op of [path.get, path.patch]) {
      expect(op.tags).toEqual(['merchants']);
      expect(op.summary).toBeTruthy();
      expect(op.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/BusinessSettings' });
      const schema = doc.components.schemas.BusinessSettings;
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'time_zone', 'locale', 'currency']));
    }
    await expectNo5xx(s);
  });
});
