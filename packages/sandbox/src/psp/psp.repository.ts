// All SQL of the sandbox PSP double. Every read past the account is scoped by
// account_id, so one account can never see another's objects (a 404, like a real PSP).
import crypto from 'node:crypto';
import {
  pspId,
  type CheckoutStatus,
  type PaymentStatus,
  type PspAccount,
  type PspChaos,
  type PspCheckout,
  type PspDelivery,
  type PspDispute,
  type PspEvent,
  type PspPayment,
  type PspRefund,
} from './psp.types.ts';
import type { Queryable } from '../host.ts';

const secret = (bytes = 24) => crypto.randomBytes(bytes).toString('base64url');
const lock = (forUpdate?: boolean) => (forUpdate ? ' for update' : '');

export interface SandboxPspCredentials {
  accountId: string;
  keyId: string;
  keySecret: string;
  webhookSecret: string;
}

/** The merchant's sandbox PSP account, created on first use (safe to call concurrently). */
export async function ensureSandboxPspAccount(q: Queryable, merchantId: string): Promise<SandboxPspCredentials> {
  await q.query(
    `insert into sandbox_psp_accounts (id, merchant_id, key_id, key_secret, webhook_secret)
     values ($1, $2, $3, $4, $5) on conflict (merchant_id) do nothing`,
    [pspId('acct'), merchantId, `sbx_key_${secret(12)}`, secret(24), `sbx_whsec_${secret(24)}`],
  );
  const a = (await q.query<PspAccount>(`select * from sandbox_psp_accounts where merchant_id = $1`, [merchantId]))[0];
  if (!a) throw new Error(`sandbox PSP account for ${merchantId} vanished`);
  return { accountId: a.id, keyId: a.key_id, keySecret: a.key_secret, webhookSecret: a.webhook_secret };
}

export async function findAccountByKeyId(q: Queryable, keyId: string): Promise<PspAccount | undefined> {
  return (await q.query<PspAccount>(`select * from sandbox_psp_accounts where key_id = $1`, [keyId]))[0];
}

export async function getAccount(q: Queryable, accountId: string): Promise<PspAccount | undefined> {
  return (await q.query<PspAccount>(`select * from sandbox_psp_accounts where id = $1`, [accountId]))[0];
}

export async function setAccountChaos(q: Queryable, accountId: string, chaos: PspChaos): Promise<void> {
  await q.query(`update sandbox_psp_accounts set chaos = $2 where id = $1`, [accountId, JSON.stringify(chaos)]);
}

/** Points the account's webhooks at `url`; null goes back to chatcart's own receiver. */
export async function setAccountWebhookUrl(q: Queryable, accountId: string, url: string | null): Promise<void> {
  await q.query(`update sandbox_psp_accounts set webhook_url = $2 where id = $1`, [accountId, url]);
}

// ---- checkouts

export type NewCheckout = Omit<PspCheckout, 'status' | 'updated_at'>;

/** Inserts unless the reference or idempotency key is taken; null then (the caller looks up which). */
export async function insertCheckout(q: Queryable, c: NewCheckout): Promise<PspCheckout | null> {
  const rows = await q.query<PspCheckout>(
    `insert into sandbox_psp_checkouts (id, account_id, reference_id, idempotency_key, request_hash, amount, currency,
       description, return_url, upi, customer, status, expires_at, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'open', $12, $13, $13)
     on conflict do nothing returning *`,
    [
      c.id,
      c.account_id,
      c.reference_id,
      c.idempotency_key,
      c.request_hash,
      c.amount,
      c.currency,
      c.description,
      c.return_url,
      c.upi,
      c.customer === null ? null : JSON.stringify(c.customer),
      c.expires_at,
      c.created_at,
    ],
  );
  return rows[0] ?? null;
}

export async function findCheckoutBy(
  q: Queryable,
  accountId: string,
  by: { idempotencyKey: string } | { referenceId: string },
): Promise<PspCheckout | undefined> {
  const [col, v] = 'idempotencyKey' in by ? ['idempotency_key', by.idempotencyKey] : ['reference_id', by.referenceId];
  return (await q.query<PspCheckout>(`select * from sandbox_psp_checkouts where account_id = $1 and ${col} = $2`, [accountId, v]))[0];
}

/** accountId null: by id alone (the pay page, where the id is the capability). */
export async function getCheckout(q: Queryable, accountId: string | null, id: string, forUpdate?: boolean): Promise<PspCheckout | undefined> {
  return (
    await q.query<PspCheckout>(`select * from sandbox_psp_checkouts where id = $1 and ($2::text is null or account_id = $2)${lock(forUpdate)}`, [id, accountId])
  )[0];
}

export async function setCheckoutStatus(q: Queryable, id: string, status: CheckoutStatus, now: Date): Promise<void> {
  await q.query(`update sandbox_psp_checkouts set status = $2, updated_at = $3 where id = $1`, [id, status, now]);
}

// ---- payments

export async function insertPayment(q: Queryable, p: Omit<PspPayment, 'amount_refunded' | 'updated_at'>): Promise<PspPayment> {
  const rows = await q.query<PspPayment>(
    `insert into sandbox_psp_payments (id, account_id, checkout_id, amount, currency, status, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $7) returning *`,
    [p.id, p.account_id, p.checkout_id, p.amount, p.currency, p.status, p.created_at],
  );
  return rows[0]!;
}

export async function getPayment(q: Queryable, accountId: string, id: string, forUpdate?: boolean): Promise<PspPayment | undefined> {
  return (await q.query<PspPayment>(`select * from sandbox_psp_payments where id = $1 and account_id = $2${lock(forUpdate)}`, [id, accountId]))[0];
}

