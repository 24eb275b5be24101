// A thin client of Razorpay's REST API (v1) over fetch.
//
// Why not the official SDK (razorpay@2)? It has no base-URL option: the constructor
// hard-codes https://api.razorpay.com, and the only way to point it at a local double
// is to overwrite an undocumented internal (`api.rq.defaults.baseURL`) that any minor
// release may rename. It also pulls axios and hides status codes behind its own error
// shape. Calling the handful of endpoints we need ourselves gives a configurable base
// URL (RAZORPAY_API_URL), our own timeouts, and a clear split between "retry may fix
// it" (network, 5xx, 429) and "the provider refused" (4xx). The SDK stays a
// dependency as the test oracle: its Razorpay.validateWebhookSignature checks ours.
import { z } from 'zod';
import { ProviderRejectedError, ProviderUnavailableError, type ProviderCredentials } from '../../../platform/payment-provider.port.ts';
import type { PaymentLinkBody } from './razorpay.mapping.ts';

export const RAZORPAY_API_URL = 'https://api.razorpay.com';

/** Razorpay's error body: `{"error":{"code":"BAD_REQUEST_ERROR","description":"…","field":…}}`. */
export interface RazorpayErrorBody {
  code?: string;
  description?: string;
  field?: string | null;
  reason?: string;
}

/** A 4xx from Razorpay, with its error body (code, description, field) kept for the adapter. */
export class RazorpayRejectedError extends ProviderRejectedError {
  constructor(
    message: string,
    status: number,
    readonly error: RazorpayErrorBody,
  ) {
    super(message, status);
  }
}

// Only the fields we read are checked; the rest passes through untouched.
const linkPayment = z.looseObject({ payment_id: z.string(), amount: z.number().int().optional(), status: z.string().optional() });
export const paymentLinkSchema = z.looseObject({
  id: z.string(),
  short_url: z.string(),
  status: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  reference_id: z.string().nullish(),
  expire_by: z.number().int().nullish(),
  // null until a payment is made
  payments: z.array(linkPayment).nullish(),
});
export type PaymentLink = z.infer<typeof paymentLinkSchema>;
export const paymentSchema = z.looseObject({ id: z.string(), status: z.string(), amount: z.number().int(), currency: z.string() });
export type RazorpayPayment = z.infer<typeof paymentSchema>;
export const refundSchema = z.looseObject({ id: z.string(), status: z.string(), payment_id: z.string().optional(), amount: z.number().int().optional() });
export type RazorpayRefund = z.infer<typeof refundSchema>;
const linkListSchema = z.looseObject({ payment_links: z.array(paymentLinkSchema).nullish() });

export interface RazorpayClientOptions {
  /** e.g. https://api.razorpay.com, or a local double in tests. */
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function createRazorpayClient(opts: RazorpayClientOptions) {
  const f = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/+$/, '');

  async function call<T>(
    creds: ProviderCredentials,
    schema: z.ZodType<T>,
    method: string,
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const keyId = creds['key_id'];
    const keySecret = creds['key_secret'];
    if (!keyId || !keySecret) throw new ProviderRejectedError('razorpay: the merchant credentials need key_id and key_secret');
    let res: Response;
    try {
      res = await f(`${base}/v1${path}`, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${keyId}:${keySecret}`).toString('base64')}`,
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
      });
    } catch (e) {
      throw new ProviderUnavailableError(`razorpay ${method} ${path} unreachable: ${(e as Error).message}`);
    }
    const text = await res.text();
    if (res.status >= 500 || res.status === 429) throw new ProviderUnavailableError(`razorpay ${method} ${path} ${res.status}: ${text.slice(0, 200)}`);
    if (!res.ok) {
      const error = parseError(text);
      const message = `razorpay ${method} ${path} ${res.status} ${error.code ?? ''}: ${error.description ?? text.slice(0, 200)}`;
      // "Another request with the same idempotency key is still in progress": the first call may yet succeed.
      if (/in progress/i.test(error.description ?? '')) throw new ProviderUnavailableError(message);
      throw new RazorpayRejectedError(message, res.status, error);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProviderUnavailableError(`razorpay ${method} ${path}: the answer is not JSON`);
    }
    const parsed = schema.safeParse(json);
    // The call went through but the answer is not what we expect: do not guess, let a retry or lookup settle it.
    if (!parsed.success) throw new ProviderUnavailableError(`razorpay ${method} ${path}: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return parsed.data;
  }

  const id = (s: string) => encodeURIComponent(s);
  return {
    createPaymentLink: (creds: ProviderCredentials, body: PaymentLinkBody) => call(creds, paymentLinkSchema, 'POST', '/payment_links', { body }),
    async findPaymentLinksByReference(creds: ProviderCredentials, referenceId: string): Promise<PaymentLink[]> {
      const r = await call(creds, linkListSchema, 'GET', `/payment_links?reference_id=${id(referenceId)}`);
      return (r.payment_links ?? []).filter((l) => l.reference_id === referenceId);
    },
    fetchPaymentLink: (creds: ProviderCredentials, linkId: string) => call(creds, paymentLinkSchema, 'GET', `/payment_links/${id(linkId)}`),
    cancelPaymentLink: (creds: ProviderCredentials, linkId: string) => call(creds, paymentLinkSchema, 'POST', `/payment_links/${id(linkId)}/cancel`),
    fetchPayment: (creds: ProviderCredentials, paymentId: string) => call(creds, paymentSchema, 'GET', `/payments/${id(paymentId)}`),
    /** Idempotent by `X-Refund-Idempotency`: a retry must send the identical body. */
    refundPayment: (
      creds: ProviderCredentials,
      paymentId: string,
      body: { amount: number; speed: 'normal'; notes: Record<string, string> },
      idempotencyKey: string,
    ) => call(creds, refundSchema, 'POST', `/payments/${id(paymentId)}/refund`, { body, headers: { 'x-refund-idempotency': idempotencyKey } }),
  };
}

export type RazorpayClient = ReturnType<typeof createRazorpayClient>;

function parseError(text: string): RazorpayErrorBody {
  try {
    const e = (JSON.parse(text) as { error?: unknown }).error;
    if (e && typeof e === 'object') {
      const o = e as Record<string, unknown>;
      return {
        ...(typeof o['code'] === 'string' ? { code: o['code'] } : {}),
        ...(typeof o['description'] === 'string' ? { description: o['description'] } : {}),
        ...(typeof o['field'] === 'string' || o['field'] === null ? { field: o['field'] as string | null } : {}),
        ...(typeof o['reason'] === 'string' ? { reason: o['reason'] } : {}),
      };
    }
  } catch {
    /* not JSON */
  }
  return {};
}
