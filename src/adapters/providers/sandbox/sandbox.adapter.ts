// The sandbox provider adapter: talks to the sandbox PSP double over real HTTP, the
// same way the Razorpay and Stripe adapters talk to theirs.
import type {
  CheckoutObject,
  CheckoutRequest,
  LookupResult,
  NormalizedEvent,
  PaymentProviderAdapter,
  ProviderCredentials,
  RefundRequest,
  RefundResult,
  WebhookCheck,
} from '../../../platform/payment-provider.port.ts';
import { ProviderRejectedError, ProviderUnavailableError } from '../../../platform/payment-provider.port.ts';
import type { Queryable } from '../../../platform/store/db.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, verifySandboxSignature } from './sandbox.signature.ts';
import { SANDBOX_PAYMENT_STATUSES, sandboxEventKind, sandboxFee } from './sandbox.mapping.ts';
import type { z } from 'zod';
import { firstIssue, sandboxCheckoutSchema, sandboxEventSchema } from './sandbox.schema.ts';

const header = (h: Record<string, string | string[] | undefined>, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Opens the test account of a merchant at the PSP double (its key and webhook secret); idempotent. */
export type SandboxAccountOpener = (q: Queryable, merchantId: string) => Promise<{ keyId: string; keySecret: string; webhookSecret: string }>;

export function createSandboxAdapter(opts: { baseUrl: () => string; openAccount: SandboxAccountOpener; fetch?: typeof fetch }): PaymentProviderAdapter & {
  provisionAccount(q: Queryable, merchantId: string): Promise<{ credentials: ProviderCredentials; webhookSecret: string }>;
} {
  const f = opts.fetch ?? fetch;
  async function call<T>(creds: ProviderCredentials, method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    let res: Response;
    try {
      res = await f(`${opts.baseUrl()}/sandbox/psp/v1${path}`, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${creds['key_id']}:${creds['key_secret']}`).toString('base64')}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      throw new ProviderUnavailableError(`sandbox PSP unreachable: ${(e as Error).message}`);
    }
    const text = await res.text();
    if (res.status >= 500 || res.status === 429) throw new ProviderUnavailableError(`sandbox PSP ${res.status}: ${text.slice(0, 200)}`);
    if (!res.ok) throw new ProviderRejectedError(`sandbox PSP ${res.status}: ${text.slice(0, 300)}`, res.status);
    return JSON.parse(text) as T;
  }

  type Checkout = z.infer<typeof sandboxCheckoutSchema>;
  /** A checkout as the PSP answers it, checked: a malformed answer is an error of the provider's, never data. */
  async function checkoutCall(creds: ProviderCredentials, method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Checkout> {
    const parsed = sandboxCheckoutSchema.safeParse(await call<unknown>(creds, method, path, body, idempotencyKey));
    if (!parsed.success) throw new ProviderUnavailableError(`sandbox PSP answered a malformed checkout: ${firstIssue(parsed.error)}`);
    return parsed.data;
  }

  return {
    name: 'sandbox',
    async provisionAccount(q, merchantId) {
      const a = await opts.openAccount(q, merchantId);
      return { credentials: { key_id: a.keyId, key_secret: a.keySecret }, webhookSecret: a.webhookSecret };
    },
    verifyWebhook(rawBody, headers, secrets, now): WebhookCheck {
      const sig = verifySandboxSignature(rawBody, header(headers, SIGNATURE_HEADER), secrets, now);
      if (sig === 'malformed') return { ok: false, error: { kind: 'malformed', reason: 'malformed X-Sandbox-Signature header' } };
      if (sig !== 'ok')
        return {
          ok: false,
          error: { kind: 'unauthorized', reason: sig === 'stale' ? 'signature timestamp outside the tolerance' : 'signature does not match' },
        };
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return { ok: false, error: { kind: 'malformed', reason: 'body is not JSON' } };
      }
      // Signed is not the same as well-formed: amounts and currencies are checked before anything is stored.
      const parsed = sandboxEventSchema.safeParse(json);
      if (!parsed.success) return { ok: false, error: { kind: 'malformed', reason: `not a sandbox PSP event: ${firstIssue(parsed.error)}` } };
      const e = parsed.data;
      const eventId = e.id ?? header(headers, EVENT_ID_HEADER);
      if (typeof eventId !== 'string' || !eventId) return { ok: false, error: { kind: 'malformed', reason: 'event without id' } };
      const { payment, checkout, refund, dispute } = e.data ?? {};
      const ev: NormalizedEvent = {
        eventId,
        providerType: e.type,
        kind: sandboxEventKind(e.type),
        occurredAt: typeof e.created === 'number' ? new Date(e.created * 1000) : now,
        providerObjectId: payment?.checkout_id ?? checkout?.id,
        providerPaymentId: payment?.id ?? refund?.payment_id ?? dispute?.payment_id,
        referenceId: payment?.reference_id ?? checkout?.reference_id,
        amount: payment?.amount ?? refund?.amount ?? dispute?.amount,
        currency: payment?.currency ?? refund?.currency ?? dispute?.currency,
        providerRefundId: refund?.id,
        refundId: refund?.idempotency_key ?? undefined,
        providerDisputeId: dispute?.id,
        reason: dispute?.reason ?? undefined,
        ...(sandboxEventKind(e.type) === 'payment.captured' ? sandboxFee(payment) : {}),
      };
      return { ok: true, value: [ev] };
    },
    async createCheckout(creds, req: CheckoutRequest): Promise<CheckoutObject> {
      const c = await checkoutCall(
        creds,
        'POST',
        '/checkouts',
        {
          amount: req.amount,
          currency: req.currency,
          reference_id: req.referenceId,
          description: req.description.slice(0, 2000),
          // Rounded up: the PSP wants ≥ 60 s ahead, and our page hands over with ≥ 60 000 ms left.
          expires_at: Math.ceil(req.expiresAt.getTime() / 1000),
          return_url: req.returnUrl,
          upi: req.upi ?? false,
          customer: { name: req.customer.name ?? undefined, ...(req.customer.wa_id ? { contact: req.customer.wa_id } : {}) },
        },
        req.paymentId,
      );
      const tr = c.upi_intent ? new URL(c.upi_intent.replace('upi://', 'http://x/')).searchParams.get('tr') : null;
      return {
        providerObjectId: c.id,
        url: c.url,
        ...(c.upi_intent && tr ? { upiIntent: { url: c.upi_intent, tr } } : {}),
        expiresAt: typeof c.expires_at === 'number' ? new Date(c.expires_at * 1000) : new Date(c.expires_at),
      };
    },
    async lookup(creds, providerObjectId): Promise<LookupResult> {
      const c = await checkoutCall(creds, 'GET', `/checkouts/${encodeURIComponent(providerObjectId)}`);
      return {
        objectStatus: c.status,
        payments: c.payments.map((p) => ({
          providerPaymentId: p.id,
          status: SANDBOX_PAYMENT_STATUSES[p.status] ?? 'pending',
          amount: p.amount,
          currency: p.currency,
          referenceId: p.reference_id ?? c.reference_id,
          ...sandboxFee(p),
        })),
      };
    },
    async refund(creds, req: RefundRequest): Promise<RefundResult> {
      const r = await call<{ id: string; status: string }>(
        creds,
        'POST',
        '/refunds',
        { payment_id: req.providerPaymentId, amount: req.amount, reason: req.reason },
        req.refundId,
      );
      return { providerRefundId: r.id, status: r.status === 'succeeded' ? 'succeeded' : r.status === 'failed' ? 'failed' : 'pending' };
    },
    async cancel(creds, providerObjectId) {
      try {
        const c = await checkoutCall(creds, 'POST', `/checkouts/${encodeURIComponent(providerObjectId)}/cancel`);
        return { objectStatus: c.status };
      } catch (e) {
        // Already paid, expired or canceled: the lookup that follows tells which.
        if (e instanceof ProviderRejectedError && e.status === 400) return { objectStatus: (await this.lookup(creds, providerObjectId, '')).objectStatus };
        throw e;
      }
    },
  };
}
