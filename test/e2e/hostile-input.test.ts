// Hostile strings and shapes at the HTTP edge: a NUL or an unpaired UTF-16 surrogate in
// any string the request brings (body, query, path; keys included) is a 400
// validation_error naming the field, with or without authentication, on every route;
// a JSON body nested absurdly deep is a 400 before it is parsed; nothing of this is a 5xx
// or reaches the database. Ordinary Unicode (RTL, zero-width, emoji) is accepted as is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { inputFault, isDataError } from '../../src/platform/store/db-errors.ts';
import { expectError, expectNo5xx } from '../support/e2e.ts';
import { payOrder, runUntilIdle } from '../support/pay.ts';
import { settled } from '../support/reconcile.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const clock = new ManualClock(new Date());
let s: TestServer;
let orderId: string;
let paidOrderId: string;

beforeAll(async () => {
  s = await startTestServer({ clock });
  orderId = (await s.api('/v1/orders', { body: sampleOrder() })).body.id;
  const paid = (await s.api('/v1/orders', { body: sampleOrder() })).body;
  await payOrder(s, paid.payment.url, 'success');
  await runUntilIdle(s);
  paidOrderId = paid.id;
});
afterAll(async () => {
  await s?.close();
});

type Res = Awaited<ReturnType<TestServer['api']>>;

/** 400 validation_error whose message and details name `path`. */
function expectRefusedAt(r: Res, path: string): void {
  const e = expectError(r, 400, 'validation_error');
  expect(e.message.startsWith(`${path}: `), e.message).toBe(true);
  expect(e.details.map((d: { path: string }) => d.path)).toContain(path);
}

const NUL = '\u0000';
const LONE = '\ud800';
const service = { name: 'Haircut', duration_minutes: 30, deposit: 20_000, currency: 'INR', weekly_hours: { mon: [['09:00', '12:00']] } };
const product = (over: Record<string, unknown>) => ({
  retailer_id: `p-${Math.random().toString(36).slice(2)}`,
  name: 'Tea',
  price: 100,
  currency: 'INR',
  ...over,
});

