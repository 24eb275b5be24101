// The sandbox payment provider double over real HTTP, as an adapter (and a merchant's
// test suite) uses it: Basic auth, idempotent creates, lookups, the pay page, test
// controls, refunds, disputes, and signed webhooks delivered by the job runner to a
// receiver in this test, with and without chaos.
import http from 'node:http';
import { sandboxContext } from '../../src/composition/sandbox-host.ts';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/adapters/clock/clock.ts';
import type { App } from '../../src/platform/http/app.ts';
import { registerSandboxPsp } from '../../packages/sandbox/src/psp/psp.routes.ts';
import { verifySandboxSignature } from '../../src/adapters/providers/sandbox/sandbox.signature.ts';
import { ensureSandboxPspAccount, setAccountWebhookUrl, type SandboxPspCredentials } from '../../packages/sandbox/src/psp/psp.repository.ts';
import { sandboxPspBaseUrl } from '../../packages/sandbox/src/psp/psp.types.ts';
import { otherMerchant } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

interface Hit {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  body: any;
}
const receiver = {
  hits: [] as Hit[],
  /** Statuses to answer with, in order; 200 once they run out. */
  answers: [] as number[],
  server: undefined as http.Server | undefined,
  url: '',
};

let s: TestServer;
let clock: ManualClock;
let acct: SandboxPspCredentials;
let n = 0;

