// The hosted checkout page: GET /pay/{token} shows the bill and changes nothing
// (WhatsApp's link-preview crawler opens every link); the Pay button POSTs, which
// creates the provider's checkout object (idempotently) and hands over with a 303.
import { proceedToCheckout, viewCheckout, type CheckoutView } from '../payments.checkout.ts';
import { formatDateTime, formatMoney } from '../../../domain/display.ts';
import type { App } from '../../../platform/http/app.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

const STATE_TEXT: Record<string, string> = {
  open: '',
  processing: 'Your payment is being confirmed by the payment provider. This page updates by itself.',
  paid: 'Paid. Thank you! You can close this page; updates arrive in your WhatsApp chat.',
  expired: 'This bill has expired. Ask the shop in the chat for a new one.',
  canceled: 'This bill was canceled.',
  refunded: 'This payment was refunded.',
  review: 'We received a payment for this bill and the shop is reviewing it. You will hear from them in the chat.',
};

/** Seconds between reloads while a payment may be on its way (no script: the CSP allows none). */
const REFRESH_SECONDS = 5;

function page(title: string, body: string, opts: { refresh?: boolean } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
${opts.refresh ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : ''}<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<style>body{font:16px/1.45 system-ui,sans-serif;background:#f0f2f5;margin:0;color:#111}main{max-width:30rem;margin:1.5rem auto;background:#fff;border-radius:12px;padding:1.25rem 1.25rem 1.5rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.2rem;margin:.2rem 0 1rem;overflow-wrap:anywhere}table{width:100%;border-collapse:collapse}td{padding:.3rem 0;vertical-align:top}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.total td{border-top:1px solid #ddd;font-weight:700;padding-top:.6rem}.muted{color:#555;font-size:.9rem}.state{padding:.75rem;border-radius:8px;background:#e7f7ee;margin:1rem 0}
.state.bad{background:#fdecec}button{width:100%;padding:.9rem;font-size:1.05rem;border:0;border-radius:999px;background:#008069;color:#fff;cursor:pointer;margin-top:1rem}</style>
</head><body><main>${body}</main></body></html>`;
}

function render(v: CheckoutView): string {
  const { order, attempt, state } = v;
  const m = (n: number) => esc(formatMoney(n, order.currency, v.presentation.locale));
  const rows = order.items
    .map((i) => `<tr><td>${esc(i.name)} <span class="muted">× ${esc(i.quantity)}</span></td><td class="n">${m(i.line_total)}</td></tr>`)
    .join('');
  const extra = [
    ['Subtotal', order.subtotal, ''],
    [order.tax_description ?? 'Tax', order.tax, ''],
    [order.shipping_description ?? 'Shipping', order.shipping, ''],
    [order.discount_description ?? 'Discount', order.discount, '−'],
  ]
    .filter(([label, n]) => label === 'Subtotal' || (n as number) > 0)
    .map(([label, n, sign]) => `<tr><td class="muted">${esc(label)}</td><td class="n muted">${sign}${m(n as number)}</td></tr>`)
    .join('');
  const note = STATE_TEXT[state];
  const provider = attempt.provider === 'sandbox' ? 'the sandbox payment provider' : attempt.provider;
  // Once the customer has been to the provider, a payment may be on its way: only the
  // provider's signed word makes it paid, so until it comes (or the customer goes back to
  // pay) the page says so and reloads itself, instead of offering a plain Pay button as if
  // nothing had happened.
  const awaiting = state === 'open' && attempt.checkout_url !== null;
  const action =
    state === 'open'
      ? `${awaiting ? `<div class="state" data-testid="awaiting">Already paid? We are waiting for ${esc(provider)} to confirm it: this page updates by itself. Not paid yet? Continue below.</div>` : ''}
<form method="post" action="/pay/${esc(attempt.pay_token)}/checkout"><button type="submit" data-testid="pay">${awaiting ? 'Continue to payment' : 'Pay'} ${m(order.total)}</button></form>
<p class="muted" data-testid="pay-before">Pay before ${esc(formatDateTime(attempt.expires_at, v.presentation))}. You will be taken to ${esc(provider)} to pay securely.</p>`
      : `<div class="state${['expired', 'canceled'].includes(state) ? ' bad' : ''}" data-testid="state" data-state="${esc(state)}">${esc(note)}</div>`;
  return page(
    `Pay ${v.merchantName}`,
    `<p class="muted">${esc(v.merchantName)}</p><h1 data-testid="heading">Order ${esc(attempt.reference_id)}</h1>
<table>${rows}${extra}<tr class="total"><td>Total</td><td class="n" data-testid="total">${m(order.total)}</td></tr></table>${action}`,
    { refresh: state === 'processing' || awaiting },
  );
}

export function register(app: App, { ctx }: RouteDeps) {
  const headers = (formOrigin: string) => ({
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${formOrigin}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  });
  const notFound = page('Not found', '<h1>This payment link is not valid</h1><p class="muted">Check the link in your chat, or ask the shop for a new one.</p>');

  app.get<{ Params: { token: string } }>('/pay/:token', { schema: { hide: true } }, async (req, reply) => {
    reply.headers(headers('https:')).type('text/html; charset=utf-8');
    const v = TOKEN.test(req.params.token) ? await viewCheckout(ctx, req.params.token) : undefined;
    if (!v) return reply.code(404).send(notFound);
    return reply.send(render(v));
  });

  app.register(async (scoped) => {
    // The Pay form posts an empty urlencoded body: accept it without parsing anything.
    scoped.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, _body, done) => done(null, {}));
    scoped.post<{ Params: { token: string } }>('/pay/:token/checkout', { schema: { hide: true } }, async (req, reply) => {
      reply.headers(headers('https:')).type('text/html; charset=utf-8');
      if (!TOKEN.test(req.params.token)) return reply.code(404).send(notFound);
      const r = await proceedToCheckout(ctx, req.params.token);
      if (r.ok) return reply.code(303).header('location', r.value.url).send();
      if (r.error.code === 'not_found') return reply.code(404).send(notFound);
      const v = await viewCheckout(ctx, req.params.token);
      if (r.error.code === 'service_unavailable' || r.error.code === 'unprocessable') {
        return reply
          .code(r.error.code === 'service_unavailable' ? 503 : 502)
          .send(page('Payment', `<h1>We could not start the payment</h1><p>${esc(r.error.message)}</p>`));
      }
      return reply.code(r.error.code === 'conflict' ? 409 : 400).send(v ? render(v) : page('Payment', `<p>${esc(r.error.message)}</p>`));
    });
  });
}
