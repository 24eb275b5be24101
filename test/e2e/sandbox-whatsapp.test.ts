// The local WhatsApp Cloud API double over real HTTP, as the WhatsApp adapter (and a
// merchant's test suite) uses it: Bearer auth, Meta's error envelope and codes, the
// status webhooks of a send (signed over the raw bytes, in Meta's envelope), the
// 24-hour window, throughput and pair limits, the simulated customer, and chaos.
import http from 'node:http';
import { sandboxContext } from '../../src/composition/sandbox-host.ts';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/platform/http/app.ts';
import { registerSandboxWhatsApp } from '../../packages/sandbox/src/whatsapp/wa.routes.ts';
import { setWebhookUrl } from '../../packages/sandbox/src/whatsapp/wa.repository.ts';
import { updateNumber } from '../../src/modules/whatsapp/whatsapp-numbers.repository.ts';
import { otherMerchant } from '../support/e2e.ts';
import { hmac, newCustomer, useWaHarness, type WaHarness } from '../support/wa-sandbox.ts';

let h: WaHarness;
let pnid: string;

const wa = useWaHarness();
beforeAll(() => {
  ({ h, pnid } = wa);
});

const text = (to: string, body = 'Hello', extra: Record<string, unknown> = {}) => h.send({ to, type: 'text', text: { body }, ...extra });
const expectGraphError = (r: { status: number; body: any }, status: number, code: number, details?: RegExp) => {
  expect(r.status).toBe(status);
  expect(r.body.error).toMatchObject({ code, type: expect.any(String), message: expect.any(String), fbtrace_id: expect.any(String) });
  if (details) expect(r.body.error.error_data?.details ?? r.body.error.message).toMatch(details);
  return r.body.error;
};
const statusesOf = (wamid: string) => h.statuses().filter((s) => s.id === wamid);

