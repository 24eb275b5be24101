// Harness for tests of the WhatsApp Cloud API double: a chatcart server without
// background workers (tests drive the job runner and the manual clock), the demo
// merchant's sandbox number, and a webhook receiver on 127.0.0.1 that the number's
// webhooks are pointed at, keeping raw bodies and headers (added to the server's own
// origins, the only places the double posts to).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { ManualClock } from '../../src/adapters/clock/clock.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/whatsapp.numbers.ts';
import { getNumberByMerchant, type WhatsAppNumberRow } from '../../src/modules/whatsapp/whatsapp-numbers.repository.ts';
import { startTestServer, type TestServer } from './server.ts';

export interface Hit {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  body: any;
}

export interface WaHarness {
  s: TestServer;
  clock: ManualClock;
  number: WhatsAppNumberRow;
  secret: string;
  receiver: { hits: Hit[]; answers: number[]; url: string };
  /** Graph API call with the number's token unless `token` says otherwise (null: none). */
  graph(path: string, init?: { method?: string; body?: unknown; token?: string | null }): Promise<{ status: number; body: any; headers: Headers }>;
  /** POST /{pnid}/messages. */
  send(body: Record<string, unknown>): Promise<{ status: number; body: any; headers: Headers }>;
  /** /sandbox/… call without auth. */
  call(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: any; headers: Headers }>;
  /** The customer writes text (opens the 24-hour window). */
  customerSays(waId: string, body?: string): Promise<string>;
  /** Runs due jobs until none is left. */
  drain(): Promise<void>;
  /** Moves the clock on in steps and drains: every planned status and delivery happens. */
  settle(ms?: number): Promise<void>;
  /** Every statuses[] item received, in arrival order. */
  statuses(): any[];
  /** Every messages[] item received. */
  inbound(): any[];
  setChaos(chaos: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export const hmac = (secret: string, raw: Buffer) => `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;

let nextCustomer = 0;
/** A fresh customer wa_id per call, so the pair limit of one test never touches another. */
export const newCustomer = () => `9198${String(process.pid % 1000).padStart(3, '0')}${String(++nextCustomer).padStart(5, '0')}`;

export async function startWaHarness(): Promise<WaHarness> {
  const s = await startTestServer({ jobs: false });
  const clock = s.ctx.clock as ManualClock;
  const number = (await getNumberByMerchant(s.ctx.db, s.merchantId))!;
  const secret = await whatsappAppSecret(s.ctx, s.ctx.db);
  const receiver = { hits: [] as Hit[], answers: [] as number[], url: '' };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      receiver.hits.push({ headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) });
      res.writeHead(receiver.answers.shift() ?? 200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;

  const request = async (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) => {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(s.base + path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const graph: WaHarness['graph'] = (path, init = {}) =>
    request(`/sandbox/graph${path}`, { ...init, token: init.token === undefined ? number.sandbox_access_token : init.token });
  const drain = async () => {
    for (let i = 0; i < 50 && (await s.runner.runOnce(100)) > 0; i++);
  };
  const h: WaHarness = {
    s,
    clock,
    number,
    secret,
    receiver,
    graph,
    send: (body) => graph(`/v24.0/${number.phone_number_id}/messages`, { body: { messaging_product: 'whatsapp', ...body } }),
    call: (path, init) => request(path, init ?? {}),
    async customerSays(waId, body = 'Hi') {
      const r = await request(`/sandbox/customers/${waId}/messages`, { body: { phone_number_id: number.phone_number_id, type: 'text', text: { body } } });
      if (r.status !== 201) throw new Error(`customer message refused: ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    },
    drain,
    async settle(ms = 20_000) {
      await drain();
      for (let t = 0; t < ms; t += 1_000) {
        clock.advance(1_000);
        await drain();
      }
    },
    statuses: () => receiver.hits.flatMap((x) => x.body.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.statuses ?? []))),
    inbound: () => receiver.hits.flatMap((x) => x.body.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.messages ?? []))),
    async setChaos(chaos) {
      const r = await graph(`/chaos/${number.phone_number_id}`, { method: 'PUT', body: chaos });
      if (r.status !== 200) throw new Error(`chaos refused: ${JSON.stringify(r.body)}`);
    },
    async close() {
      await new Promise((r) => server.close(r));
      await s.close();
    },
  };
  // The double posts only to this server's own addresses; this receiver stands in for its webhook route.
  s.ctx.ownOrigins.add(new URL(receiver.url).origin);
  const w = await graph(`/webhook/${number.phone_number_id}`, { method: 'PUT', body: { url: receiver.url } });
  if (w.status !== 200) throw new Error(`webhook override refused: ${JSON.stringify(w.body)}`);
  return h;
}

/** A valid India payment-gateway order_details interactive, totals adding up (1 × 249.00 + 2 × 50.00 + tax 10.00). */
export function orderDetails(referenceId: string, over: { parameters?: Record<string, unknown>; order?: Record<string, unknown>; expiresAt?: number } = {}) {
  const order: Record<string, unknown> = {
    status: 'pending',
    expiration: { timestamp: String(over.expiresAt ?? Math.floor(Date.now() / 1000) + 3600), description: 'Pay within an hour' },
    items: [
      {
        retailer_id: 'masala-chai',
        name: 'Masala chai',
        amount: { value: 24_900, offset: 100 },
        quantity: 1,
        country_of_origin: 'India',
        importer_name: 'Demo Shop',
        importer_address: { address_line1: '1 MG Road', city: 'Bengaluru', zone_code: 'KA', postal_code: '560001', country_code: 'IN' },
      },
      {
        name: 'Gift wrap',
        amount: { value: 6_000, offset: 100 },
        sale_amount: { value: 5_000, offset: 100 },
        quantity: 2,
        country_of_origin: 'India',
        importer_name: 'Demo Shop',
        importer_address: { address_line1: '1 MG Road', city: 'Bengaluru', zone_code: 'KA', postal_code: '560001', country_code: 'IN' },
      },
    ],
    subtotal: { value: 34_900, offset: 100 },
    tax: { value: 1_000, offset: 100, description: 'GST' },
    ...over.order,
  };
  return {
    type: 'order_details',
    body: { text: 'Your order' },
    action: {
      name: 'review_and_pay',
      parameters: {
        reference_id: referenceId,
        type: 'digital-goods',
        payment_settings: [
          {
            type: 'payment_gateway',
            payment_gateway: { type: 'razorpay', configuration_name: 'sandbox-razorpay', razorpay: { receipt: referenceId, notes: { shop: 'demo' } } },
          },
        ],
        currency: 'INR',
        total_amount: { value: 35_900, offset: 100 },
        order,
        ...over.parameters,
      },
    },
  };
}

/**
 * The set-up the Cloud API double's e2e tests share: one harness for the file, and before
 * each test chaos off, the previous test's statuses settled, and the receiver's hits and
 * scripted answers cleared. Read `h` and `pnid` from the returned object (set in beforeAll).
 */
export function useWaHarness() {
  const w = { h: undefined as unknown as WaHarness, pnid: '' };
  beforeAll(async () => {
    w.h = await startWaHarness();
    w.pnid = w.h.number.phone_number_id;
  });
  afterAll(async () => {
    await w.h?.close();
  });
  beforeEach(async () => {
    await w.h.setChaos({});
    await w.h.settle(5_000);
    w.h.receiver.hits = [];
    w.h.receiver.answers = [];
  });
  return w;
}