describe('NUL and unpaired surrogates in bodies', () => {
  // [what, path, body, field]: each is refused naming the field; JSON.stringify writes both as \u escapes.
  const cases = (bad: string): [string, string, unknown, string][] => [
    ['product name', '/v1/products', product({ name: `Tea${bad}` }), 'body.name'],
    ['product category', '/v1/products', product({ category: `cat${bad}` }), 'body.category'],
    ['customer name', '/v1/orders', sampleOrder({ customer: { wa_id: '919876543210', name: `A${bad}sha` } }), 'body.customer.name'],
    ['item name', '/v1/orders', sampleOrder({ items: [{ name: `Gift${bad}`, amount: 100, quantity: 1 }] }), 'body.items.0.name'],
    ['tax description', '/v1/orders', sampleOrder({ tax: { amount: 10, description: bad } }), 'body.tax.description'],
    ['metadata value', '/v1/orders', sampleOrder({ metadata: { note: `x${bad}` } }), 'body.metadata.note'],
    ['metadata key', '/v1/orders', sampleOrder({ metadata: { [`k${bad}`]: 'x' } }), 'body.metadata.k\ufffd'],
    ['API key name', '/v1/api-keys', { name: `ci${bad}` }, 'body.name'],
    ['booking service name', '/v1/booking-services', { ...service, name: `Cut${bad}` }, 'body.name'],
    ['webhook description', '/v1/webhook-endpoints', { url: 'https://example.com/hook', description: bad }, 'body.description'],
    ['reconciliation CSV cell (JSON)', '/v1/reconciliations', { format: 'generic', provider: 'sandbox', csv: `id,amount\npay${bad}1,100\n` }, 'body.csv'],
  ];

  it.each(
    [...cases(NUL), ...cases(LONE)].map(([what, path, body, field], i) => [`${what} (${i < 11 ? 'NUL' : 'lone surrogate'})`, path, body, field] as const),
  )('%s: 400 naming the field', async (_what, path, body, field) => {
    expectRefusedAt(await s.api(path, { body }), field);
  });

  it('order texts on actions: cancel reason, status description, refund reason, review note', async () => {
    expectRefusedAt(await s.api(`/v1/orders/${orderId}/cancel`, { body: { reason: `changed${NUL}mind` } }), 'body.reason');
    expectRefusedAt(await s.api(`/v1/orders/${orderId}/status`, { body: { status: 'processing', description: LONE } }), 'body.description');
    expectRefusedAt(
      await s.api(`/v1/orders/${paidOrderId}/refunds`, { body: { amount: 100, reason: `damaged${NUL}` }, headers: { 'idempotency-key': 'hostile-refund' } }),
      'body.reason',
    );
    expectRefusedAt(await s.api(`/v1/orders/${paidOrderId}/review`, { body: { action: 'accept', note: LONE } }), 'body.note');
    // Nothing of it happened.
    expect((await s.api(`/v1/orders/${orderId}`)).body.status).not.toBe('canceled');
    expect((await s.api(`/v1/orders/${paidOrderId}/refunds`)).body.data).toHaveLength(0);
  });

  it('a text/csv report with a NUL in a cell is a failed run naming its line (the upload is streamed, the job reads it)', async () => {
    const r = await settled(
      s,
      await s.api(
        `/v1/reconciliations?format=generic&provider=sandbox&map=${encodeURIComponent('payment_id=provider_payment_id,amount=amount,cur=currency')}`,
        {
          rawBody: `payment_id,amount,cur\npay_1,100,INR\npay${NUL}2,200,INR\n`,
          headers: { 'content-type': 'text/csv' },
        },
      ),
    );
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'failed', failure: { line: 3 } });
    expect(r.body.failure.message).toMatch(/line 3: .*U\+0000/);
  });

  it('a raw NUL byte is not JSON (400), and an escaped one in a nested array is named by index', async () => {
    expectError(await s.api('/v1/orders', { rawBody: `{"customer":{"wa_id":"919876543210","name":"a${NUL}"}}` }), 400, 'validation_error');
    expectRefusedAt(await s.api('/v1/booking-services', { body: { ...service, weekly_hours: { mon: [['09:00', `1${NUL}`]] } } }), 'body.weekly_hours.mon.0.1');
  });

  it('every bad string is listed, not only the first', async () => {
    const r = await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: '919876543210', name: NUL }, metadata: { a: LONE } }) });
    expectError(r, 400, 'validation_error');
    expect(r.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.customer.name', 'body.metadata.a']);
  });
});

describe('NUL in the query and the path', () => {
  it.each([
    ['order list cursor', '/v1/orders?starting_after=%00', 'querystring.starting_after'],
    ['event list cursor', '/v1/events?starting_after=ev_%00', 'querystring.starting_after'],
    ['product category filter', '/v1/products?category=tea%00', 'querystring.category'],
    ['booking list cursor', '/v1/bookings?starting_after=%00', 'querystring.starting_after'],
    ['ledger filter', '/v1/ledger/transactions?provider_payment_id=%00', 'querystring.provider_payment_id'],
    ['messages wa_id', '/v1/messages?wa_id=%00', 'querystring.wa_id'],
    ['reconciliation items category', '/v1/reconciliations/rec_1/items?category=%00', 'querystring.category'],
    ['an unknown query parameter', '/v1/orders?x%00=1', 'querystring.x\ufffd'],
    ['order id', '/v1/orders/ord_%00', 'params.id'],
    ['keyword', '/v1/flows/keywords/hi%00', 'params.keyword'],
  ])('%s: 400 naming it', async (_what, path, field) => {
    expectRefusedAt(await s.api(path, { method: path.includes('keywords') ? 'DELETE' : 'GET' }), field);
  });

  it('provider settings path segment (PUT)', async () => {
    expectRefusedAt(await s.api('/v1/settings/providers/str%00ipe', { method: 'PUT', body: { key: 'x' } }), 'params.provider');
  });
});

