// Paying a bill the way a customer does in sandbox mode: our hosted page, then the
// sandbox PSP's page; and running jobs until the queue is quiet.
import type { TestServer } from './server.ts';

export async function runUntilIdle(s: TestServer, max = 50): Promise<void> {
  for (let i = 0; i < max; i++) if ((await s.runner.runOnce(20)) === 0) return;
}

export async function payOrder(s: TestServer, payUrl: string, outcome: 'success' | 'failure' | 'pending'): Promise<string> {
  const go = await fetch(`${payUrl}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  });
  if (go.status !== 303) throw new Error(`checkout hand-over answered ${go.status}: ${await go.text()}`);
  const pspPage = go.headers.get('location')!;
  const paid = await fetch(pspPage, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `outcome=${outcome}`,
    redirect: 'manual',
  });
  if (![200, 303].includes(paid.status)) throw new Error(`sandbox pay page answered ${paid.status}`);
  return pspPage;
}

export async function sandboxPspAuth(s: TestServer): Promise<string> {
  const { openProviderAccount } = await import('../../src/modules/payments/payments.provider-accounts.ts');
  const acc = (await openProviderAccount(s.ctx, s.ctx.db, s.merchantId, 'sandbox'))!;
  return `Basic ${Buffer.from(`${acc.credentials['key_id']}:${acc.credentials['key_secret']}`).toString('base64')}`;
}
