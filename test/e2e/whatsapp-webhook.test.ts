// POST /webhooks/whatsapp end to end, with Meta-shaped bodies (whatsapp.md §2,
// sample-payloads.md §5) signed with the app secret and routed to the demo merchant's
// sandbox number: the signature gate (401, nothing stored), storage before the 200,
// verification (GET), batching, redelivery, out-of-order statuses, statuses that wait
// for their message, unknown numbers, and the conversation in GET /v1/messages.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { signWebhook } from '../../src/adapters/whatsapp/signature.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/whatsapp.numbers.ts';
import { STATUS_WAIT_ATTEMPTS } from '../../src/modules/whatsapp/whatsapp.inbound.ts';
import { JobRunner } from '../../src/platform/jobs/runner.ts';
import { whatsappJobHandlers } from '../../src/modules/whatsapp/whatsapp.jobs.ts';
import { getSystemSetting } from '../../src/modules/merchants/merchants.repository.ts';
import { expectError } from '../support/e2e.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

const clock = new ManualClock(new Date());
let s: TestServer;
let secret: string;
let pnid: string;
let display: string;
let wabaId: string;
/** Runs only the webhook processing jobs, so other work (bills, sends) never interferes. */
let inbox: JobRunner;

beforeAll(async () => {
  s = await startTestServer({ clock });
  secret = await whatsappAppSecret(s.ctx, s.ctx.db);
  const settings = (await s.api('/v1/settings/whatsapp')).body;
  pnid = settings.phone_number_id;
  display = settings.display_phone_number;
  wabaId = settings.waba_id;
  inbox = new JobRunner({
    db: s.ctx.db,
    clock,
    log: pino({ level: 'silent' }),
    handlers: { 'whatsapp.inbox.process': whatsappJobHandlers(s.ctx)['whatsapp.inbox.process']! },
    concurrency: 20,
    leaseMs: 60_000,
    pollMs: 50,
  });
});
afterAll(async () => {
  await s?.close();
});

// ---- Meta's envelope

const unix = () => String(Math.floor(clock.now().getTime() / 1000));
let seq = 0;
const wamid = (tag = 'in') => `wamid.HBgM${tag}${Date.now().toString(36)}${(++seq).toString(36).padStart(4, '0')}AA==`;
let nextWa = 0;
const newWaId = () => `9198${String(process.pid % 1000).padStart(3, '0')}${String(++nextWa).padStart(5, '0')}`;

type Change = { field?: string; value: unknown };
const envelope = (entries: Change[][], entryId = wabaId) => ({
  object: 'whatsapp_business_account',
  entry: entries.map((changes) => ({ id: entryId, changes: changes.map((c) => ({ value: c.value, field: c.field ?? 'messages' })) })),
});
const metadata = (phoneNumberId = pnid) => ({ display_phone_number: display, phone_number_id: phoneNumberId });
const messagesValue = (waId: string, messages: unknown[], o: { name?: string; phoneNumberId?: string } = {}) => ({
  messaging_product: 'whatsapp',
  metadata: metadata(o.phoneNumberId),
  contacts: [{ profile: { name: o.name ?? 'Kerry Fisher' }, wa_id: waId }],
  messages,
});
const statusesValue = (statuses: unknown[], phoneNumberId = pnid) => ({ messaging_product: 'whatsapp', metadata: metadata(phoneNumberId), statuses });
const message = (waId: string, type: string, payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  from: waId,
  id: wamid(),
  timestamp: unix(),
  type,
  ...payload,
  ...extra,
});
const pricing = { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' };
const status = (id: string, st: string, recipient: string, extra: Record<string, unknown> = {}) => ({
  id,
  status: st,
  timestamp: unix(),
  recipient_id: recipient,
  ...(st === 'failed' ? {} : { conversation: { id: '7270432eae37498234f4444b35ffc5', origin: { type: 'service' } }, pricing }),
  ...extra,
});
const single = (value: unknown) => envelope([[{ value }]]);

// ---- HTTP and database helpers

async function post(body: unknown, sig: string | null | 'sign' = 'sign') {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
  if (sig === 'sign') headers['x-hub-signature-256'] = signWebhook(secret, raw);
  else if (sig !== null) headers['x-hub-signature-256'] = sig;
  const res = await fetch(`${s.base}/webhooks/whatsapp`, { method: 'POST', headers, body: raw });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers, raw };
}

