// The Stripe adapter: hosted Checkout Sessions through the official SDK, a client
// per call with the merchant's secret key. STRIPE_API_URL (host, port, protocol:
// the SDK's own options) points it at a local double in tests.
import crypto from 'node:crypto';
import Stripe from 'stripe';
import type {
  CheckoutObject,
  CheckoutRequest,
  LookedUpPayment,
  LookupResult,
  PaymentProviderAdapter,
  ProviderCredentials,
  RefundRequest,
  RefundResult,
} from '../../../platform/payment-provider.port.ts';
import { ProviderRejectedError, ProviderUnavailableError } from '../../../platform/payment-provider.port.ts';
import { STRIPE_REFUND_STATUSES, clampExpiresAt, idOf, intentPaymentStatus, sessionObjectStatus, upperCurrency, type StripeObject } from './stripe.mapping.ts';
import { verifyStripeWebhook } from './stripe.webhook.ts';

export const STRIPE_DEFAULT_API_URL = 'https://api.stripe.com';

export interface StripeAdapterOptions {
  /** Where the Stripe API is (STRIPE_API_URL); default https://api.stripe.com. */
  apiUrl?: string | undefined;
  /** Stripe checks a session's expiry against real time: so do we (tests may pin it). */
  now?: () => Date;
  timeoutMs?: number;
}

/** A failed SDK call as the app's two kinds: retry may help (network, 5xx, 429, 409 in use) or it will not. */
export function providerError(e: unknown): Error {
  if (!(e instanceof Stripe.errors.StripeError)) return e instanceof Error ? e : new Error(String(e));
  const status = e.statusCode;
  if (e instanceof Stripe.errors.StripeConnectionError || status === undefined || status >= 500 || status === 429 || status === 409) {
    return new ProviderUnavailableError(`stripe ${status ?? 'unreachable'}: ${e.message}`);
  }
  return new ProviderRejectedError(`stripe ${status}: ${e.code ? `${e.code}: ` : ''}${e.message}`, status);
}

