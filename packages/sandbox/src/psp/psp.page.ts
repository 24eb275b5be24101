// The sandbox PSP's hosted pay page, /sandbox/psp/pay/{checkout id}: what a customer
// sees after tapping a payment link. No login: knowing the checkout id is the
// capability, as with a real PSP's short link. A GET only reads (WhatsApp's link
// preview crawler opens every link); paying is a form POST, answered with 303 to the
// merchant's return_url. Everything shown is escaped and the page runs no script.
import type { FastifyReply } from 'fastify';
import { formatMinor, parseDecimal } from '../../../../src/domain/money.ts';
import { payCheckout, type PayOutcome } from './psp.checkouts.ts';
import { effectiveStatus } from './psp.present.ts';
import { getCheckout, listPayments } from './psp.repository.ts';
import type { CheckoutStatus, PspCheckout } from './psp.types.ts';
import type { App, SandboxContext } from '../host.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const ID_SHAPE = /^scs_[0-9a-z]{26}$/;
const OUTCOMES: readonly PayOutcome[] = ['success', 'pending', 'failure'];

function originOf(url: string | null): string {
  if (!url) return '';
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? ` ${u.origin}` : '';
  } catch {
    return '';
  }
}

function send(reply: FastifyReply, status: number, title: string, body: string, returnUrl: string | null = null) {
  return reply
    .code(status)
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${originOf(returnUrl)}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>
*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#111}
main{max-width:26rem;margin:0 auto;padding:1rem}
.banner{background:#fff4d6;color:#6b4b00;border:1px solid #f0d68a;border-radius:10px;padding:.5rem .75rem;font-weight:600;text-align:center}
.card{background:#fff;border-radius:14px;padding:1.25rem;margin-top:1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.amount{font-size:2rem;font-weight:700;margin:.25rem 0}.muted{color:#555;font-size:.9rem}dl{margin:1rem 0 0}dt{color:#555;font-size:.8rem}dd{margin:0 0 .6rem;word-break:break-word}
button{display:block;width:100%;padding:.85rem;margin-top:.6rem;border-radius:10px;border:1px solid #ccc;background:#fff;font:inherit;font-weight:600;cursor:pointer}
button.primary{background:#0a6b3b;border-color:#0a6b3b;color:#fff}button.danger{color:#8a1c1c}
a.cancel{display:block;text-align:center;margin-top:1rem;color:#333}.status{font-weight:700}
</style></head><body><main>
<p class="banner" data-testid="sandbox-banner">Sandbox payment — no real money</p>
<section class="card">${body}</section>
</main></body></html>`);
}

const STATUS_TEXT: Record<CheckoutStatus, string> = {
  open: 'Waiting for payment',
  paid: 'This checkout has been paid.',
  expired: 'This checkout has expired. Ask the shop for a new payment link.',
  // The shop closes a checkout when its bill expires or is canceled; the provider is not told which.
  canceled: 'This checkout was closed by the shop: the bill expired or was canceled. Ask the shop in the chat for a new one.',
};

function summary(c: PspCheckout, status: CheckoutStatus): string {
  return `<p class="muted">Pay</p>
<p class="amount" data-testid="amount">${esc(c.currency)} ${esc(formatMinor(c.amount, c.currency))}</p>
<p class="status" data-testid="status">${esc(STATUS_TEXT[status])}</p>
<dl><dt>Reference</dt><dd data-testid="reference">${esc(c.reference_id)}</dd>
${c.description ? `<dt>Description</dt><dd data-testid="description">${esc(c.description)}</dd>` : ''}
${status === 'open' ? `<dt>Expires</dt><dd>${esc(c.expires_at.toISOString().replace('T', ' ').slice(0, 16))} UTC</dd>` : ''}</dl>`;
}

function payPage(c: PspCheckout, status: CheckoutStatus): string {
  const cancel = c.return_url ? `<a class="cancel" data-testid="cancel" href="${esc(c.return_url)}">Cancel and return</a>` : '';
  if (status !== 'open') return summary(c, status) + cancel.replace('Cancel and return', 'Return to the shop');
  return `${summary(c, status)}
<form method="post" action="/sandbox/psp/pay/${esc(c.id)}">
<button class="primary" type="submit" name="outcome" value="success" data-testid="pay-success">Pay ${esc(c.currency)} ${esc(formatMinor(c.amount, c.currency))}</button>
<button type="submit" name="outcome" value="pending" data-testid="pay-pending">Pay later (approve in my UPI app)</button>
<button class="danger" type="submit" name="outcome" value="failure" data-testid="pay-failure">Fail the payment</button>
</form>
<details><summary>Test: pay a different amount</summary>
<form method="post" action="/sandbox/psp/pay/${esc(c.id)}">
<label for="amount">Amount the customer's bank sends (${esc(c.currency)})</label>
<input id="amount" name="amount" inputmode="decimal" required data-testid="pay-amount">
<button type="submit" name="outcome" value="success" data-testid="pay-amount-submit">Pay this amount</button>
<p class="muted">A payment that does not match the bill goes to manual review (or is refunded, as the shop's policy says).</p>
</form></details>${cancel}`;
}

const notFound = (reply: FastifyReply) => send(reply, 404, 'Not found', '<p class="status">There is no such checkout.</p>');

export function registerPspPage(app: App, ctx: SandboxContext) {
  // Scoped to the pay page: a browser form posts urlencoded, and nothing else needs to.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.setErrorHandler((error: any, req, reply) => {
    const status = typeof error?.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) req.log.error({ err: error }, 'sandbox PSP pay page: unhandled error');
    return send(reply, status, 'Error', `<p class="status">${status === 500 ? 'Something went wrong.' : 'The request could not be understood.'}</p>`);
  });

  app.get<{ Params: { id: string } }>('/:id', { schema: { hide: true } }, async (req, reply) => {
    const c = ID_SHAPE.test(req.params.id) ? await getCheckout(ctx.db, null, req.params.id) : undefined;
    if (!c) return notFound(reply);
    return send(reply, 200, 'Sandbox payment', payPage(c, effectiveStatus(c, ctx.clock.now())), c.return_url);
  });

  app.post<{ Params: { id: string }; Body: unknown }>('/:id', { schema: { hide: true } }, async (req, reply) => {
    if (!ID_SHAPE.test(req.params.id)) return notFound(reply);
    const outcome = (req.body as Record<string, unknown> | undefined)?.['outcome'];
    if (!OUTCOMES.includes(outcome as PayOutcome)) {
      return send(reply, 400, 'Error', '<p class="status">Choose Pay, Pay later or Fail.</p>');
    }
    // The test control of a mismatched payment: an amount typed in the checkout's currency.
    const typed = (req.body as Record<string, unknown> | undefined)?.['amount'];
    let amount: number | undefined;
    if (typeof typed === 'string' && typed.trim() !== '') {
      const c = await getCheckout(ctx.db, null, req.params.id);
      if (!c) return notFound(reply);
      const parsed = parseDecimal(typed.trim(), c.currency);
      if (!parsed.ok || parsed.value <= 0) return send(reply, 400, 'Error', '<p class="status">Type an amount such as 100.00.</p>');
      amount = parsed.value;
    }
    const r = await payCheckout(ctx, null, req.params.id, outcome as PayOutcome, amount);
    if (!r.ok) {
      if (r.error.code === 'not_found') return notFound(reply);
      const c = await getCheckout(ctx.db, null, req.params.id);
      const body = c ? payPage(c, effectiveStatus(c, ctx.clock.now())) : '';
      return send(reply, 409, 'Cannot pay', `<p class="status" data-testid="error">${esc(r.error.message)}</p>${body}`, c?.return_url ?? null);
    }
    const to = r.value.checkout.return_url ?? `/sandbox/psp/pay/${r.value.checkout.id}/done`;
    return reply.code(303).header('location', to).header('referrer-policy', 'no-referrer').send();
  });

  app.get<{ Params: { id: string } }>('/:id/done', { schema: { hide: true } }, async (req, reply) => {
    const c = ID_SHAPE.test(req.params.id) ? await getCheckout(ctx.db, null, req.params.id) : undefined;
    if (!c) return notFound(reply);
    const last = (await listPayments(ctx.db, c.id)).at(-1);
    const said = last
      ? {
          captured: 'Payment successful.',
          refunded: 'Payment successful (since refunded).',
          pending: 'Payment pending: approve it in your UPI app.',
          failed: 'Payment failed.',
        }[last.status]
      : 'No payment yet.';
    return send(
      reply,
      200,
      'Sandbox payment',
      `<p class="status" data-testid="result">${esc(said)}</p>${summary(c, effectiveStatus(c, ctx.clock.now()))}`,
      c.return_url,
    );
  });
}
