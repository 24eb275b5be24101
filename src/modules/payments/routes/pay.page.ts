// The hosted checkout page: GET /pay/{token} shows the bill and changes nothing
// (WhatsApp's link-preview crawler opens every link); the Pay button POSTs, which
// creates the provider's checkout object (idempotently) and hands over with a 303.
import { addCheckoutAddress, proceedToCheckout, viewCheckout, type CheckoutView } from '../payments.checkout.ts';
import { ADDRESS_FIELDS, addressLine, type AddressField, type ShippingAddress } from '../../../domain/address.ts';
import { awaitsAddress } from '../../orders/index.ts';
import { formatDateTime, formatMoney } from '../../../domain/display.ts';
import type { App } from '../../../platform/http/app.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { esc, page, pageHeaders } from '../../../platform/http/html-page.ts';

const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

const STATE_TEXT: Record<string, string> = {
  open: '',
  processing: 'Your payment is being confirmed by the payment provider. This page updates by itself.',
  paid: 'Paid. Thank you! You can close this page; updates arrive in your WhatsApp chat.',
  expired: 'This bill has expired. Ask the shop in the chat for a new one.',
  canceled: 'This bill was canceled.',
  refunded: 'This payment was refunded.',
  review: 'We received a payment for this bill and the shop is reviewing it. You will hear from them in the chat.',
  over_limit: '',
};

/** What a guest reads instead (a checkout link's payer: no chat with the shop, so no updates there). */
const GUEST_TEXT: Partial<Record<string, string>> = {
  paid: 'Paid. Thank you! You can close this page.',
  expired: 'This bill has expired. Open the shop’s link again to start over.',
  review: 'We received a payment for this bill and the shop is reviewing it.',
};

const LABELS: Record<AddressField, [string, string, boolean]> = {
  // label, autocomplete token, required
  name: ['Full name', 'name', true],
  phone_number: ['Phone number', 'tel', false],
  address_line1: ['Street address', 'address-line1', true],
  address_line2: ['Apartment, floor, landmark', 'address-line2', false],
  city: ['City', 'address-level2', true],
  state: ['State or region', 'address-level1', false],
  postal_code: ['Postal code (PIN)', 'postal-code', true],
  country_code: ['Country code (e.g. IN)', 'country', true],
};

/** A first guess of the customer's country from their WhatsApp number (they can change it). */
const COUNTRY_OF_PREFIX: [string, string][] = [
  ['91', 'IN'],
  ['971', 'AE'],
  ['65', 'SG'],
  ['62', 'ID'],
  ['55', 'BR'],
  ['44', 'GB'],
  ['1', 'US'],
];
const countryOf = (waId: string) => COUNTRY_OF_PREFIX.find(([p]) => waId.startsWith(p))?.[1] ?? '';

export interface AddressForm {
  values: Partial<Record<AddressField, string>>;
  errors: Partial<Record<AddressField, string>>;
}

function addressForm(v: CheckoutView, form: AddressForm | undefined): string {
  const values = form?.values ?? { name: v.order.customer_name ?? '', country_code: countryOf(v.order.customer_wa_id ?? '') };
  const errors = form?.errors ?? {};
  const field = (f: AddressField) => {
    const [label, auto, required] = LABELS[f];
    const e = errors[f];
    const note = f === 'state' ? ' <small>(required in India)</small>' : required ? '' : ' <small>(optional)</small>';
    return `<div class="fld"><label for="f-${f}">${esc(label)}${note}
<input id="f-${f}" name="${f}" autocomplete="${auto}" value="${esc(values[f] ?? '')}"${required ? ' required' : ''} maxlength="${f === 'name' ? 200 : f === 'country_code' ? 2 : 100}"${e ? ` aria-invalid="true" aria-describedby="e-${f}"` : ''} data-testid="address-${f}"></label>${e ? `<p class="err" id="e-${f}" data-testid="error-${f}">${esc(e)}</p>` : ''}</div>`;
  };
  const list = Object.entries(errors);
  const summary = list.length
    ? `<div class="errors" role="alert" data-testid="address-errors">Please check the address:<ul>${list.map(([f, e]) => `<li>${esc(LABELS[f as AddressField][0])}: ${esc(e)}</li>`).join('')}</ul></div>`
    : '';
  return `<h2>Delivery address</h2><p class="muted">Where should ${esc(v.merchantName)} deliver this order? Then you can pay.</p>${summary}
<form method="post" action="/pay/${esc(v.attempt.pay_token)}/address" data-testid="address-form" novalidate>
${field('name')}${field('phone_number')}${field('address_line1')}${field('address_line2')}
<div class="row2">${field('city')}${field('postal_code')}</div><div class="row2">${field('state')}${field('country_code')}</div>
<button type="submit" data-testid="address-submit">Continue to payment</button></form>`;
}

