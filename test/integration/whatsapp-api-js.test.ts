// An independent Cloud API client, whatsapp-api-js, against our local sandbox: it sends
// text and interactive messages (reply buttons, a list, a CTA URL) to the double with the
// sandbox number's token and gets wamids back, and it verifies the X-Hub-Signature-256 of
// every webhook the sandbox emits (captured by pointing the number's webhook target at a
// test receiver) with its own verifyRequestSignature, and reads them with its post().
// (The signWebhook cross-check on fixed bodies is test/integration/whatsapp-api-js-signature.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhatsAppAPI } from 'whatsapp-api-js';
import { ActionButtons, ActionCTA, ActionList, Body, Button, Footer, Header, Interactive, ListSection, Row, Text } from 'whatsapp-api-js/messages';
import { newCustomer, startWaHarness, type WaHarness } from '../support/wa-sandbox.ts';

let h: WaHarness;
let wa: WhatsAppAPI;
let pnid: string;
/** URLs whatsapp-api-js asked for, before and after the rewrite to our sandbox. */
const requested: { url: string; to: string }[] = [];

function client(token: string, appSecret: string): WhatsAppAPI {
  return new WhatsAppAPI({
    token,
    appSecret,
    webhookVerifyToken: 'chatcart-verify',
    v: 'v24.0',
    ponyfill: {
      fetch: (url: string | URL | Request, init?: RequestInit) => {
        const to = String(url).replace('https://graph.facebook.com', `${h.s.base}/sandbox/graph`);
        requested.push({ url: String(url), to });
        return fetch(to, init);
      },
    },
  });
}

beforeAll(async () => {
  h = await startWaHarness();
  pnid = h.number.phone_number_id;
  wa = client(h.number.sandbox_access_token!, h.secret);
});
afterAll(async () => {
  await h?.close();
});

const header = (hit: { headers: Record<string, string | string[] | undefined> }) => {
  const v = hit.headers['x-hub-signature-256'];
  return Array.isArray(v) ? v[0]! : v!;
};

