import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient, type GraphClient } from './graph.client.ts';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

const metaError = (code: number, title: string, details: string) => ({
  error: { message: `(#${code}) ${title}`, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details }, fbtrace_id: `trace-${code}` },
});

// A tiny Graph double: the phone number id picks the scripted answer.
const answers: Record<string, (res: http.ServerResponse) => void> = {
  '100': (res) =>
    json(res, 200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: '+1-631-555-5555', wa_id: '16315555555' }],
      messages: [{ id: 'wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA' }],
    }),
  '101': (res) => json(res, 400, metaError(130429, 'Rate limit hit', 'Cloud API message throughput has been reached.')),
  '102': (res) => json(res, 401, metaError(190, 'Access token has expired', 'Error validating access token')),
  '103': (res) => json(res, 400, metaError(131026, 'Message undeliverable', 'Unable to deliver message')),
  '104': (res) => {
    res.writeHead(500, { 'content-type': 'text/html' });
    res.end('<html>Internal Server Error</html>');
  },
  '105': () => undefined, // never answers: a timeout
  '106': (res) => json(res, 200, { unexpected: true }),
  '107': (res) => json(res, 400, metaError(131056, '(Business Account, Consumer Account) pair rate limit hit', 'too many messages')),
};

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

let server: http.Server;
let baseUrl: string;
let seen: Seen[] = [];
let graph: GraphClient;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const url = req.url ?? '';
      seen.push({
        method: req.method ?? '',
        url,
        auth: req.headers.authorization,
        contentType: req.headers['content-type'],
        body: raw ? JSON.parse(raw) : undefined,
      });
      const phone = url.split('/')[4] ?? ''; // /sandbox/graph/v24.0/{phone}/...
      if (url.includes('/payments/')) {
        return json(res, 200, {
          payments: [
            {
              reference_id: 'BM345A-12',
              status: 'captured',
              currency: 'INR',
              total_amount: { value: 21000, offset: 100 },
              transactions: [
                {
                  id: 'order_Px',
                  type: 'razorpay',
                  pg_transaction_id: 'pay_Px',
                  status: 'success',
                  created_timestamp: 1722445231,
                  updated_timestamp: '1722445290',
                  method: { type: 'upi' },
                  refunds: [],
                },
              ],
            },
          ],
        });
      }
      if (url.endsWith('/payments_refund')) return json(res, 200, { id: 'rfnd_1', status: 'pending', speed_processed: 'normal' });
      if (url.endsWith('/messages') && (JSON.parse(raw) as { status?: string }).status === 'read') return json(res, 200, { success: true });
      const answer = answers[phone];
      if (answer) answer(res);
      else json(res, 404, metaError(100, 'Invalid parameter', 'unknown phone number id'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sandbox/graph/`;
  // A generous deadline for the calls that answer (a loaded machine may take seconds); the
  // timeout test below uses its own short one.
  graph = createGraphClient({ baseUrl, version: 'v24.0', timeoutMs: 15_000 });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
});

const body = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '16315555555', type: 'text', text: { preview_url: false, body: 'hi' } };

describe('graph client against a local Graph double', () => {
  it('sends a message and returns the wamid and wa_id', async () => {
    const r = await graph.sendMessage('100', 'tok_ok', body);
    expect(r).toEqual({ ok: true, value: { wamid: 'wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA', waId: '16315555555' } });
    expect(seen).toEqual([{ method: 'POST', url: '/sandbox/graph/v24.0/100/messages', auth: 'Bearer tok_ok', contentType: 'application/json', body }]);
  });

  it('classifies 130429 as throttle', async () => {
    const r = await graph.sendMessage('101', 'tok', body);
    expect(r).toEqual({
      ok: false,
      error: {
        code: 130429,
        title: 'Rate limit hit',
        message: '(#130429) Rate limit hit',
        details: 'Cloud API message throughput has been reached.',
        httpStatus: 400,
        fbtraceId: 'trace-130429',
        class: 'throttle',
      },
    });
  });

  it('classifies 190 as token', async () => {
    const r = await graph.sendMessage('102', 'tok', body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 190, httpStatus: 401, class: 'token', title: 'Access token has expired' });
  });

  it('classifies 131026 as permanent and 131056 as pair_limit', async () => {
    const r = await graph.sendMessage('103', 'tok', body);
    expect(!r.ok && r.error).toMatchObject({ code: 131026, class: 'permanent', details: 'Unable to deliver message' });
    const p = await graph.sendMessage('107', 'tok', body);
    expect(!p.ok && p.error).toMatchObject({ code: 131056, class: 'pair_limit' });
  });

  it('classifies a bare HTTP 500 as transient', async () => {
    const r = await graph.sendMessage('104', 'tok', body);
    expect(!r.ok && r.error).toMatchObject({ code: -1, httpStatus: 500, class: 'transient' });
  });

  it('turns a timeout into a transient error with code -1', async () => {
    const started = Date.now();
    const r = await createGraphClient({ baseUrl, version: 'v24.0', timeoutMs: 300 }).sendMessage('105', 'tok', body);
    expect(!r.ok && r.error).toMatchObject({ code: -1, httpStatus: 0, class: 'transient', title: 'Timeout' });
    // The server never answers: only the client's deadline can have ended the call.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('turns a refused connection into a transient network error', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await createGraphClient({ baseUrl: `http://127.0.0.1:${port}`, version: 'v24.0', timeoutMs: 2000 }).sendMessage('100', 'tok', body);
    expect(!r.ok && r.error).toMatchObject({ code: -1, httpStatus: 0, class: 'transient', title: 'Network error' });
  });

  it('treats an unreadable 2xx as transient', async () => {
    const r = await graph.sendMessage('106', 'tok', body);
    expect(!r.ok && r.error).toMatchObject({ httpStatus: 200, class: 'transient' });
  });

  it('marks a message read, with the typing indicator', async () => {
    expect(await graph.markRead('100', 'tok', 'wamid.IN1', { typingIndicator: true })).toEqual({ ok: true, value: true });
    expect(seen[0]?.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN1', typing_indicator: { type: 'text' } });
  });

  it('looks up a payment and parses it', async () => {
    const r = await graph.lookupPayment('100', 'tok', 'prod razorpay config', 'BM345A-12');
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/sandbox/graph/v24.0/100/payments/prod%20razorpay%20config/BM345A-12' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.value.payments[0];
    expect(p?.status).toBe('captured');
    expect(p?.total_amount).toEqual({ value: 21000, offset: 100 });
    expect(p?.transactions?.[0]).toMatchObject({ id: 'order_Px', status: 'success', updated_timestamp: 1722445290 });
  });

  it('requests a refund with Meta’s string amounts', async () => {
    const r = await graph.refundPayment('100', 'tok', {
      referenceId: 'BM345A-12',
      paymentConfigId: 'prod-razor-pay-config-05',
      amount: { value: 100, offset: 100, currency: 'INR' },
      speed: 'normal',
    });
    expect(r).toEqual({ ok: true, value: { id: 'rfnd_1', status: 'pending', speed_processed: 'normal' } });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/sandbox/graph/v24.0/100/payments_refund',
      body: {
        reference_id: 'BM345A-12',
        speed: 'normal',
        payment_config_id: 'prod-razor-pay-config-05',
        amount: { currency: 'INR', value: '100', offset: '100' },
      },
    });
  });

  it.each<[string, () => Promise<{ ok: boolean }>]>([
    ['a non-numeric phone number id', () => graph.sendMessage('../100', 'tok', body)],
    ['a 33-digit phone number id', () => graph.sendMessage('1'.repeat(33), 'tok', body)],
    ['a reference id that is a dot segment', () => graph.lookupPayment('100', 'tok', 'cfg', '..')],
    ['a reference id with a slash', () => graph.lookupPayment('100', 'tok', 'cfg', 'a/b')],
    ['a configuration name with a slash', () => graph.lookupPayment('100', 'tok', 'a/../b', 'REF1')],
    ['an empty token', () => graph.sendMessage('100', '', body)],
    ['a token with a newline', () => graph.sendMessage('100', 'tok\nX-Evil: 1', body)],
    [
      'a refund of zero',
      () => graph.refundPayment('100', 'tok', { referenceId: 'R', paymentConfigId: 'c', amount: { value: 0, offset: 100, currency: 'INR' }, speed: 'normal' }),
    ],
    [
      'a refund with a bad speed',
      () =>
        graph.refundPayment('100', 'tok', {
          referenceId: 'R',
          paymentConfigId: 'c',
          amount: { value: 1, offset: 100, currency: 'INR' },
          speed: 'fast' as never,
        }),
    ],
  ])('refuses %s without sending anything', async (_n, call) => {
    const r = await call();
    expect(r).toMatchObject({ ok: false, error: { code: -2, class: 'permanent' } });
    expect(seen).toEqual([]);
  });

  it('validates its options', () => {
    expect(() => createGraphClient({ version: '24' })).toThrow();
    expect(() => createGraphClient({ baseUrl: 'file:///etc', version: 'v24.0' })).toThrow();
    expect(createGraphClient({ version: 'v24.0' }).baseUrl).toBe('https://graph.facebook.com');
    expect(createGraphClient({ baseUrl: undefined, version: 'v24.0' }).baseUrl).toBe('https://graph.facebook.com');
  });
});