beforeAll(async () => {
  s = await startTestServer({ jobs: false });
  clock = s.ctx.clock as ManualClock;
  receiver.server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      receiver.hits.push({ headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) });
      res.writeHead(receiver.answers.shift() ?? 200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.server!.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${(receiver.server!.address() as AddressInfo).port}/hook`;
  acct = await ensureSandboxPspAccount(s.ctx.db, s.merchantId);
  // The double posts only to this server's own addresses; this receiver stands in for its webhook route.
  s.ctx.ownOrigins.add(new URL(receiver.url).origin);
  expect((await psp('/account/webhook', { method: 'PUT', body: { url: receiver.url } })).status).toBe(200);
});
afterAll(async () => {
  await new Promise((r) => receiver.server?.close(r));
  await s?.close();
});
beforeEach(async () => {
  await drain();
  receiver.hits = [];
  receiver.answers = [];
});

async function psp(
  path: string,
  init: { method?: string; body?: unknown; creds?: SandboxPspCredentials | null; auth?: string; headers?: Record<string, string> } = {},
) {
  const c = init.creds === undefined ? acct : init.creds;
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.auth) headers.authorization = init.auth;
  else if (c) headers.authorization = `Basic ${Buffer.from(`${c.keyId}:${c.keySecret}`).toString('base64')}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(sandboxPspBaseUrl(s.base) + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
const nowS = () => Math.floor(clock.now().getTime() / 1000);
const checkoutBody = (over: Record<string, unknown> = {}) => ({
  amount: 49_800,
  currency: 'INR',
  reference_id: `CC-E2E-${++n}`,
  expires_at: nowS() + 3600,
  return_url: 'http://shop.example/pay/tok',
  ...over,
});
async function newCheckout(over: Record<string, unknown> = {}, creds?: SandboxPspCredentials) {
  const r = await psp('/checkouts', { body: checkoutBody(over), headers: { 'idempotency-key': `k-${++n}` }, ...(creds ? { creds } : {}) });
  expect(r.status).toBe(200);
  return r.body;
}
/** Runs due jobs until none is left (deliveries, expiry, settlement). */
async function drain() {
  for (let i = 0; i < 20 && (await s.runner.runOnce(100)) > 0; i++);
}
const ofType = (type: string) => receiver.hits.filter((h) => h.body.type === type);
const payForm = (id: string, outcome: string) =>
  fetch(`${s.base}/sandbox/psp/pay/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `outcome=${outcome}`,
    redirect: 'manual',
  });
const expectErr = (r: { status: number; body: any }, status: number, code: string) => {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { error: { code, message: expect.any(String) } } });
};

describe('authentication', () => {
  it('answers 401 without, or with wrong, Basic credentials', async () => {
    const r = await psp('/account', { creds: null });
    expectErr(r, 401, 'unauthorized');
    expect(r.headers.get('www-authenticate')).toMatch(/^Basic/);
    expectErr(await psp('/account', { creds: { ...acct, keySecret: 'wrong' } }), 401, 'unauthorized');
    expectErr(await psp('/account', { creds: { ...acct, keyId: 'sbx_key_nope' } }), 401, 'unauthorized');
    expectErr(await psp('/account', { auth: `Bearer ${s.demoKey}` }), 401, 'unauthorized');
    expectErr(await psp('/checkouts', { creds: null, body: checkoutBody() }), 401, 'unauthorized');
    const ok = await psp('/account');
    expect(ok.body).toMatchObject({ id: acct.accountId, key_id: acct.keyId, webhook_url: receiver.url });
    expect(JSON.stringify(ok.body)).not.toContain(acct.keySecret);
  });

  it('points webhooks at chatcart’s own receiver unless overridden', async () => {
    const other = await otherMerchant(s);
    const creds = await ensureSandboxPspAccount(s.ctx.db, other.merchantId);
    expect((await psp('/account', { creds })).body.webhook_target).toBe(`${s.ctx.publicUrl}/webhooks/providers/sandbox/${other.merchantId}`);
  });

  it('points webhooks only at this server itself; any other address is refused with the PSP’s bad_request', async () => {
    const port = new URL(s.base).port;
    const path = `/webhooks/providers/sandbox/${s.merchantId}`;
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://192.168.1.1/hook',
      'https://example.com/hook',
      `http://127.0.0.1:1${path}`,
      `http://0.0.0.0:${port}${path}`,
      `http://127.0.0.1:${port}@evil.example${path}`,
      `http://user:pw@localhost:${port}${path}`,
    ]) {
      const r = await psp('/account/webhook', { method: 'PUT', body: { url } });
      expectErr(r, 400, 'bad_request');
      expect(r.body.error.message, url).toMatch(/^url must be an address of this server/);
    }
    expect((await psp('/account')).body.webhook_url).toBe(receiver.url);
    for (const url of [`${s.base}${path}`, `http://localhost:${port}${path}`, `http://[::1]:${port}${path}`]) {
      expect((await psp('/account/webhook', { method: 'PUT', body: { url } })).body, url).toMatchObject({ webhook_url: url, webhook_target: url });
    }
    expect((await psp('/account/webhook', { method: 'PUT', body: { url: receiver.url } })).status).toBe(200);
  });

  it('never posts to a webhook URL stored before the rule: the attempt is logged as refused and not retried', async () => {
    let hits = 0;
    const elsewhere = http.createServer((_req, res) => {
      hits++;
      res.end('secret internal answer');
    });
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/hook`;
    try {
      await setAccountWebhookUrl(s.ctx.db, acct.accountId, url);
      const c = await newCheckout();
      await psp(`/checkouts/${c.id}/cancel`, { method: 'POST' });
      await drain();
      clock.advance(60_000);
      await drain();
      expect(hits).toBe(0);
      const events = (await psp('/events?type=checkout.canceled&limit=1')).body.data;
      expect(events[0].deliveries).toEqual([
        {
          url,
          status_code: null,
          error: expect.stringMatching(/^refused: the webhook URL is not an address of this server/),
          attempted_at: expect.any(Number),
        },
      ]);
    } finally {
      await setAccountWebhookUrl(s.ctx.db, acct.accountId, receiver.url);
      await new Promise((r) => elsewhere.close(r));
    }
  });

  it('does not exist in live mode', async () => {
    const app = Fastify();
    await registerSandboxPsp(app as unknown as App, { ...sandboxContext(s.ctx), mode: 'live' });
    expect((await app.inject({ url: '/sandbox/psp/v1/account' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/sandbox/psp/pay/scs_01jz0000000000000000000000' })).statusCode).toBe(404);
    await app.close();
  });

  it('stays out of chatcart’s OpenAPI document', async () => {
    const doc = await s.api('/openapi.json', { key: null });
    expect(Object.keys(doc.body.paths).filter((p) => p.startsWith('/sandbox'))).toEqual([]);
  });
});

describe('checkouts', () => {
  it('creates idempotently and refuses a duplicate reference or a changed body', async () => {
    const body = checkoutBody({ description: 'Two chai', customer: { name: 'Asha' }, upi: true });
    const a = await psp('/checkouts', { body, headers: { 'idempotency-key': 'same-key' } });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      object: 'checkout',
      status: 'open',
      amount: 49_800,
      currency: 'INR',
      reference_id: body.reference_id,
      description: 'Two chai',
      expires_at: body.expires_at,
      payments: [],
    });
    expect(a.body.id).toMatch(/^scs_/);
    expect(a.body.url).toBe(`${s.ctx.publicUrl}/sandbox/psp/pay/${a.body.id}`);
    expect(a.body.upi_intent).toBe(`upi://pay?pa=chatcart.sandbox@psp&pn=Sandbox&tr=${body.reference_id}&am=498.00&cu=INR`);
    const again = await psp('/checkouts', { body: { ...body }, headers: { 'idempotency-key': 'same-key' } });
    expect(again.body.id).toBe(a.body.id);
    expectErr(await psp('/checkouts', { body: { ...body, amount: 1 }, headers: { 'idempotency-key': 'same-key' } }), 400, 'idempotency_mismatch');
    expectErr(await psp('/checkouts', { body, headers: { 'idempotency-key': 'other-key' } }), 400, 'duplicate_reference');
    expectErr(await psp('/checkouts', { body: checkoutBody() }), 400, 'bad_request');
    expectErr(await psp('/checkouts', { body: { ...checkoutBody(), colour: 'red' }, headers: { 'idempotency-key': 'x' } }), 400, 'bad_request');
    expectErr(await psp('/checkouts', { body: checkoutBody({ amount: 0 }), headers: { 'idempotency-key': 'y' } }), 400, 'bad_request');
  });

  it('looks a checkout up by id or reference, only within its account', async () => {
    const c = await newCheckout();
    expect((await psp(`/checkouts/${c.id}`)).body).toEqual(c);
    expect((await psp(`/checkouts?reference_id=${c.reference_id}`)).body).toEqual({ object: 'list', data: [c] });
    expectErr(await psp('/checkouts/scs_nope'), 404, 'not_found');
    const other = await ensureSandboxPspAccount(s.ctx.db, (await otherMerchant(s)).merchantId);
    expectErr(await psp(`/checkouts/${c.id}`, { creds: other }), 404, 'not_found');
    expectErr(await psp(`/checkouts/${c.id}/cancel`, { method: 'POST', creds: other }), 404, 'not_found');
    expectErr(await psp(`/checkouts/${c.id}/pay`, { body: { outcome: 'success' }, creds: other }), 404, 'not_found');
    expect((await psp(`/checkouts?reference_id=${c.reference_id}`, { creds: other })).body.data).toEqual([]);
  });
});

