// The sandbox payment provider's webhooks are checked at the adapter's edge like any
// provider's: a correctly signed event whose amount is a string ("8000"), a float, negative
// or whose currency is not an ISO code is refused with 400 and stored nowhere, so nothing
// can reach the ledger as string arithmetic. A well-formed event is accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signSandboxPayload } from '../../packages/sandbox/src/psp/psp.signature.ts';
import { accountFor } from '../../src/modules/payments/payments.provider-accounts.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let secret = '';

beforeAll(async () => {
  s = await startTestServer();
  // The merchant's sandbox provider account, opened as on its first checkout.
  const acc = await accountFor(s.ctx, s.merchantId, 'sandbox');
  if (!acc.ok) throw new Error(acc.error.message);
  secret = acc.value.account.webhookSecrets[0]!;
});
afterAll(async () => {
  await s?.close();
});

async function post(event: Record<string, unknown>) {
  const body = JSON.stringify(event);
  const now = Math.floor(Date.now() / 1000);
  const r = await fetch(`${s.base}/webhooks/providers/sandbox/${s.merchantId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signSandboxPayload(secret, body, now), [EVENT_ID_HEADER]: String(event['id']) },
    body,
  });
  return { status: r.status, body: await r.json().catch(() => null) };
}

const stored = async (eventId: string) =>
  (await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from provider_events where event_id = $1`, [eventId]))[0]!.n;

const captured = (id: string, payment: Record<string, unknown>) => ({
  id,
  type: 'payment.captured',
  created: Math.floor(Date.now() / 1000),
  data: { payment: { id: `pay_${id}`, status: 'captured', checkout_id: 'chk_x', reference_id: 'CC-X', amount: 8000, currency: 'INR', ...payment } },
});

describe('sandbox provider webhooks are validated at the edge', () => {
  it.each([
    ['a string amount', { amount: '8000' }],
    ['a fractional amount', { amount: 80.5 }],
    ['a negative amount', { amount: -1 }],
    ['an amount beyond 2^53', { amount: 2 ** 60 }],
    ['a lower-case currency', { currency: 'inr' }],
    ['a missing amount', { amount: undefined }],
  ])('%s is refused (400) and not stored', async (label, payment) => {
    const id = `evt_bad_${label.replace(/\W+/g, '_')}`;
    const r = await post(captured(id, payment));
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(/amount|currency/);
    expect(await stored(id)).toBe(0);
  });

  it('a well-formed signed event is accepted and stored once', async () => {
    const r = await post(captured('evt_good_1', {}));
    expect(r.status).toBe(200);
    expect(await stored('evt_good_1')).toBe(1);
  });
});