describe('Graph API: auth and envelope', () => {
  it('answers 190 without or with a wrong token, 100/33 for a number that is not the token’s', async () => {
    const body = { messaging_product: 'whatsapp', to: '919800000001', type: 'text', text: { body: 'x' } };
    const none = await h.graph(`/v24.0/${pnid}/messages`, { body, token: null });
    expect(expectGraphError(none, 401, 190)).toMatchObject({ type: 'OAuthException', message: expect.stringContaining('Invalid OAuth access token') });
    expect(none.headers.get('www-authenticate')).toMatch(/^OAuth "Facebook Platform" "invalid_token"/);
    expectGraphError(await h.graph(`/v24.0/${pnid}/messages`, { body, token: 'nope' }), 401, 190);
    const unknown = expectGraphError(await h.graph('/v24.0/123456789012345/messages', { body }), 400, 100);
    expect(unknown).toMatchObject({ error_subcode: 33, message: expect.stringContaining("Object with ID '123456789012345' does not exist") });
    const other = await otherMerchant(h.s, 'Other WA');
    const { getNumberByMerchant } = await import('../../src/modules/whatsapp/whatsapp-numbers.repository.ts');
    const theirs = (await getNumberByMerchant(h.s.ctx.db, other.merchantId))!;
    expectGraphError(await h.graph(`/v24.0/${theirs.phone_number_id}/messages`, { body }), 400, 100);
    expectGraphError(await h.graph(`/v24.0/${pnid}/messages`, { body, token: theirs.sandbox_access_token }), 400, 100);
    // Any recent-looking version is served; garbage is not a path.
    expect((await h.graph(`/v99.9/${pnid}`, {})).body).toMatchObject({ id: pnid, throughput: { level: 'STANDARD' } });
    expectGraphError(await h.graph(`/latest/${pnid}/messages`, { body }), 400, 2500);
  });

  it('does not exist in live mode; webhooks go to /webhooks/whatsapp unless overridden', async () => {
    const app = Fastify();
    await registerSandboxWhatsApp(app as unknown as App, { ...sandboxContext(h.s.ctx), mode: 'live' });
    expect((await app.inject({ method: 'POST', url: `/sandbox/graph/v24.0/${pnid}/messages` })).statusCode).toBe(404);
    expect((await app.inject({ url: `/sandbox/whatsapp/numbers/${pnid}` })).statusCode).toBe(404);
    await app.close();
    const reset = await h.graph(`/webhook/${pnid}`, { method: 'PUT', body: { url: null } });
    expect(reset.body).toMatchObject({ webhook_url: null, webhook_target: `${h.s.ctx.publicUrl}/webhooks/whatsapp` });
    expect((await h.graph(`/webhook/${pnid}`, { method: 'PUT', body: { url: h.receiver.url } })).body.webhook_target).toBe(h.receiver.url);
  });

  it('points webhooks only at this server itself; any other address is refused with Meta’s error 100', async () => {
    const port = new URL(h.s.base).port;
    const path = '/webhooks/whatsapp';
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.7/hook',
      'https://example.com/hook',
      `http://127.0.0.1:1${path}`,
      `http://0.0.0.0:${port}${path}`,
      `https://127.0.0.1:${port}${path}`,
      `http://127.0.0.1:${port}@evil.example${path}`,
      `http://user:pw@127.0.0.1:${port}${path}`,
    ]) {
      expectGraphError(await h.graph(`/webhook/${pnid}`, { method: 'PUT', body: { url } }), 400, 100, /Param url must be an address of this server/);
    }
    expect((await h.graph(`/chaos/${pnid}`)).body.webhook_url).toBe(h.receiver.url);
    for (const url of [`${h.s.base}${path}`, `http://localhost:${port}${path}`, `http://[::1]:${port}${path}`, `${h.s.ctx.publicUrl}/anything?x=1`]) {
      expect((await h.graph(`/webhook/${pnid}`, { method: 'PUT', body: { url } })).body, url).toMatchObject({ webhook_url: url, webhook_target: url });
    }
    expect((await h.graph(`/webhook/${pnid}`, { method: 'PUT', body: { url: h.receiver.url } })).status).toBe(200);
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
      await setWebhookUrl(h.s.ctx.db, pnid, url, h.clock.now());
      await h.customerSays(newCustomer());
      await h.settle(10_000);
      expect(hits).toBe(0);
      const log = (await h.graph(`/deliveries/${pnid}?limit=50`)).body.data.filter((d: any) => d.url === url);
      // One attempt per webhook, none retried.
      expect(log.length).toBeGreaterThan(0);
      for (const d of log)
        expect(d).toMatchObject({ status_code: null, error: expect.stringMatching(/^refused: the webhook URL is not an address of this server/) });
      expect(new Set(log.map((d: any) => d.event_ids.join())).size).toBe(log.length);
    } finally {
      await setWebhookUrl(h.s.ctx.db, pnid, h.receiver.url, h.clock.now());
      await new Promise((r) => elsewhere.close(r));
    }
  });

  it('refuses bad envelopes with Meta’s codes, synchronously', async () => {
    const to = newCustomer();
    expectGraphError(await h.graph(`/v24.0/${pnid}/messages`, { body: { to, text: { body: 'x' } } }), 400, 100, /messaging_product is required/);
    expectGraphError(await h.send({ messaging_product: 'sms', to, text: { body: 'x' } }), 400, 100, /must be one of \{WHATSAPP\}/);
    expectGraphError(await h.send({ to, type: 'fax', fax: {} }), 400, 100, /Param type must be one of/);
    expectGraphError(await h.send({ to, type: 'text', text: { body: 'x' }, colour: 'red' }), 400, 100, /Unexpected key "colour"/);
    expectGraphError(await h.send({ type: 'text', text: { body: 'x' } }), 400, 100, /to is required/);
    expectGraphError(await h.send({ to: 'not-a-number', type: 'text', text: { body: 'x' } }), 400, 131009);
    expectGraphError(await h.send({ to, type: 'text', text: {} }), 400, 131008);
    const long = expectGraphError(await text(to, 'x'.repeat(4097)), 400, 131009, /4096/);
    expect(long).toMatchObject({ message: '(#131009) Parameter value is not valid', error_data: { messaging_product: 'whatsapp' } });
    expectGraphError(await h.send({ to: h.number.display_phone_number, type: 'text', text: { body: 'x' } }), 400, 131021);
    expect((await text(to, 'x'.repeat(4096))).status).toBe(200);
  });

  it('validates interactive messages and templates', async () => {
    const to = newCustomer();
    await h.customerSays(to);
    const i = (interactive: Record<string, unknown>) => h.send({ to, type: 'interactive', interactive });
    expectGraphError(
      await i({ type: 'cta_url', body: { text: 'Pay' }, action: { name: 'cta_url', parameters: { display_text: 'Pay now', url: 'javascript:alert(1)' } } }),
      400,
      131009,
      /url/,
    );
    expect(
      (
        await i({
          type: 'cta_url',
          body: { text: 'Pay' },
          action: { name: 'cta_url', parameters: { display_text: 'Pay now', url: 'https://shop.example/pay/x' } },
        })
      ).status,
    ).toBe(200);
    const four = [1, 2, 3, 4].map((n) => ({ type: 'reply', reply: { id: `b${n}`, title: `B${n}` } }));
    expectGraphError(await i({ type: 'button', body: { text: 'Pick' }, action: { buttons: four } }), 400, 131009, /1 to 3/);
    expectGraphError(await i({ type: 'button', body: { text: 'x'.repeat(1025) }, action: { buttons: four.slice(0, 2) } }), 400, 131009, /1024/);
    const catalogId = h.number.catalog_id;
    expectGraphError(await i({ type: 'product', action: { catalog_id: catalogId, product_retailer_id: 'no-such-sku' } }), 400, 131009, /Products not found/);
    expect((await i({ type: 'product', action: { catalog_id: catalogId, product_retailer_id: 'masala-chai' } })).status).toBe(200);
    const list = {
      type: 'product_list',
      header: { type: 'text', text: 'Menu' },
      body: { text: 'Pick' },
      action: {
        catalog_id: catalogId,
        sections: [{ title: 'Tea', product_items: [{ product_retailer_id: 'masala-chai' }, { product_retailer_id: 'filter-coffee' }] }],
      },
    };
    expect((await i(list)).status).toBe(200);
    expectGraphError(await i({ ...list, header: undefined }), 400, 131008);
    expectGraphError(
      await i({
        type: 'flow',
        body: { text: 'Go' },
        action: {
          name: 'flow',
          parameters: { flow_message_version: '3', flow_id: '1', flow_cta: 'Book', flow_action: 'data_exchange', flow_action_payload: { screen: 'A' } },
        },
      }),
      400,
      131009,
    );
    const tpl = (template: Record<string, unknown>) => h.send({ to, type: 'template', template });
    expectGraphError(await tpl({ name: 'no_such_template', language: { code: 'en_US' } }), 400, 132001);
    expectGraphError(
      await tpl({ name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'A1' }] }] }),
      400,
      132000,
    );
    expect(
      (
        await tpl({
          name: 'order_update',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'A1' },
                { type: 'text', text: 'shipped' },
              ],
            },
          ],
        })
      ).status,
    ).toBe(200);
  });
});

