import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../../src/adapters/clock/clock.ts';
import { accountFor } from '../../../src/app/provider-accounts.ts';
import { sandboxPspAuth, runUntilIdle } from '../../support/pay.ts';
import { sampleOrder, startTestServer, type TestServer } from '../../support/server.ts';

let s: TestServer; let auth = '';
const clock = new ManualClock(new Date());
beforeAll(async () => { s = await startTestServer({ clock }); await accountFor(s.ctx, s.merchantId, 'sandbox'); auth = await sandboxPspAuth(s); });
afterAll(async () => { await s?.close(); });
const psp = async (m: string, p: string, b?: unknown) => { const r = await fetch(`${s.base}/sandbox/psp/v1${p}`, { method: m, headers: { authorization: auth, ...(b ? { 'content-type': 'application/json' } : {}) }, body: b ? JSON.stringify(b) : undefined }); return { status: r.status, body: await r.json() as any }; };
async function checkout(url: string) { const go = await fetch(`${url}/checkout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual' }); return go.headers.get('location')!.split('/').pop()!; }
async function dump(id: string) {
  const o = (await s.api(`/v1/orders/${id}`)).body;
  const ev = (await s.api(`/v1/orders/${id}/events`)).body.data.map((e: any) => e.type);
  const pps = await s.ctx.db.query(`select provider_payment_id, disposition, amount from provider_payments where order_id = $1`, [id]);
  const jobs = await s.ctx.db.query(`select kind, status, last_error from jobs where last_error is not null`);
  console.log(JSON.stringify({ ps: o.payment_status, st: o.status, paid: o.amount_paid, ev, pps, jobs }, null, 1));
}
it('review refunded, then an exact capture', async () => {
  const order = (await s.api('/v1/orders', { body: sampleOrder({ send: false }) })).body;
  const cid = await checkout(order.payment.url);
  const p = await psp('POST', `/checkouts/${cid}/pay`, { outcome: 'pending', amount: order.total - 1 });
  const q = await psp('POST', `/checkouts/${cid}/pay`, { outcome: 'pending' });
  await psp('POST', `/payments/${p.body.id}/capture`);
  await runUntilIdle(s); clock.advance(5000); await runUntilIdle(s); clock.advance(120000); await runUntilIdle(s);
  await dump(order.id);
  await psp('POST', `/payments/${q.body.id}/capture`);
  await runUntilIdle(s); clock.advance(5000); await runUntilIdle(s); clock.advance(120000); await runUntilIdle(s);
  await dump(order.id);
});
it('expired, late capture refunded, second late capture', async () => {
  const order = (await s.api('/v1/orders', { body: sampleOrder({ send: false, expires_in: 600 }) })).body;
  const cid = await checkout(order.payment.url);
  const p = await psp('POST', `/checkouts/${cid}/pay`, { outcome: 'pending' });
  const q = await psp('POST', `/checkouts/${cid}/pay`, { outcome: 'pending' });
  await runUntilIdle(s);
  clock.advance(600_000 + 16 * 60_000); await runUntilIdle(s);
  await psp('POST', `/payments/${p.body.id}/capture`);
  await runUntilIdle(s); clock.advance(5000); await runUntilIdle(s); clock.advance(120000); await runUntilIdle(s);
  await dump(order.id);
  await psp('POST', `/payments/${q.body.id}/capture`);
  await runUntilIdle(s); clock.advance(5000); await runUntilIdle(s); clock.advance(120000); await runUntilIdle(s);
  await dump(order.id);
});