describe('paying and webhooks', () => {
  it('pay page success: 303 to return_url, payment.captured and a thin checkout.paid, both signed', async () => {
    const c = await newCheckout();
    const res = await payForm(c.id, 'success');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('http://shop.example/pay/tok');
    const after = (await psp(`/checkouts/${c.id}`)).body;
    expect(after.status).toBe('paid');
    expect(after.payments).toEqual([
      {
        id: expect.stringMatching(/^spay_/),
        object: 'payment',
        status: 'captured',
        amount: 49_800,
        amount_refunded: 0,
        currency: 'INR',
        fee: 1175,
        tax: 179,
        checkout_id: c.id,
        reference_id: c.reference_id,
        created_at: expect.any(Number),
      },
    ]);
    await drain();
    expect(receiver.hits).toHaveLength(2);
    for (const h of receiver.hits) {
      expect(verifySandboxSignature(h.raw, h.headers['x-sandbox-signature'], [acct.webhookSecret], clock.now())).toBe('ok');
      expect(verifySandboxSignature(h.raw, h.headers['x-sandbox-signature'], ['another'], clock.now())).toBe('mismatch');
      expect(h.headers['x-sandbox-event-id']).toBe(h.body.id);
      expect(h.headers['content-type']).toBe('application/json');
      expect(h.body).toMatchObject({ id: expect.stringMatching(/^sev_/), created: expect.any(Number), account: acct.accountId });
    }
    const payment = after.payments[0];
    expect(ofType('payment.captured')[0]!.body.data).toEqual({
      payment: { id: payment.id, checkout_id: c.id, reference_id: c.reference_id, amount: 49_800, currency: 'INR', status: 'captured', fee: 1175, tax: 179 },
    });
    expect(ofType('checkout.paid')[0]!.body.data).toEqual({ checkout: { id: c.id, reference_id: c.reference_id } });
    // Paying again is refused: the page says so with a 409.
    expect((await payForm(c.id, 'success')).status).toBe(409);
  });

  it('pending, then captured after the checkout expired (a late payment)', async () => {
    const c = await newCheckout({ expires_at: nowS() + 120 });
    const p = await psp(`/checkouts/${c.id}/pay`, { body: { outcome: 'pending' } });
    expect(p.body).toMatchObject({ object: 'payment', status: 'pending', checkout_id: c.id });
    clock.advance(200_000);
    expect((await psp(`/checkouts/${c.id}`)).body.status).toBe('expired');
    const page = await payForm(c.id, 'success');
    expect(page.status).toBe(409);
    expect(await page.text()).toContain('expired');
    await drain();
    expect(ofType('payment.pending')).toHaveLength(1);
    expect(ofType('checkout.expired')[0]!.body.data).toEqual({ checkout: { id: c.id, reference_id: c.reference_id, status: 'expired' } });
    const cap = await psp(`/payments/${p.body.id}/capture`, { method: 'POST' });
    expect(cap.body).toMatchObject({ id: p.body.id, status: 'captured' });
    expectErr(await psp(`/payments/${p.body.id}/capture`, { method: 'POST' }), 400, 'invalid_state');
    await drain();
    expect(ofType('payment.captured')[0]!.body.data.payment).toMatchObject({ id: p.body.id, status: 'captured', amount: 49_800 });
    expect((await psp(`/payments/${p.body.id}`)).body.status).toBe('captured');
  });

  it('failure, from the control and from pending', async () => {
    const c = await newCheckout();
    expect((await psp(`/checkouts/${c.id}/pay`, { body: { outcome: 'failure' } })).body.status).toBe('failed');
    const p = await psp(`/checkouts/${c.id}/pay`, { body: { outcome: 'pending', amount: 100 } });
    expect(p.body.amount).toBe(100);
    expect((await psp(`/payments/${p.body.id}/fail`, { method: 'POST' })).body.status).toBe('failed');
    await drain();
    expect(ofType('payment.failed').map((h) => h.body.data.payment.status)).toEqual(['failed', 'failed']);
    expect((await psp(`/checkouts/${c.id}`)).body.status).toBe('open');
  });

  it('cancel: emits checkout.canceled; a paid checkout cannot be canceled', async () => {
    const c = await newCheckout();
    expect((await psp(`/checkouts/${c.id}/cancel`, { method: 'POST' })).body.status).toBe('canceled');
    expect((await psp(`/checkouts/${c.id}/cancel`, { method: 'POST' })).body.status).toBe('canceled');
    expect((await payForm(c.id, 'success')).status).toBe(409);
    // The page does not blame the shop for what may be an expired bill.
    const page = await (await fetch(`${s.base}/sandbox/psp/pay/${c.id}`)).text();
    expect(page).toContain('closed by the shop: the bill expired or was canceled');
    const paid = await newCheckout();
    await psp(`/checkouts/${paid.id}/pay`, { body: { outcome: 'success' } });
    expectErr(await psp(`/checkouts/${paid.id}/cancel`, { method: 'POST' }), 400, 'invalid_state');
    await drain();
    expect(ofType('checkout.canceled').map((h) => h.body.data)).toEqual([{ checkout: { id: c.id, reference_id: c.reference_id, status: 'canceled' } }]);
  });

  it('retries a webhook the receiver refused, with the same event id', async () => {
    receiver.answers = [500];
    const c = await newCheckout();
    await psp(`/checkouts/${c.id}/cancel`, { method: 'POST' });
    await drain();
    expect(receiver.hits).toHaveLength(1);
    clock.advance(5_000);
    await drain();
    expect(receiver.hits).toHaveLength(2);
    expect(receiver.hits[1]!.headers['x-sandbox-event-id']).toBe(receiver.hits[0]!.headers['x-sandbox-event-id']);
    const events = (await psp('/events?type=checkout.canceled&limit=1')).body.data;
    expect(events[0].deliveries.map((d: any) => d.status_code)).toEqual([500, 200]);
    // The status only: what the receiver answered ('ok') is not echoed into the log.
    expect(events[0].deliveries.map((d: any) => d.error)).toEqual(['answered 500', null]);
  });
});