function render(v: CheckoutView, form?: AddressForm): string {
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
  // A guest (a checkout link's payer) has no chat with the shop: their page says so.
  const guest = !order.customer_wa_id && !order.customer_bsuid;
  const note =
    state === 'over_limit'
      ? `This link had already been paid as many times as ${v.merchantName} allows, so your payment was not needed. ${v.refundsExtra ? 'It is being refunded to you automatically.' : 'The shop has been told and will contact you about it.'}`
      : guest && GUEST_TEXT[state]
        ? GUEST_TEXT[state]
        : STATE_TEXT[state];
  const provider = attempt.provider === 'sandbox' ? 'the sandbox payment provider' : attempt.provider;
  // Once the customer has been to the provider, a payment may be on its way: only the
  // provider's signed word makes it paid, so until it comes (or the customer goes back to
  // pay) the page says so and reloads itself, instead of offering a plain Pay button as if
  // nothing had happened.
  const awaiting = state === 'open' && attempt.checkout_url !== null;
  const shipTo = order.shipping_address
    ? `<p class="ship" data-testid="ship-to">Delivering to ${esc(addressLine(order.shipping_address as unknown as ShippingAddress))}</p>`
    : '';
  const action =
    state === 'open' && awaitsAddress(order)
      ? addressForm(v, form)
      : state === 'open'
        ? `${awaiting ? `<div class="state" data-testid="awaiting">Already paid? We are waiting for ${esc(provider)} to confirm it: this page updates by itself. Not paid yet? Continue below.</div>` : ''}
<form method="post" action="/pay/${esc(attempt.pay_token)}/checkout"><button type="submit" data-testid="pay">${awaiting ? 'Continue to payment' : 'Pay'} ${m(order.total)}</button></form>
<p class="muted" data-testid="pay-before">Pay before ${esc(formatDateTime(attempt.expires_at, v.presentation))}. You will be taken to ${esc(provider)} to pay securely.</p>`
        : `<div class="state${['expired', 'canceled', 'over_limit'].includes(state) ? ' bad' : ''}" data-testid="state" data-state="${esc(state)}">${esc(note)}</div>`;
  return page(
    `Pay ${v.merchantName}`,
    `<p class="muted">${esc(v.merchantName)}</p><h1 data-testid="heading">Order ${esc(attempt.reference_id)}</h1>
<table>${rows}${extra}<tr class="total"><td>Total</td><td class="n" data-testid="total">${m(order.total)}</td></tr></table>${shipTo}${action}`,
    { refresh: state === 'processing' || awaiting },
  );
}

export function register(app: App, { ctx }: RouteDeps) {
  const headers = pageHeaders;
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
      if ((r.error.details as Record<string, unknown> | undefined)?.['state'] === 'limit_reached') {
        return reply
          .code(409)
          .send(
            page(
              'Payment',
              `<h1>This link has been used up</h1><div class="state bad" data-testid="state" data-state="limit_reached">It has already been paid as many times as ${esc(v?.merchantName ?? 'the shop')} allows, so it takes no more payments. Nothing was charged.</div>`,
            ),
          );
      }
      if (r.error.code === 'service_unavailable' || r.error.code === 'unprocessable') {
        return reply
          .code(r.error.code === 'service_unavailable' ? 503 : 502)
          .send(page('Payment', `<h1>We could not start the payment</h1><p>${esc(r.error.message)}</p>`));
      }
      return reply.code(r.error.code === 'conflict' ? 409 : 400).send(v ? render(v) : page('Payment', `<p>${esc(r.error.message)}</p>`));
    });
  });

  app.register(async (scoped) => {
    // The address form: a few short fields, urlencoded; anything larger is not a person typing.
    scoped.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_req, body, done) => {
      const fields: Record<string, string> = {};
      for (const [k, val] of new URLSearchParams(body as string)) if ((ADDRESS_FIELDS as readonly string[]).includes(k)) fields[k] = val;
      done(null, fields);
    });
    scoped.post<{ Params: { token: string }; Body: Record<string, string> | undefined }>(
      '/pay/:token/address',
      { schema: { hide: true } },
      async (req, reply) => {
        reply.headers(headers('https:')).type('text/html; charset=utf-8');
        if (!TOKEN.test(req.params.token)) return reply.code(404).send(notFound);
        const raw = req.body && typeof req.body === 'object' ? req.body : {};
        const r = await addCheckoutAddress(ctx, req.params.token, raw);
        // Stored: back to the page (a GET), which now offers the Pay button.
        if (r.ok) return reply.code(303).header('location', `/pay/${req.params.token}`).send();
        const fields = r.error.code === 'validation_error' ? (r.error.details as { fields: Partial<Record<AddressField, string>> }).fields : undefined;
        if (fields) {
          const v = await viewCheckout(ctx, req.params.token);
          const values = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, String(raw[f] ?? '').slice(0, 300)]));
          return v ? reply.code(400).send(render(v, { values, errors: fields })) : reply.code(404).send(notFound);
        }
        if (r.error.code === 'not_found') return reply.code(404).send(notFound);
        const v = await viewCheckout(ctx, req.params.token);
        return reply.code(409).send(v ? render(v) : page('Payment', `<p>${esc(r.error.message)}</p>`));
      },
    );
  });
}