export async function listPayments(q: Queryable, checkoutId: string): Promise<PspPayment[]> {
  return q.query<PspPayment>(`select * from sandbox_psp_payments where checkout_id = $1 order by id`, [checkoutId]);
}

export async function updatePayment(q: Queryable, id: string, set: { status: PaymentStatus; amountRefunded?: number }, now: Date): Promise<PspPayment> {
  const rows = await q.query<PspPayment>(
    `update sandbox_psp_payments set status = $2, amount_refunded = coalesce($3, amount_refunded), updated_at = $4
      where id = $1 returning *`,
    [id, set.status, set.amountRefunded ?? null, now],
  );
  return rows[0]!;
}

// ---- refunds

export async function insertRefund(q: Queryable, r: Omit<PspRefund, 'status' | 'settled_at'>): Promise<PspRefund | null> {
  const rows = await q.query<PspRefund>(
    `insert into sandbox_psp_refunds (id, account_id, payment_id, idempotency_key, request_hash, amount, currency, reason, status, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)
     on conflict (account_id, idempotency_key) do nothing returning *`,
    [r.id, r.account_id, r.payment_id, r.idempotency_key, r.request_hash, r.amount, r.currency, r.reason, r.created_at],
  );
  return rows[0] ?? null;
}

export async function findRefundByKey(q: Queryable, accountId: string, idempotencyKey: string): Promise<PspRefund | undefined> {
  return (await q.query<PspRefund>(`select * from sandbox_psp_refunds where account_id = $1 and idempotency_key = $2`, [accountId, idempotencyKey]))[0];
}

/** accountId null: by id alone (the settlement job). */
export async function getRefund(q: Queryable, accountId: string | null, id: string, forUpdate?: boolean): Promise<PspRefund | undefined> {
  return (
    await q.query<PspRefund>(`select * from sandbox_psp_refunds where id = $1 and ($2::text is null or account_id = $2)${lock(forUpdate)}`, [id, accountId])
  )[0];
}

/** What pending and succeeded refunds of a payment add up to (failed ones give the money back). */
export async function refundedOrPending(q: Queryable, paymentId: string): Promise<number> {
  const rows = await q.query<{ total: number }>(
    `select coalesce(sum(amount), 0)::bigint as total from sandbox_psp_refunds where payment_id = $1 and status <> 'failed'`,
    [paymentId],
  );
  return Number(rows[0]?.total ?? 0);
}

export async function settleRefund(q: Queryable, id: string, status: 'succeeded' | 'failed', now: Date): Promise<PspRefund> {
  const rows = await q.query<PspRefund>(`update sandbox_psp_refunds set status = $2, settled_at = $3 where id = $1 returning *`, [id, status, now]);
  return rows[0]!;
}

// ---- disputes

export async function insertDispute(q: Queryable, d: Omit<PspDispute, 'status' | 'closed_at'>): Promise<PspDispute> {
  const rows = await q.query<PspDispute>(
    `insert into sandbox_psp_disputes (id, account_id, payment_id, amount, currency, reason, status, created_at)
     values ($1, $2, $3, $4, $5, $6, 'open', $7) returning *`,
    [d.id, d.account_id, d.payment_id, d.amount, d.currency, d.reason, d.created_at],
  );
  return rows[0]!;
}

export async function getDispute(q: Queryable, accountId: string, id: string, forUpdate?: boolean): Promise<PspDispute | undefined> {
  return (await q.query<PspDispute>(`select * from sandbox_psp_disputes where id = $1 and account_id = $2${lock(forUpdate)}`, [id, accountId]))[0];
}

export async function closeDispute(q: Queryable, id: string, status: 'won' | 'lost', now: Date): Promise<PspDispute> {
  const rows = await q.query<PspDispute>(`update sandbox_psp_disputes set status = $2, closed_at = $3 where id = $1 returning *`, [id, status, now]);
  return rows[0]!;
}

// ---- events and deliveries

export async function insertEvent(q: Queryable, e: PspEvent): Promise<void> {
  await q.query(`insert into sandbox_psp_events (id, account_id, type, payload, created_at) values ($1, $2, $3, $4, $5)`, [
    e.id,
    e.account_id,
    e.type,
    JSON.stringify(e.payload),
    e.created_at,
  ]);
}

export async function getEvent(q: Queryable, id: string): Promise<PspEvent | undefined> {
  return (await q.query<PspEvent>(`select * from sandbox_psp_events where id = $1`, [id]))[0];
}

/** Newest first. */
export async function listEvents(q: Queryable, accountId: string, opts: { limit: number; type?: string }): Promise<PspEvent[]> {
  return q.query<PspEvent>(`select * from sandbox_psp_events where account_id = $1 and ($3::text is null or type = $3) order by id desc limit $2`, [
    accountId,
    opts.limit,
    opts.type ?? null,
  ]);
}

export async function insertDelivery(q: Queryable, d: Omit<PspDelivery, 'id'>): Promise<void> {
  await q.query(`insert into sandbox_psp_deliveries (id, event_id, url, status_code, error, attempted_at) values ($1, $2, $3, $4, $5, $6)`, [
    pspId('sdl'),
    d.event_id,
    d.url,
    d.status_code,
    d.error === null ? null : d.error.slice(0, 2000),
    d.attempted_at,
  ]);
}

export async function listDeliveries(q: Queryable, eventIds: readonly string[]): Promise<PspDelivery[]> {
  if (eventIds.length === 0) return [];
  return q.query<PspDelivery>(`select * from sandbox_psp_deliveries where event_id = any($1::text[]) order by attempted_at, id`, [eventIds]);
}