describe('refunds and disputes', () => {
  it('refunds with an Idempotency-Key, refuses an over-refund, settles and emits refund.succeeded', async () => {
    const c = await newCheckout();
    const pay = (await psp(`/checkouts/${c.id}/pay`, { body: { outcome: 'success' } })).body;
    expectErr(await psp('/refunds', { body: { payment_id: pay.id, amount: 100 } }), 400, 'bad_request');
    expectErr(
      await psp('/refunds', { body: { payment_id: pay.id, amount: 49_801 }, headers: { 'idempotency-key': 'rfd_over' } }),
      400,
      'amount_exceeds_refundable',
    );
    const r = await psp('/refunds', { body: { payment_id: pay.id, amount: 49_800, reason: 'customer asked' }, headers: { 'idempotency-key': 'rfd_e2e_1' } });
    expect(r.body).toMatchObject({ id: expect.stringMatching(/^srf_/), status: 'pending', payment_id: pay.id, amount: 49_800, currency: 'INR' });
    expect(
      (await psp('/refunds', { body: { payment_id: pay.id, amount: 49_800, reason: 'customer asked' }, headers: { 'idempotency-key': 'rfd_e2e_1' } })).body.id,
    ).toBe(r.body.id);
    expectErr(await psp('/refunds', { body: { payment_id: pay.id, amount: 1 }, headers: { 'idempotency-key': 'rfd_e2e_1' } }), 400, 'idempotency_mismatch');
    expectErr(
      await psp('/refunds', { body: { payment_id: pay.id, amount: 1 }, headers: { 'idempotency-key': 'rfd_e2e_2' } }),
      400,
      'amount_exceeds_refundable',
    );
    clock.advance(3_000);
    await drain();
    expect(ofType('refund.succeeded').map((h) => h.body.data)).toEqual([
      { refund: { id: r.body.id, payment_id: pay.id, amount: 49_800, currency: 'INR', status: 'succeeded', idempotency_key: 'rfd_e2e_1' } },
    ]);
    expect((await psp(`/refunds/${r.body.id}`)).body.status).toBe('succeeded');
    expect((await psp(`/payments/${pay.id}`)).body).toMatchObject({ status: 'refunded', amount_refunded: 49_800 });
    expect((await psp(`/checkouts/${c.id}`)).body.payments[0].status).toBe('refunded');
  });

  it('opens and closes a dispute', async () => {
    const c = await newCheckout();
    const pay = (await psp(`/checkouts/${c.id}/pay`, { body: { outcome: 'success' } })).body;
    const d = await psp('/disputes', { body: { payment_id: pay.id, reason: 'product_not_received' } });
    expect(d.body).toMatchObject({ id: expect.stringMatching(/^sdp_/), status: 'open', amount: 49_800 });
    expect((await psp(`/disputes/${d.body.id}/close`, { body: { outcome: 'won' } })).body.status).toBe('won');
    await drain();
    expect(ofType('dispute.opened')[0]!.body.data.dispute).toEqual({
      id: d.body.id,
      payment_id: pay.id,
      amount: 49_800,
      currency: 'INR',
      reason: 'product_not_received',
      status: 'open',
    });
    expect(ofType('dispute.won')).toHaveLength(1);
  });
});