describe('status webhooks', () => {
  it('text send: wamid, then sent, delivered and read, signed over the raw bytes in Meta’s envelope', async () => {
    const to = newCustomer();
    await h.customerSays(to);
    const r = await text(`+${to}`, 'Your chai is on its way', { biz_opaque_callback_data: 'ord_1' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: `+${to}`, wa_id: to }],
      messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/]+=*$/) }],
    });
    const wamid = r.body.messages[0].id;
    await h.settle();
    expect(statusesOf(wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const hit of h.receiver.hits) {
      expect(hit.headers['x-hub-signature-256']).toBe(hmac(h.secret, hit.raw));
      expect(hit.headers['content-type']).toBe('application/json');
      // Every byte is ASCII (non-ASCII is sent \u-escaped, as Meta does).
      expect([...hit.raw].every((b) => b < 0x80)).toBe(true);
      expect(hit.body.object).toBe('whatsapp_business_account');
    }
    const hit = h.receiver.hits.find((x) => x.body.entry[0].changes[0].value.statuses?.[0]?.id === wamid)!;
    expect(hit.body.entry[0]).toMatchObject({
      id: h.number.waba_id,
      changes: [
        {
          field: 'messages',
          value: { messaging_product: 'whatsapp', metadata: { display_phone_number: h.number.display_phone_number, phone_number_id: pnid } },
        },
      ],
    });
    const sent = statusesOf(wamid)[0];
    expect(sent).toEqual({
      id: wamid,
      status: 'sent',
      timestamp: expect.stringMatching(/^\d{10}$/),
      recipient_id: to,
      recipient_user_id: expect.stringMatching(/^IN\.[A-Z0-9]{20}$/),
      biz_opaque_callback_data: 'ord_1',
      pricing: { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
    });
    const convo = await h.call(`/sandbox/customers/${to}/messages?phone_number_id=${pnid}`);
    expect(convo.body.data.map((m: any) => [m.direction, m.type, m.status, m.preview])).toEqual([
      ['out', 'text', 'delivered', 'Hi'],
      ['in', 'text', 'read', 'Your chai is on its way'],
    ]);
    expect(convo.body).toMatchObject({ wa_id: to, phone_number_id: pnid, has_more: false, window_expires_at: expect.any(Number) });
  });

  it('24-hour window: free-form to a customer who never wrote is accepted, then fails with 131047', async () => {
    const to = newCustomer();
    const r = await text(to);
    expect(r.status).toBe(200);
    const wamid = r.body.messages[0].id;
    await h.settle();
    const [failed, ...rest] = statusesOf(wamid);
    expect(rest).toEqual([]);
    expect(failed).toEqual({
      id: wamid,
      status: 'failed',
      timestamp: expect.any(String),
      recipient_id: to,
      errors: [expect.objectContaining({ code: 131047, title: 'Re-engagement message', error_data: { details: expect.stringContaining('24 hours') } })],
    });
    // A template goes through outside the window.
    const t = await h.send({ to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    await h.settle();
    expect(statusesOf(t.body.messages[0].id).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(statusesOf(t.body.messages[0].id)[0].pricing).toMatchObject({ billable: true, category: 'utility', type: 'regular' });
    // The customer writes: the window opens.
    await h.customerSays(to, 'ok');
    const again = await text(to);
    await h.settle();
    expect(statusesOf(again.body.messages[0].id).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    // 24 h later it is closed again.
    h.clock.advance(24 * 3600_000 + 1000);
    const late = await text(to);
    await h.settle();
    expect(statusesOf(late.body.messages[0].id).map((s) => [s.status, s.errors?.[0]?.code])).toEqual([['failed', 131047]]);
    const convo = await h.call(`/sandbox/customers/${to}/messages?phone_number_id=${pnid}`);
    expect(convo.body.data.at(-1)).toMatchObject({ status: 'failed', error: { code: 131047 } });
    expect(convo.body.window_expires_at).toBeNull();
  });

  it('throughput: above throughput_per_second within a second is 130429; the next second is fine', async () => {
    await updateNumber(h.s.ctx.db, h.s.merchantId, { throughput_per_second: 2 }, h.clock.now());
    try {
      h.clock.advance(2_000);
      expect((await text(newCustomer())).status).toBe(200);
      expect((await text(newCustomer())).status).toBe(200);
      const busy = expectGraphError(await text(newCustomer()), 400, 130429);
      expect(busy).toMatchObject({ message: '(#130429) Rate limit hit', error_data: { details: 'Cloud API message throughput has been reached.' } });
      h.clock.advance(1_001);
      expect((await text(newCustomer())).status).toBe(200);
    } finally {
      await updateNumber(h.s.ctx.db, h.s.merchantId, { throughput_per_second: 80 }, h.clock.now());
    }
  });

  it('pair limit: a burst of 10 to one recipient, then 131056 until the bucket refills (1 per 6 s)', async () => {
    const to = newCustomer();
    await h.customerSays(to);
    h.clock.advance(1_001);
    for (let i = 0; i < 10; i++) expect((await text(to, `m${i}`)).status).toBe(200);
    expectGraphError(await text(to, 'one too many'), 400, 131056, /same phone number/);
    expect((await text(newCustomer(), 'another customer is fine')).status).toBe(200);
    h.clock.advance(6_000);
    expect((await text(to, 'after 6 s')).status).toBe(200);
    expectGraphError(await text(to, 'and again too soon'), 400, 131056);
  });

  it('mark as read: {"success":true}, blue ticks on the customer’s message; unknown ids are 100', async () => {
    const to = newCustomer();
    const inbound = await h.customerSays(to, 'Do you have chai?');
    expect((await h.send({ status: 'read', message_id: inbound, typing_indicator: { type: 'text' } })).body).toEqual({ success: true });
    const convo = await h.call(`/sandbox/customers/${to}/messages?phone_number_id=${pnid}`);
    expect(convo.body.data[0]).toMatchObject({ id: inbound, direction: 'out', status: 'read' });
    expectGraphError(await h.send({ status: 'read', message_id: 'wamid.nope' }), 400, 100);
  });
});

describe('simulated customer', () => {
  it('delivers the customer’s message signed, in Meta’s inbound envelope, non-ASCII escaped', async () => {
    const to = newCustomer();
    const r = await h.call(`/sandbox/customers/${to}/messages`, {
      body: { phone_number_id: pnid, type: 'text', text: { body: 'Chai ☕ très bon' }, name: 'Asha' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.stringMatching(/^wamid\./) });
    await h.drain();
    const hit = h.receiver.hits.find((x) => x.body.entry[0].changes[0].value.messages?.[0]?.id === r.body.id)!;
    expect(hit.headers['x-hub-signature-256']).toBe(hmac(h.secret, hit.raw));
    expect(hit.raw.toString('latin1')).toContain('\\u2615');
    expect(hit.raw.toString('latin1')).toContain('tr\\u00e8s');
    expect(hit.body.entry[0].changes[0].value).toEqual({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: h.number.display_phone_number, phone_number_id: pnid },
      contacts: [{ profile: { name: 'Asha' }, wa_id: to, user_id: expect.stringMatching(/^IN\.[A-Z0-9]{20}$/) }],
      messages: [
        {
          from: to,
          from_user_id: expect.stringMatching(/^IN\.[A-Z0-9]{20}$/),
          id: r.body.id,
          timestamp: expect.stringMatching(/^\d{10}$/),
          type: 'text',
          text: { body: 'Chai ☕ très bon' },
        },
      ],
    });
    // Our webhook took it: two grey ticks on the phone.
    const convo = await h.call(`/sandbox/customers/${to}/messages?phone_number_id=${pnid}`);
    expect(convo.body).toMatchObject({ name: 'Asha', data: [{ id: r.body.id, direction: 'out', status: 'delivered', payload: { body: 'Chai ☕ très bon' } }] });
  });

  it('sends a cart priced from the catalog, replies to buttons, and refuses unknown numbers', async () => {
    const to = newCustomer();
    const cart = await h.call(`/sandbox/customers/${to}/messages`, {
      body: { phone_number_id: pnid, type: 'order', order: { product_items: [{ product_retailer_id: 'masala-chai', quantity: 2 }] } },
    });
    expect(cart.status).toBe(201);
    const reply = await h.call(`/sandbox/customers/${to}/messages`, {
      body: {
        phone_number_id: pnid,
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'pay', title: 'Pay' } },
        context: { id: cart.body.id },
      },
    });
    expect(reply.status).toBe(201);
    await h.drain();
    // Webhooks are not ordered (Meta delivers concurrently): find each by type.
    const order = h.inbound().find((m) => m.from === to && m.type === 'order');
    const button = h.inbound().find((m) => m.from === to && m.type === 'interactive');
    expect(order).toMatchObject({
      type: 'order',
      order: { catalog_id: h.number.catalog_id, product_items: [{ product_retailer_id: 'masala-chai', quantity: 2, item_price: 249, currency: 'INR' }] },
    });
    expect(button).toMatchObject({
      type: 'interactive',
      context: { from: h.number.display_phone_number, id: cart.body.id },
      interactive: { type: 'button_reply', button_reply: { id: 'pay', title: 'Pay' } },
    });
    expectGraphError(
      await h.call(`/sandbox/customers/${to}/messages`, {
        body: { phone_number_id: pnid, type: 'order', order: { product_items: [{ product_retailer_id: 'nope', quantity: 1 }] } },
      }),
      400,
      131009,
    );
    expectGraphError(await h.call(`/sandbox/customers/${to}/messages`, { body: { phone_number_id: '999', type: 'text', text: { body: 'x' } } }), 404, 100);
    expectGraphError(await h.call(`/sandbox/customers/abc/messages`, { body: { phone_number_id: pnid, type: 'text', text: { body: 'x' } } }), 400, 100);
    expectGraphError(await h.call(`/sandbox/customers/${to}/messages?phone_number_id=999`), 404, 100);
  });

  it('the number card shows the shop and its catalog, never the token', async () => {
    const r = await h.call(`/sandbox/whatsapp/numbers/${pnid}`);
    expect(r.body).toMatchObject({ phone_number_id: pnid, display_phone_number: h.number.display_phone_number, catalog_id: h.number.catalog_id });
    expect(r.body.catalog.map((p: any) => p.retailer_id)).toContain('masala-chai');
    expect(JSON.stringify(r.body)).not.toContain(h.number.sandbox_access_token);
    expect((await h.call('/sandbox/whatsapp/numbers/424242')).status).toBe(404);
  });
});