describe('whatsapp-api-js against the sandbox', () => {
  it('sends text and interactive messages and receives wamids', async () => {
    const to = newCustomer();
    await h.customerSays(to, 'Hi, what do you sell?');

    const sent = [
      await wa.sendMessage(pnid, to, new Text('Hello from whatsapp-api-js', true)),
      await wa.sendMessage(
        pnid,
        to,
        new Interactive(
          new ActionButtons(new Button('confirm', 'Confirm'), new Button('cancel', 'Cancel')),
          new Body('Confirm your order of 2 × Masala chai?'),
          new Header('Your order'),
          new Footer('Demo Shop'),
        ),
      ),
      await wa.sendMessage(
        pnid,
        to,
        new Interactive(
          new ActionList(
            'See teas',
            new ListSection('Teas', new Row('masala-chai', 'Masala chai', '250 g, Assam'), new Row('filter-coffee', 'Filter coffee', '500 g')),
            new ListSection('Gifts', new Row('brass-tumbler', 'Brass tumbler')),
          ),
          new Body('What would you like?'),
          new Header('Menu'),
        ),
      ),
      await wa.sendMessage(pnid, to, new Interactive(new ActionCTA('Pay now', 'https://example.com/pay/abc'), new Body('Your bill of INR 498.00'))),
    ];
    expect(requested.every((r) => r.url === `https://graph.facebook.com/v24.0/${pnid}/messages`)).toBe(true);
    for (const r of sent) {
      expect(r, JSON.stringify(r)).toMatchObject({
        messaging_product: 'whatsapp',
        contacts: [{ wa_id: to }],
        messages: [{ id: expect.stringMatching(/^wamid\./) }],
      });
    }
    const wamids = sent.map((r) => (r as { messages: { id: string }[] }).messages[0]!.id);
    expect(new Set(wamids).size).toBe(4);

    // What the double recorded is what the library sent.
    const rows = await h.s.ctx.db.query<{ wamid: string; type: string; body: any }>(
      `select wamid, type, body from sandbox_wa_messages where wamid = any($1::text[]) order by seq`,
      [wamids],
    );
    expect(rows.map((r) => [r.type, r.body.interactive?.type ?? null])).toEqual([
      ['text', null],
      ['interactive', 'button'],
      ['interactive', 'list'],
      ['interactive', 'cta_url'],
    ]);
    expect(rows[1]!.body.interactive.action.buttons).toEqual([
      { type: 'reply', reply: { id: 'confirm', title: 'Confirm' } },
      { type: 'reply', reply: { id: 'cancel', title: 'Cancel' } },
    ]);

    // The statuses of those sends come back as signed webhooks.
    await h.settle(10_000);
    for (const w of wamids)
      expect(
        h
          .statuses()
          .filter((s) => s.id === w)
          .map((s) => s.status),
      ).toEqual(['sent', 'delivered', 'read']);
  });

  it('refuses what Meta refuses: a wrong token is 190, a list over 24 characters a 131009-style error', async () => {
    const to = newCustomer();
    await h.customerSays(to);
    const bad = client('EAAG-not-a-sandbox-token', h.secret);
    const r = (await bad.sendMessage(pnid, to, new Text('x'))) as any;
    expect(r.error).toMatchObject({ code: 190, type: 'OAuthException' });
    // The sandbox enforces the row title limit (24) even when a client does not.
    const row = new Row('long', 'x'.repeat(24));
    (row as unknown as { title: string }).title = 'x'.repeat(25);
    const tooLong = (await wa.sendMessage(pnid, to, new Interactive(new ActionList('Pick', new ListSection('S', row)), new Body('b')))) as any;
    expect(tooLong.error).toMatchObject({ code: expect.any(Number) });
    expect([100, 131008, 131009]).toContain(tooLong.error.code);
  });

  it('verifies the signature of every webhook the sandbox emitted, and reads them with post()', async () => {
    await h.settle(5_000);
    const hits = h.receiver.hits;
    expect(hits.length).toBeGreaterThan(5);
    for (const hit of hits) {
      const raw = hit.raw.toString('utf8');
      expect(Buffer.from(raw, 'utf8').equals(hit.raw)).toBe(true);
      expect(await wa.verifyRequestSignature(raw, header(hit))).toBe(true);
      // One byte changed, or another secret: refused.
      expect(await wa.verifyRequestSignature(raw.replace('"whatsapp_business_account"', '"whatsapp_business_accounT"'), header(hit))).toBe(false);
    }
    const stranger = client(h.number.sandbox_access_token!, 'another-app-secret');
    expect(await stranger.verifyRequestSignature(hits[0]!.raw.toString('utf8'), header(hits[0]!))).toBe(false);

    // The library's own webhook handler accepts our deliveries and parses them.
    const seen: { status?: string; id?: string; message?: string }[] = [];
    wa.on.status = ({ status, id }) => {
      seen.push({ status, id });
    };
    wa.on.message = ({ message }) => {
      seen.push({ message: message.type });
    };
    for (const hit of hits) {
      const raw = hit.raw.toString('utf8');
      await wa.post(JSON.parse(raw), raw, header(hit));
    }
    expect(seen.filter((x) => x.message === 'text').length).toBeGreaterThanOrEqual(2);
    expect(seen.filter((x) => x.status === 'read').length).toBeGreaterThanOrEqual(4);
    await expect(wa.post(JSON.parse(hits[0]!.raw.toString('utf8')), hits[0]!.raw.toString('utf8'), `sha256=${'0'.repeat(64)}`)).rejects.toThrow();
  });

  it('verifies a customer message with non-ASCII text, which the sandbox escapes as \\uXXXX', async () => {
    const to = newCustomer();
    const before = h.receiver.hits.length;
    await h.customerSays(to, 'Olá! Quero 2× pão de queijo 🧀');
    await h.drain();
    const hit = h.receiver.hits.slice(before).find((x) => JSON.stringify(x.body).includes('queijo'));
    expect(hit).toBeDefined();
    const raw = hit!.raw.toString('utf8');
    expect(raw).toContain('Ol\\u00e1');
    expect(hit!.raw.every((b) => b < 0x80)).toBe(true);
    expect(await wa.verifyRequestSignature(raw, header(hit!))).toBe(true);
    expect(hit!.body.entry[0].changes[0].value.messages[0].text.body).toBe('Olá! Quero 2× pão de queijo 🧀');
  });
});