async function postOk(body: unknown) {
  const r = await post(body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r;
}

const one = async <T = any>(sql: string, params: unknown[] = []) => (await s.ctx.db.query<T>(sql, params))[0] as T;
const inboxCount = async () => (await one<{ n: number }>(`select count(*)::int as n from whatsapp_inbox`)).n;
const inboxRowOf = (raw: string) =>
  one<{ id: string; status: string; note: string | null }>(`select id, status, note from whatsapp_inbox where body = $1`, [raw]);
const item = (dedupeKey: string) =>
  one<{ kind: string; status: string; note: string | null; inbox_id: string; merchant_id: string | null }>(
    `select * from whatsapp_items where dedupe_key = $1`,
    [dedupeKey],
  );
const messageByWamid = (w: string) => one<any>(`select * from whatsapp_messages where phone_number_id = $1 and wamid = $2`, [pnid, w]);
const countMessages = async (w: string) => (await one<{ n: number }>(`select count(*)::int as n from whatsapp_messages where wamid = $1`, [w])).n;

/** Runs the webhook jobs until none is due. */
async function runWebhookJobs() {
  for (let i = 0; i < 50 && (await inbox.runOnce(20)) > 0; i++);
}

/** An outbound message we "sent" earlier, as the send job would have recorded it. */
async function outbound(waId: string, st = 'sent'): Promise<{ id: string; wamid: string }> {
  const id = `msg_t${Date.now().toString(36)}${(++seq).toString(36)}`;
  const w = wamid('out');
  const now = clock.now();
  await s.ctx.db.query(
    `insert into whatsapp_messages (id, merchant_id, phone_number_id, wa_id, direction, wamid, type, payload, status, essential, created_at, updated_at, sent_at)
     values ($1, $2, $3, $4, 'out', $5, 'text', $6, $7, true, $8, $8, $8)`,
    [id, s.merchantId, pnid, waId, w, JSON.stringify({ body: { type: 'text', text: { body: 'Hello' } }, purpose: 'test' }), st, now],
  );
  return { id, wamid: w };
}

describe('signature gate', () => {
  it('unsigned, wrongly signed or malformed signatures: 401 and nothing stored', async () => {
    const body = JSON.stringify(single(messagesValue(newWaId(), [message('0', 'text', { text: { body: 'hi' } })])));
    const before = await inboxCount();
    const cases: [string, string | null][] = [
      ['no header', null],
      ['another secret', signWebhook('not-the-app-secret', body)],
      ['signature of another body', signWebhook(secret, `${body} `)],
      ['sha1 scheme', `sha1=${'0'.repeat(40)}`],
      ['garbage', 'sha256=zz'],
      ['empty', ''],
    ];
    for (const [name, sig] of cases) {
      const r = await post(body, sig);
      expect(r.status, name).toBe(401);
      expectError({ status: r.status, body: r.body, headers: r.headers }, 401, 'unauthorized');
    }
    // A body tampered with after signing.
    const sig = signWebhook(secret, body);
    expect((await post(body.replace('"hi"', '"ho"'), sig)).status).toBe(401);
    expect(await inboxCount()).toBe(before);
  });

  it('signed but not JSON: 400 and nothing stored', async () => {
    const before = await inboxCount();
    for (const raw of ['not json', '{"object":', '']) {
      const r = await post(raw);
      expect(r.status, raw).toBe(400);
      expectError({ status: r.status, body: r.body, headers: r.headers }, 400, 'validation_error');
    }
    expect(await inboxCount()).toBe(before);
  });

  it("a customer's message goes in the urgent lane, a body of delivery statuses in the bulk one", async () => {
    const laneOf = async (raw: string) => {
      const row = await inboxRowOf(raw);
      return (
        await one<{ priority: number }>(
          `select priority from jobs where kind = 'whatsapp.inbox.process' and payload->'inbox_ids' @> jsonb_build_array($1::text)`,
          [row.id],
        )
      ).priority;
    };
    const words = await postOk(single(messagesValue(newWaId(), [message('0', 'text', { text: { body: 'where is my order?' } })])));
    const wa = newWaId();
    const sent = await outbound(wa);
    const statuses = await postOk(single(statusesValue([status(sent.wamid, 'delivered', wa)])));
    expect(await laneOf(words.raw)).toBe(10);
    expect(await laneOf(statuses.raw)).toBe(0);
    await runWebhookJobs();
  });

  it('valid: 200, and the body is committed before the answer', async () => {
    const before = await inboxCount();
    const r = await postOk(single(messagesValue(newWaId(), [message('0', 'text', { text: { body: 'stored first' } })])));
    expect(r.body).toEqual({ received: true });
    // No job has run: the row exists because the intake committed it before answering.
    const row = await inboxRowOf(r.raw);
    expect(row).toBeDefined();
    expect(row.status).toBe('received');
    expect(await inboxCount()).toBe(before + 1);
    const job = await one<{ status: string }>(
      `select status from jobs where kind = 'whatsapp.inbox.process' and payload->'inbox_ids' @> jsonb_build_array($1::text)`,
      [row.id],
    );
    expect(job?.status).toBe('queued');
    // Any signed JSON is kept, whatever its shape (nothing is dropped).
    const odd = await postOk({ hello: 'world' });
    expect(await inboxRowOf(odd.raw)).toBeDefined();
    await runWebhookJobs();
    expect((await inboxRowOf(odd.raw)).status).toBe('processed');
    expect(
      (
        await item(
          (
            await s.ctx.db.query<{ dedupe_key: string }>(`select dedupe_key from whatsapp_items where inbox_id = $1`, [(await inboxRowOf(odd.raw)).id])
          )[0]!.dedupe_key,
        )
      ).status,
    ).toBe('ignored');
  });
});

describe('verification (GET)', () => {
  const verify = (q: Record<string, string>) => fetch(`${s.base}/webhooks/whatsapp?${new URLSearchParams(q)}`);

  it('echoes hub.challenge as text/plain for the right token, 403 otherwise', async () => {
    // The first GET creates the sandbox verify token.
    const wrong = await verify({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'wrong-token' });
    expect(wrong.status).toBe(403);
    const token = await getSystemSetting<string>(s.ctx.db, 'sandbox_whatsapp_verify_token');
    expect(typeof token).toBe('string');
    const ok = await verify({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': token! });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    expect((await verify({ 'hub.mode': 'unsubscribe', 'hub.challenge': '1', 'hub.verify_token': token! })).status).toBe(403);
    expect((await verify({ 'hub.mode': 'subscribe', 'hub.challenge': '1' })).status).toBe(403);
    expect((await verify({ 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': `${token}x` })).status).toBe(403);
  });
});

describe('every inbound kind', () => {
  it('stores and applies text, product enquiry, cart, replies, template button, statuses, payment status, configuration update and unknowns', async () => {
    const wa = newWaId();
    const out = await outbound(wa);
    const failedOut = await outbound(wa);
    const order = (await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: wa, name: 'Kerry' } }) })).body;
    expect(order.reference_id, JSON.stringify(order)).toBeTruthy();

    const text = message(wa, 'text', { text: { body: 'Hello this is an answer' } });
    const enquiry = message(
      wa,
      'text',
      { text: { body: 'Does it come in another color?' } },
      { context: { from: display, id: out.wamid, referred_product: { catalog_id: '194836987003835', product_retailer_id: 'masala-chai' } } },
    );
    const cart = message(
      wa,
      'order',
      {
        order: {
          catalog_id: '194836987003835',
          text: '',
          product_items: [{ product_retailer_id: 'masala-chai', quantity: 2, item_price: 249, currency: 'INR' }],
        },
      },
      { context: { from: display, id: out.wamid } },
    );
    const buttonReply = message(
      wa,
      'interactive',
      { interactive: { type: 'button_reply', button_reply: { id: 'confirm', title: 'Confirm' } } },
      { context: { from: display, id: out.wamid } },
    );
    const listReply = message(wa, 'interactive', {
      interactive: { type: 'list_reply', list_reply: { id: 'row-1', title: 'Masala chai', description: '250 g' } },
    });
    const nfm = message(
      wa,
      'interactive',
      {
        interactive: {
          type: 'nfm_reply',
          nfm_reply: { response_json: '{"flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s.","delivery_rating":"4"}', body: 'Sent', name: 'flow' },
        },
      },
      { context: { from: display, id: out.wamid } },
    );
    const templateButton = message(wa, 'button', { button: { text: 'Track order', payload: 'track' } }, { context: { from: display, id: out.wamid } });
    const sticker = message(wa, 'sticker', { sticker: { id: '1234567890', mime_type: 'image/webp', animated: false } });
    const unsupported = message(wa, 'unsupported', {
      errors: [
        { code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } },
      ],
    });
    const inbound = [text, enquiry, cart, buttonReply, listReply, nfm, templateButton, sticker, unsupported];

    const bodies: unknown[] = [
      ...inbound.map((m) => single(messagesValue(wa, [m]))),
      single(
        statusesValue([
          status(out.wamid, 'sent', wa, {
            biz_opaque_callback_data: out.id,
            conversation: { id: 'c1', expiration_timestamp: Number(unix()) + 86_400, origin: { type: 'service' } },
          }),
        ]),
      ),
      single(statusesValue([status(out.wamid, 'delivered', wa)])),
      single(statusesValue([status(out.wamid, 'read', wa)])),
      single(
        statusesValue([
          status(failedOut.wamid, 'failed', wa, {
            errors: [
              {
                code: 130472,
                title: "User's number is part of an experiment",
                message: "User's number is part of an experiment",
                error_data: { details: "Failed to send message because this user's phone number is part of an experiment" },
                href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
              },
            ],
          }),
        ]),
      ),
      single(
        statusesValue([
          {
            id: wamid('pay'),
            from: wa,
            type: 'payment',
            status: 'captured',
            payment: {
              reference_id: order.reference_id,
              amount: { value: order.total, offset: 100 },
              currency: 'INR',
              transaction: {
                id: 'order_abc',
                pg_transaction_id: 'pay_abc',
                type: 'razorpay',
                status: 'success',
                created_timestamp: Number(unix()),
                updated_timestamp: Number(unix()),
                method: { type: 'upi' },
              },
            },
            timestamp: unix(),
          },
        ]),
      ),
      single(
        statusesValue([{ id: wamid('pay'), from: wa, type: 'payment', status: 'pending', payment: { reference_id: 'no-such-bill-1' }, timestamp: unix() }]),
      ),
      {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: wabaId,
            time: Number(unix()),
            changes: [
              {
                field: 'payment_configuration_update',
                value: {
                  configuration_name: 'test-razorpay',
                  provider_name: 'razorpay',
                  provider_mid: 'mid_123',
                  status: 'Active',
                  created_timestamp: Number(unix()),
                  updated_timestamp: Number(unix()),
                },
              },
            ],
          },
        ],
      },
      envelope([[{ field: 'account_update', value: { phone_number: display, event: 'VERIFIED_ACCOUNT' } }]]),
    ];
    for (const b of bodies) await postOk(b);
    await runWebhookJobs();

    const expectItem = async (key: string, kind: string, st: string, note?: RegExp) => {
      const it = await item(key);
      expect(it, key).toBeDefined();
      expect({ key, kind: it.kind, status: it.status }).toEqual({ key, kind, status: st });
      if (note) expect(it.note ?? '').toMatch(note);
      return it;
    };
    for (const m of inbound) {
      const it = await expectItem(`msg:${m.id}`, 'message', 'processed');
      expect(it.merchant_id).toBe(s.merchantId);
      const row = await messageByWamid(m.id);
      expect(row, m.type).toBeDefined();
      expect(row.direction).toBe('in');
      expect(row.status).toBe('received');
      expect(row.payload).toEqual(m);
    }
    expect((await messageByWamid(text.id)).type).toBe('text');
    expect((await messageByWamid(cart.id)).type).toBe('order');
    expect((await messageByWamid(nfm.id)).type).toBe('nfm_reply');
    expect((await messageByWamid(templateButton.id)).type).toBe('button');
    // Media keep WhatsApp's type (fetched by a job: docs/whatsapp.md "Media customers send").
    expect((await messageByWamid(sticker.id)).type).toBe('sticker');
    expect((await messageByWamid(unsupported.id)).type).toBe('unsupported');

    // The cart became an order priced from our catalog (not from item_price).
    const cartItem = await item(`msg:${cart.id}`);
    expect(cartItem.note).toMatch(/^order ord_/);
    const cartOrder = (await s.api(`/v1/orders/${cartItem.note!.slice('order '.length)}`)).body;
    expect(cartOrder.metadata).toMatchObject({ source: 'whatsapp_cart', cart_wamid: cart.id });
    expect(cartOrder.items[0]).toMatchObject({ retailer_id: 'masala-chai', quantity: 2 });
    expect((await messageByWamid(cart.id)).order_id).toBe(cartOrder.id);

    // Statuses: sent → delivered → read; failed keeps Meta's error.
    for (const st of ['sent', 'delivered', 'read']) await expectItem(`st:${out.wamid}:${st}`, 'status', 'processed');
    expect((await messageByWamid(out.wamid)).status).toBe('read');
    await expectItem(`st:${failedOut.wamid}:failed`, 'status', 'processed');
    const failed = await messageByWamid(failedOut.wamid);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 130472, title: "User's number is part of an experiment", details: expect.stringContaining('experiment') });
    const failedEvent = await one<any>(`select * from events where merchant_id = $1 and type = 'message.failed' and data->>'wamid' = $2`, [
      s.merchantId,
      failedOut.wamid,
    ]);
    expect(failedEvent?.data?.error?.code).toBe(130472);

    // Payment status: only a trigger for a lookup of the bill it names.
    const payItem = await expectItem(`pay:${order.reference_id}:captured:order_abc`, 'payment_status', 'processed', /^lookup of pay_/);
    expect(payItem.note).toBe(`lookup of ${order.payment.id}`);
    const lookup = await one<any>(`select * from jobs where kind = 'payment.lookup' and payload->>'payment_id' = $1`, [order.payment.id]);
    expect(lookup).toBeDefined();
    await expectItem('pay:no-such-bill-1:pending:', 'payment_status', 'unroutable', /no bill with reference/);
    // The lookup decides, not the webhook: the order is not paid yet.
    expect((await s.api(`/v1/orders/${order.id}`)).body.payment_status).not.toBe('paid');

    // payment_configuration_update: the number's configuration list and an event.
    const settings = (await s.api('/v1/settings/whatsapp')).body;
    expect(settings.payment_configurations).toContainEqual(expect.objectContaining({ name: 'test-razorpay', provider: 'razorpay', status: 'Active' }));
    const cfgEvent = await one<any>(`select * from events where merchant_id = $1 and type = 'whatsapp.payment_configuration_updated'`, [s.merchantId]);
    expect(cfgEvent?.data).toMatchObject({ configuration_name: 'test-razorpay', status: 'Active' });

    // Unknown field: kept whole, ignored.
    const other = await one<any>(`select * from whatsapp_items where kind = 'other' and note = 'field:account_update'`);
    expect(other?.status).toBe('ignored');
    expect(other.item.value).toEqual({ phone_number: display, event: 'VERIFIED_ACCOUNT' });

    // Every body of this test was processed.
    const open = await one<{ n: number }>(`select count(*)::int as n from whatsapp_inbox where status <> 'processed'`);
    expect(open.n).toBe(0);

    // The conversation, newest first, both directions.
    const conv = (await s.api(`/v1/messages?wa_id=${wa}&limit=100`)).body.data as any[];
    const wamids = conv.map((m) => m.wamid);
    for (const m of inbound) expect(wamids).toContain(m.id);
    expect(conv.find((m) => m.wamid === out.wamid)).toMatchObject({ direction: 'outbound', status: 'read' });
    expect(conv.find((m) => m.wamid === failedOut.wamid)).toMatchObject({
      direction: 'outbound',
      status: 'failed',
      error: expect.objectContaining({ code: 130472 }),
    });
    expect(conv.find((m) => m.wamid === text.id)).toMatchObject({ direction: 'inbound', type: 'text', content: text });
    // The customer wrote: the 24-hour window is open and the name is known.
    const contact = await one<any>(`select * from customers where merchant_id = $1 and wa_id = $2`, [s.merchantId, wa]);
    expect(contact.profile_name).toBe('Kerry Fisher');
    expect(contact.last_inbound_at).toBeTruthy();
  });
});