export function createStripeAdapter(opts: StripeAdapterOptions = {}): PaymentProviderAdapter {
  const api = new URL(opts.apiUrl ?? STRIPE_DEFAULT_API_URL);
  const protocol = api.protocol === 'http:' ? 'http' : 'https';
  const connection = {
    host: api.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: api.port ? Number(api.port) : protocol === 'http' ? 80 : 443,
    protocol,
  } as const;
  const now = opts.now ?? (() => new Date());

  function client(creds: ProviderCredentials): Stripe {
    const key = creds['secret_key'];
    if (!key) throw new ProviderRejectedError('stripe: the merchant has no secret_key: PUT /v1/settings/providers/stripe');
    return new Stripe(key, { ...connection, maxNetworkRetries: 0, timeout: opts.timeoutMs ?? 20_000, telemetry: false, appInfo: { name: 'chatcart' } });
  }

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw providerError(e);
    }
  }

  async function retrieveSession(creds: ProviderCredentials, id: string): Promise<StripeObject> {
    const stripe = client(creds);
    return (await call(() => stripe.checkout.sessions.retrieve(id, { expand: ['payment_intent'] }))) as unknown as StripeObject;
  }

  async function lookup(creds: ProviderCredentials, providerObjectId: string): Promise<LookupResult> {
    const s = await retrieveSession(creds, providerObjectId);
    let pi: StripeObject | undefined =
      typeof s['payment_intent'] === 'object' && s['payment_intent'] !== null ? (s['payment_intent'] as StripeObject) : undefined;
    const piId = idOf(s['payment_intent']);
    if (!pi && piId) {
      // Not expanded (an older API or a proxy): ask for the intent itself.
      const stripe = client(creds);
      pi = (await call(() => stripe.paymentIntents.retrieve(piId))) as unknown as StripeObject;
    }
    const payments: LookedUpPayment[] = [];
    const status = pi ? intentPaymentStatus(pi) : undefined;
    if (pi && status) {
      const currency = upperCurrency(pi['currency']) ?? upperCurrency(s['currency']);
      const amount = status === 'captured' && typeof pi['amount_received'] === 'number' ? pi['amount_received'] : (pi['amount'] as number | undefined);
      if (typeof amount === 'number' && currency) {
        const referenceId = (s['client_reference_id'] as string | null) ?? (pi['metadata'] as StripeObject | undefined)?.['chatcart_reference_id'];
        payments.push({ providerPaymentId: String(pi['id']), status, amount, currency, referenceId: referenceId ?? undefined });
      }
    }
    return { objectStatus: sessionObjectStatus(s), payments };
  }

  return {
    name: 'stripe',
    verifyWebhook: verifyStripeWebhook,
    async createCheckout(creds, req: CheckoutRequest): Promise<CheckoutObject> {
      const stripe = client(creds);
      const expiresAt = clampExpiresAt(req.expiresAt, now());
      const metadata = { chatcart_payment_id: req.paymentId, chatcart_reference_id: req.referenceId, chatcart_merchant_id: req.merchantId };
      const params: Stripe.Checkout.SessionCreateParams = {
        mode: 'payment',
        line_items: [
          { quantity: 1, price_data: { currency: req.currency.toLowerCase(), unit_amount: req.amount, product_data: { name: req.description.slice(0, 250) } } },
        ],
        client_reference_id: req.referenceId,
        metadata,
        payment_intent_data: { metadata },
        success_url: req.returnUrl,
        cancel_url: req.returnUrl,
        expires_at: Math.floor(expiresAt.getTime() / 1000),
      };
      let session: Stripe.Checkout.Session;
      try {
        session = await stripe.checkout.sessions.create(params, { idempotencyKey: `chatcart-${req.paymentId}` });
      } catch (e) {
        if (!(e instanceof Stripe.errors.StripeIdempotencyError)) throw providerError(e);
        // The key was first used with other parameters (a clamped expiry that moved on
        // between a lost response and this retry): the first session's answer is
        // lost to us, so make one keyed by these exact parameters instead.
        const digest = crypto.createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 16);
        session = await call(() => stripe.checkout.sessions.create(params, { idempotencyKey: `chatcart-${req.paymentId}-${digest}` }));
      }
      if (!session.url) throw new ProviderRejectedError(`stripe: checkout session ${session.id} has no url`);
      return { providerObjectId: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
    },
    lookup: (creds, providerObjectId) => lookup(creds, providerObjectId),
    async refund(creds, req: RefundRequest): Promise<RefundResult> {
      const stripe = client(creds);
      const created = await call(() =>
        stripe.refunds.create(
          { payment_intent: req.providerPaymentId, amount: req.amount, metadata: { chatcart_refund_id: req.refundId } },
          { idempotencyKey: req.refundId },
        ),
      );
      // A repeat with the same key replays the first answer (pending then): read the refund as it is now.
      let status = STRIPE_REFUND_STATUSES[String(created.status)] ?? 'pending';
      if (status === 'pending') status = STRIPE_REFUND_STATUSES[String((await call(() => stripe.refunds.retrieve(created.id))).status)] ?? 'pending';
      return { providerRefundId: created.id, status };
    },
    async cancel(creds, providerObjectId) {
      const stripe = client(creds);
      try {
        const s = (await stripe.checkout.sessions.expire(providerObjectId)) as unknown as StripeObject;
        return { objectStatus: sessionObjectStatus(s) };
      } catch (e) {
        const mapped = providerError(e);
        // Only an open session can be expired: already complete or expired, the lookup tells which.
        if (mapped instanceof ProviderRejectedError && mapped.status === 400) return { objectStatus: (await lookup(creds, providerObjectId)).objectStatus };
        throw mapped;
      }
    },
  };
}