describe('chaos', () => {
  it('duplicate: the same event arrives twice, with the same event id', async () => {
    expect((await psp('/account/chaos', { method: 'PUT', body: { duplicate: 1 } })).body).toEqual({
      duplicate: 1,
      reorder: false,
      delay_ms: 0,
      drop: 0,
      fail_refunds: 0,
      fee_rate: 0.02,
      fee_tax_rate: 0.18,
    });
    try {
      const c = await newCheckout();
      await psp(`/checkouts/${c.id}/cancel`, { method: 'POST' });
      await drain();
      expect(receiver.hits).toHaveLength(2);
      expect(new Set(receiver.hits.map((h) => h.headers['x-sandbox-event-id'])).size).toBe(1);
      for (const h of receiver.hits) expect(verifySandboxSignature(h.raw, h.headers['x-sandbox-signature'], [acct.webhookSecret], clock.now())).toBe('ok');
    } finally {
      await psp('/account/chaos', { method: 'PUT', body: {} });
    }
  });

  it('drop: nothing is delivered, the lookup still tells the truth', async () => {
    await psp('/account/chaos', { method: 'PUT', body: { drop: 1 } });
    try {
      const c = await newCheckout();
      await psp(`/checkouts/${c.id}/pay`, { body: { outcome: 'success' } });
      clock.advance(60_000);
      await drain();
      expect(receiver.hits).toEqual([]);
      expect((await psp(`/checkouts/${c.id}`)).body.status).toBe('paid');
      const [latest] = (await psp('/events?limit=1')).body.data;
      expect(latest.deliveries).toEqual([expect.objectContaining({ error: expect.stringContaining('dropped') })]);
    } finally {
      await psp('/account/chaos', { method: 'PUT', body: {} });
    }
  });
});