describe('delivery and chaos', () => {
  it('retries a delivery our endpoint refused, with backoff, and logs the attempts', async () => {
    const to = newCustomer();
    h.receiver.answers = [500, 503];
    const id = await h.customerSays(to);
    await h.settle(30_000);
    expect(h.inbound().filter((m) => m.id === id)).toHaveLength(3);
    const log = await h.graph(`/deliveries/${pnid}?limit=3`);
    expect(log.body.data.map((d: any) => d.status_code)).toEqual([200, 503, 500]);
    // The status only: what the receiver answered is not echoed into the log.
    expect(log.body.data[1]).toMatchObject({ url: h.receiver.url, error: 'answered 503' });
  });

  it('duplicate: every POST arrives twice, byte for byte', async () => {
    await h.setChaos({ duplicate: 1 });
    const to = newCustomer();
    await h.customerSays(to);
    const r = await text(to);
    await h.settle();
    const mine = h.receiver.hits.filter((x) => x.body.entry[0].changes[0].value.statuses?.[0]?.id === r.body.messages[0].id);
    expect(mine).toHaveLength(6);
    const raws = mine.map((x) => x.raw.toString());
    for (const raw of raws) expect(raws.filter((x) => x === raw)).toHaveLength(2);
  });

  it('batch: several changes in one POST, over more than one entry; reorder and skip_delivered keep every status', async () => {
    const chaos = await h.graph(`/chaos/${pnid}`, { method: 'PUT', body: { batch: true, reorder: true, skip_delivered: 1 } });
    expect(chaos.body).toMatchObject({ webhook_url: h.receiver.url, chaos: { batch: 1, reorder: true, skip_delivered: 1, duplicate: 0 } });
    const to = newCustomer();
    await h.customerSays(to);
    await h.settle(5_000);
    h.receiver.hits = [];
    const a = await text(to, 'one');
    const b = await text(to, 'two');
    await h.settle();
    const changes = h.receiver.hits.map((x) => x.body.entry.reduce((n: number, e: any) => n + e.changes.length, 0));
    expect(Math.max(...changes)).toBeGreaterThan(1);
    expect(h.receiver.hits.some((x) => x.body.entry.length > 1)).toBe(true);
    for (const wamid of [a.body.messages[0].id, b.body.messages[0].id])
      expect(
        statusesOf(wamid)
          .map((s) => s.status)
          .sort(),
      ).toEqual(['read', 'sent']);
    for (const hit of h.receiver.hits) expect(hit.headers['x-hub-signature-256']).toBe(hmac(h.secret, hit.raw));
  });

  it('drop_read: the customer never reads; reading on the phone sends read later; chaos needs the token', async () => {
    await h.setChaos({ drop_read: 1 });
    const to = newCustomer();
    await h.customerSays(to);
    const r = await text(to);
    await h.settle();
    const wamid = r.body.messages[0].id;
    expect(statusesOf(wamid).map((s) => s.status)).toEqual(['sent', 'delivered']);
    const read = await h.call(`/sandbox/customers/${to}/read`, { body: { phone_number_id: pnid } });
    expect(read.body).toEqual({ read: [wamid] });
    await h.drain();
    expect(statusesOf(wamid).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expectGraphError(await h.graph(`/chaos/${pnid}`, { method: 'PUT', body: {}, token: 'nope' }), 401, 190);
  });
});