describe('batches and redelivery', () => {
  it('2 entries × 2 changes: every item is processed', async () => {
    const [a, b] = [newWaId(), newWaId()];
    const outA = await outbound(a);
    const m1 = message(a, 'text', { text: { body: 'one' } });
    const m2 = message(b, 'text', { text: { body: 'two' } });
    const m3 = message(b, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } } });
    const body = envelope([
      [{ value: messagesValue(a, [m1]) }, { value: statusesValue([status(outA.wamid, 'delivered', a)]) }],
      [{ value: messagesValue(b, [m2]) }, { value: messagesValue(b, [m3]) }],
    ]);
    const r = await postOk(body);
    await runWebhookJobs();
    expect((await inboxRowOf(r.raw)).note).toBe('4 item(s)');
    for (const m of [m1, m2, m3]) expect((await item(`msg:${m.id}`)).status).toBe('processed');
    expect((await messageByWamid(m2.id)).wa_id).toBe(b);
    expect((await messageByWamid(outA.wamid)).status).toBe('delivered');
  });

  it('1,000 statuses in one body: every one is applied, in bulk', async () => {
    const wa = newWaId();
    const now = clock.now();
    const tag = `bulk${Date.now().toString(36)}`;
    await s.ctx.db.query(
      `insert into whatsapp_messages (id, merchant_id, phone_number_id, wa_id, direction, wamid, type, payload, status, essential, created_at, updated_at, sent_at)
       select 'msg_' || $5 || g, $1, $2, $3, 'out', 'wamid.' || $5 || g, 'text', '{}'::jsonb, 'sent', true, $4, $4, $4 from generate_series(1, 1000) g`,
      [s.merchantId, pnid, wa, now, tag],
    );
    const statuses = Array.from({ length: 1000 }, (_, i) => status(`wamid.${tag}${i + 1}`, i % 2 ? 'read' : 'delivered', wa));
    const r = await postOk(single(statusesValue(statuses)));
    expect(Buffer.byteLength(r.raw)).toBeGreaterThan(200_000);
    const before = s.ctx.db.stats();
    await runWebhookJobs();
    const after = s.ctx.db.stats();
    expect((await inboxRowOf(r.raw)).status).toBe('processed');
    // Applied in bulk (whatsapp.statuses.ts): a few statements for the whole body, not five per status.
    expect(after.statements - before.statements).toBeLessThan(40);
    expect(after.commits - before.commits).toBeLessThan(10);
    const counts = await s.ctx.db.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from whatsapp_messages where wamid like $1 group by status order by status`,
      [`wamid.${tag}%`],
    );
    expect(counts).toEqual([
      { status: 'delivered', n: 500 },
      { status: 'read', n: 500 },
    ]);
    const items = await one<{ n: number }>(`select count(*)::int as n from whatsapp_items where inbox_id = $1 and status = 'processed'`, [
      (await inboxRowOf(r.raw)).id,
    ]);
    expect(items.n).toBe(1000);
  });

  it('the same body redelivered, and the same items in another body, are no-ops', async () => {
    const wa = newWaId();
    const out = await outbound(wa);
    const m = message(wa, 'text', { text: { body: 'only once' } });
    const body = JSON.stringify(envelope([[{ value: messagesValue(wa, [m]) }, { value: statusesValue([status(out.wamid, 'delivered', wa)]) }]]));
    await postOk(body);
    await runWebhookJobs();
    const after1 = await messageByWamid(out.wamid);
    expect(after1.status).toBe('delivered');
    const events1 = (await one<{ n: number }>(`select count(*)::int as n from events where merchant_id = $1`, [s.merchantId])).n;

    // Meta retries the identical bytes (at least once), twice.
    await postOk(body);
    await postOk(body);
    clock.advance(1_000);
    // The same items again, split differently and next to a new one.
    const m2 = message(wa, 'text', { text: { body: 'new' } });
    const mixed = envelope([[{ value: statusesValue([status(out.wamid, 'delivered', wa)]) }], [{ value: messagesValue(wa, [m2, m]) }]]);
    const r3 = await postOk(mixed);
    await runWebhookJobs();

    expect(await countMessages(m.id)).toBe(1);
    expect(await countMessages(out.wamid)).toBe(1);
    expect(await countMessages(m2.id)).toBe(1);
    const after2 = await messageByWamid(out.wamid);
    expect(after2.status).toBe('delivered');
    expect(after2.updated_at).toEqual(after1.updated_at); // one status change, not three
    expect((await item(`st:${out.wamid}:delivered`)).status).toBe('processed');
    expect((await one<{ n: number }>(`select count(*)::int as n from whatsapp_items where dedupe_key = $1`, [`msg:${m.id}`])).n).toBe(1);
    // The new item of the mixed body was processed (its message.received is the one new event); no event came from the duplicates.
    expect((await item(`msg:${m2.id}`)).inbox_id).toBe((await inboxRowOf(r3.raw)).id);
    expect((await one<{ n: number }>(`select count(*)::int as n from events where merchant_id = $1`, [s.merchantId])).n).toBe(events1 + 1);
    // Every copy is kept (stored before the 200) and processed.
    const copies = await s.ctx.db.query<{ status: string }>(`select status from whatsapp_inbox where body = $1`, [body]);
    expect(copies.map((c) => c.status)).toEqual(['processed', 'processed', 'processed']);

    // The same item twice inside one body (one change repeating it, another change too).
    const m3 = message(wa, 'text', { text: { body: 'twice in one body' } });
    const out3 = await outbound(wa);
    const r4 = await postOk(
      envelope([
        [{ value: messagesValue(wa, [m3, m3]) }, { value: statusesValue([status(out3.wamid, 'read', wa), status(out3.wamid, 'read', wa)]) }],
        [{ value: messagesValue(wa, [m3]) }],
      ]),
    );
    await runWebhookJobs();
    expect((await inboxRowOf(r4.raw)).status).toBe('processed');
    expect(await countMessages(m3.id)).toBe(1);
    expect((await messageByWamid(out3.wamid)).status).toBe('read');
  });
});

describe('statuses', () => {
  it('out of order (read before delivered, sent last, failed after read) never move backwards', async () => {
    const wa = newWaId();
    const out = await outbound(wa);
    await postOk(single(statusesValue([status(out.wamid, 'read', wa)])));
    await runWebhookJobs();
    expect((await messageByWamid(out.wamid)).status).toBe('read');
    for (const st of ['delivered', 'sent', 'failed']) {
      await postOk(single(statusesValue([status(out.wamid, st, wa, st === 'failed' ? { errors: [{ code: 131000, title: 'Something went wrong' }] } : {})])));
    }
    await runWebhookJobs();
    const m = await messageByWamid(out.wamid);
    expect(m.status).toBe('read');
    expect(m.error).toBeNull();
    expect((await item(`st:${out.wamid}:delivered`)).note).toBe('kept read (got delivered)');
    expect((await item(`st:${out.wamid}:failed`)).note).toBe('kept read (got failed)');

    // In one body, reversed: the end state is the furthest status.
    const out2 = await outbound(wa);
    await postOk(single(statusesValue([status(out2.wamid, 'read', wa), status(out2.wamid, 'delivered', wa), status(out2.wamid, 'sent', wa)])));
    await runWebhookJobs();
    expect((await messageByWamid(out2.wamid)).status).toBe('read');
  });

  it('a status for an unknown wamid waits (the job retries) and is applied when its message shows up', async () => {
    const wa = newWaId();
    const w = wamid('late');
    const r = await postOk(single(statusesValue([status(w, 'delivered', wa)])));
    await runWebhookJobs();
    const row = await inboxRowOf(r.raw);
    expect(row.status).toBe('received');
    expect((await item(`st:${w}:delivered`)).status).toBe('received');
    const job = await one<any>(`select * from jobs where kind = 'whatsapp.inbox.process' and payload->'inbox_ids' @> jsonb_build_array($1::text)`, [row.id]);
    expect(job.status).toBe('queued');
    expect(job.attempts).toBe(1);
    expect(job.last_error).toMatch(/wait for their message/);

    // Our send's commit lands: biz_opaque_callback_data is not needed, the wamid is now known.
    const id = `msg_late${Date.now().toString(36)}`;
    await s.ctx.db.query(
      `insert into whatsapp_messages (id, merchant_id, phone_number_id, wa_id, direction, wamid, type, payload, status, essential, created_at, updated_at)
       values ($1, $2, $3, $4, 'out', $5, 'text', '{}'::jsonb, 'sent', true, $6, $6)`,
      [id, s.merchantId, pnid, wa, w, clock.now()],
    );
    clock.advance(60_000);
    await runWebhookJobs();
    expect((await messageByWamid(w)).status).toBe('delivered');
    expect((await inboxRowOf(r.raw)).status).toBe('processed');
  });

  it('a status whose wamid was never recorded but names our message (biz_opaque_callback_data) is matched to it', async () => {
    const wa = newWaId();
    const id = `msg_lost${Date.now().toString(36)}`;
    await s.ctx.db.query(
      `insert into whatsapp_messages (id, merchant_id, phone_number_id, wa_id, direction, wamid, type, payload, status, essential, created_at, updated_at)
       values ($1, $2, $3, $4, 'out', null, 'text', '{}'::jsonb, 'sending', true, $5, $5)`,
      [id, s.merchantId, pnid, wa, clock.now()],
    );
    const w = wamid('lost');
    await postOk(single(statusesValue([status(w, 'sent', wa, { biz_opaque_callback_data: id })])));
    await runWebhookJobs();
    const m = await one<any>(`select * from whatsapp_messages where id = $1`, [id]);
    expect(m).toMatchObject({ wamid: w, status: 'sent' });
  });

  it('a status for a wamid that never appears is set aside as unroutable after the attempts', async () => {
    const wa = newWaId();
    const w = wamid('never');
    const known = await outbound(wa);
    const r = await postOk(single(statusesValue([status(w, 'read', wa), status(known.wamid, 'delivered', wa)])));
    await runWebhookJobs();
    // The other status of the same body does not wait.
    expect((await messageByWamid(known.wamid)).status).toBe('delivered');
    const inboxId = (await inboxRowOf(r.raw)).id;
    for (let i = 0; i < STATUS_WAIT_ATTEMPTS + 2; i++) {
      clock.advance(5 * 60_000);
      await runWebhookJobs();
    }
    const it = await item(`st:${w}:read`);
    expect(it.status).toBe('unroutable');
    expect(it.note).toMatch(/no message with wamid/);
    const job = await one<any>(`select * from jobs where kind = 'whatsapp.inbox.process' and payload->'inbox_ids' @> jsonb_build_array($1::text)`, [inboxId]);
    expect(job.status).toBe('done');
    expect(job.attempts).toBe(STATUS_WAIT_ATTEMPTS);
    expect((await inboxRowOf(r.raw)).status).toBe('processed');
  });
});

describe('routing', () => {
  it('a body for an unknown phone_number_id is stored and its items marked unroutable', async () => {
    const wa = newWaId();
    const stranger = '100000000000999';
    const m = message(wa, 'text', { text: { body: 'wrong number' } });
    const w = wamid('stranger');
    const r = await postOk(
      envelope([[{ value: messagesValue(wa, [m], { phoneNumberId: stranger }) }, { value: statusesValue([status(w, 'delivered', wa)], stranger) }]]),
    );
    expect(await inboxRowOf(r.raw)).toBeDefined();
    await runWebhookJobs();
    for (const key of [`msg:${m.id}`, `st:${w}:delivered`]) {
      const it = await item(key);
      expect(it.status, key).toBe('unroutable');
      expect(it.merchant_id).toBeNull();
      expect(it.note).toContain(stranger);
    }
    expect(await countMessages(m.id)).toBe(0);
    expect((await inboxRowOf(r.raw)).status).toBe('processed');
  });
});