describe('pay page', () => {
  it('escapes what it shows, sets a strict CSP, and a GET changes nothing', async () => {
    const c = await newCheckout({ reference_id: '<script>alert(1)</script>', description: '<script>x()</script> & "quotes"', amount: 28_500 });
    const before = (await psp(`/checkouts/${c.id}`)).body;
    const events = (await psp('/events?limit=100')).body.data.length;
    const res = await fetch(`${s.base}/sandbox/psp/pay/${c.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://shop.example; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).not.toContain('<script');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('&#38; &#34;quotes&#34;');
    expect(html).toContain('Sandbox payment — no real money');
    expect(html).toContain('INR 285.00');
    for (const id of ['pay-success', 'pay-pending', 'pay-failure', 'cancel']) expect(html).toContain(`data-testid="${id}"`);
    expect((await psp(`/checkouts/${c.id}`)).body).toEqual(before);
    expect((await psp('/events?limit=100')).body.data.length).toBe(events);
  });

  it('answers 404 for an unknown checkout and 400 for an unknown outcome; without return_url, a done page', async () => {
    expect((await fetch(`${s.base}/sandbox/psp/pay/scs_01jz0000000000000000000000`)).status).toBe(404);
    const c = await newCheckout({ return_url: undefined });
    expect((await payForm(c.id, 'maybe')).status).toBe(400);
    const res = await payForm(c.id, 'pending');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/sandbox/psp/pay/${c.id}/done`);
    const done = await fetch(`${s.base}/sandbox/psp/pay/${c.id}/done`);
    expect(await done.text()).toContain('Payment pending');
  });
});