describe('without authentication', () => {
  it('provider webhooks: a NUL in the merchant or provider segment is a 400, not a 500', async () => {
    for (const [path, field] of [
      ['/webhooks/providers/stripe/%00', 'params.merchant_id'],
      ['/webhooks/providers/%00/mer_1', 'params.provider'],
      [`/webhooks/providers/sandbox/${'%00'.repeat(3)}`, 'params.merchant_id'],
    ] as const) {
      expectRefusedAt(await s.api(path, { key: null, rawBody: '{}' }), field);
    }
  });

  it('the flows endpoint, the pay page, the WhatsApp verification and the sandbox refuse it the same way', async () => {
    expectRefusedAt(await s.api('/flows/endpoint/%00', { key: null, rawBody: '{}' }), 'params.merchant_id');
    expectRefusedAt(await s.api('/pay/%00', { key: null }), 'params.token');
    expectRefusedAt(await s.api('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=%00&hub.challenge=1', { key: null }), 'querystring.hub.verify_token');
  });

  it('a path that is not valid percent-encoded UTF-8 is a 400 in the envelope', async () => {
    for (const path of ['/webhooks/providers/stripe/%ED%A0%80', '/v1/orders/%ff', '/pay/%C0%80']) {
      const r = await s.api(path, { key: null, rawBody: '{}' });
      expectRefusedAt(r, 'params');
    }
  });

  it('an unauthenticated /v1 request is still a 401 first', async () => {
    expectError(await s.api('/v1/orders?starting_after=%00', { key: null }), 401, 'unauthorized');
  });
});

describe('ordinary Unicode is not hostile', () => {
  it('RTL, zero-width, BOM, combining marks, emoji and U+FFFD are stored and returned as sent', async () => {
    const name = 'שלום \u200f مرحبا \u200b\u200d\ufeff e\u0301 😀👩‍👩‍👧 \ufffd';
    const r = await s.api('/v1/products', { body: product({ name, category: '\u202eevil' }) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.name).toBe(name);
    expect((await s.api(`/v1/products/${r.body.id}`)).body.name).toBe(name);
    const o = await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: '919876543210', name: '\u200e😀' }, metadata: { ключ: 'значение' } }) });
    expect(o.status, JSON.stringify(o.body)).toBe(201);
  });
});

describe('deep nesting', () => {
  const nested = (depth: number, leaf = '1') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

  it.each([100_000, 65])('a body nested %i deep is 400, whatever the route', async (depth) => {
    for (const path of ['/v1/orders', '/v1/products', '/v1/api-keys']) {
      const r = await s.api(path, { rawBody: `{"metadata":${nested(depth - 1)}}` });
      const e = expectError(r, 400, 'validation_error');
      expect(e.message).toMatch(/nested deeper than 64/);
      expect(e.details).toEqual([{ path: 'body', message: expect.stringMatching(/64/) }]);
    }
  });

  it('64 levels are parsed (and then validated as usual); brackets inside strings do not count', async () => {
    const r = await s.api('/v1/orders', { rawBody: `{"metadata":${nested(63)}}` });
    expect(r.body.error.message).not.toMatch(/nested/);
    const inString = await s.api('/v1/products', { body: product({ name: '['.repeat(150) }) });
    expect(inString.status).toBe(201);
  });
});

describe('database errors caused by input are never a 500', () => {
  it('data exceptions and program limits map to 400, duplicates to 409, anything else is not the input', () => {
    const pgError = (code: string) => Object.assign(new Error('x'), { code, severity: 'ERROR' });
    for (const code of ['22P05', '22021', '22001', '22003', '22007', '22008', '22P02', '22012', '54000', '54001', '23514']) {
      expect(inputFault(pgError(code))?.kind, code).toBe('invalid');
    }
    for (const code of ['23505', '23503']) expect(inputFault(pgError(code))?.kind, code).toBe('conflict');
    for (const code of ['40001', '57P01', '08006', '42P01', '23502', 'XX000']) expect(inputFault(pgError(code)), code).toBeUndefined();
    // Not a database error at all: a Node or fastify code, or no severity.
    expect(inputFault(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeUndefined();
    expect(inputFault(Object.assign(new Error('x'), { code: '22003' }))).toBeUndefined();
    expect(isDataError(pgError('22P05'))).toBe(true);
    expect(isDataError(pgError('40001'))).toBe(false);
  });

  it('the real database errors carry what inputFault reads', async () => {
    for (const [sql, params, code] of [
      ['select $1::text as v', ['a\u0000b'], '22021'],
      ['select $1::jsonb as v', ['{"a":"\\u0000"}'], '22P05'],
      ['select $1::int as v', ['99999999999'], '22003'],
    ] as const) {
      const e = await s.ctx.db.query(sql, params).catch((x: unknown) => x);
      expect(inputFault(e)?.kind, code).toBe('invalid');
    }
  });

  it('none of the requests above answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
