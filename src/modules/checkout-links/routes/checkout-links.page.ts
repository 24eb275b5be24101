// The public page of a checkout link. GET /c/{slug} shows it and changes nothing (link
// previews open every link); POST /c/{slug} takes the payer's form, makes their order and
// answers 303 to its /pay/{token} page, where the Pay button makes the provider's object.
// GET /c/{slug}/qr.svg is the link as a QR code: public like the page, since the slug is
// all it holds. Same frame and headers as /pay (platform/http/html-page.ts); no script.
import QRCode from 'qrcode';
import { formatMoney } from '../../../domain/display.ts';
import { formatMinor } from '../../../domain/money.ts';
import type { App } from '../../../platform/http/app.ts';
import { esc, page, pageHeaders } from '../../../platform/http/html-page.ts';
import { clientBucket, TokenBuckets } from '../../../platform/http/rate-limit.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { startLinkPayment, viewLink, type FormErrors, type LinkView, type PayerForm } from '../checkout-links.pay.ts';
import { linkUrl, type LinkState } from '../checkout-links.present.ts';

const SLUG = /^[A-Za-z0-9_-]{16,64}$/;

/** Posts per client address (IPv6 by its /64) and per link: a person types a form or two a minute. */
export const POSTS_PER_ADDRESS = { burst: 5, perMinute: 5 };
export const POSTS_PER_LINK = { burst: 60, perMinute: 60 };

const GONE_TEXT: Record<Exclude<LinkState, 'active'>, [string, string]> = {
  inactive: ['This link is not taking payments', 'The shop has turned this link off. Ask them for another way to pay.'],
  expired: ['This link has expired', 'It no longer takes payments. Ask the shop for a new link.'],
  exhausted: ['This link has been used up', 'It has already been paid as many times as the shop allows, so it takes no more payments.'],
};

const notFound = page('Not found', '<h1>This link is not valid</h1><p class="muted">Check the link you were given, or ask the shop for a new one.</p>');

function gonePage(v: LinkView, state: Exclude<LinkState, 'active'>) {
  const [title, text] = GONE_TEXT[state];
  return page(
    title,
    `<p class="muted">${esc(v.businessName)}</p><h1>${esc(v.link.name)}</h1><div class="state bad" data-testid="gone" data-state="${esc(state)}"><strong>${esc(title)}.</strong> ${esc(text)}</div>`,
  );
}

function render(v: LinkView, form: Partial<PayerForm> = {}, errors: FormErrors = {}) {
  const { link } = v;
  const m = (n: number) => esc(formatMoney(n, link.currency, v.presentation.locale));
  const err = (f: keyof FormErrors) => (errors[f] ? `<p class="err" id="e-${f}" data-testid="error-${f}">${esc(errors[f])}</p>` : '');
  const invalid = (f: keyof FormErrors) => (errors[f] ? ` aria-invalid="true" aria-describedby="e-${f}"` : '');
  let price = '';
  let amountField = '';
  if (link.amount !== null) price = `<p class="price" data-testid="amount">${m(link.amount)}</p>`;
  else if (link.amount_min !== null && link.amount_max !== null) {
    price = `<p class="muted" data-testid="range">Any amount from ${m(link.amount_min)} to ${m(link.amount_max)}</p>`;
    amountField = `<label for="f-amount">Amount (${esc(link.currency)})
<input id="f-amount" name="amount" inputmode="decimal" autocomplete="off" required maxlength="24" placeholder="${esc(formatMinor(link.amount_min, link.currency))}" value="${esc(form.amount ?? '')}"${invalid('amount')} data-testid="field-amount"></label>${err('amount')}`;
  } else {
    const total = v.products.reduce((s, p) => s + p.price, 0);
    price = `<table data-testid="products">${v.products.map((p) => `<tr><td>${esc(p.name)}</td><td class="n">${m(p.price)}</td></tr>`).join('')}<tr class="total"><td>Total</td><td class="n">${m(total)}</td></tr></table>`;
  }
  const summary = Object.keys(errors).length
    ? `<div class="errors" role="alert" data-testid="form-errors">Please check the form:<ul>${Object.values(errors)
        .map((e) => `<li>${esc(e)}</li>`)
        .join('')}</ul></div>`
    : '';
  return page(
    `${link.name} · ${v.businessName}`,
    `<p class="muted">${esc(v.businessName)}</p><h1 data-testid="heading">${esc(link.name)}</h1>
${link.description ? `<p class="desc" data-testid="description">${esc(link.description)}</p>` : ''}${price}${summary}
<form method="post" action="/c/${esc(link.slug)}" data-testid="link-form" novalidate>
${amountField}<label for="f-name">Your name
<input id="f-name" name="name" autocomplete="name" required maxlength="100" value="${esc(form.name ?? '')}"${invalid('name')} data-testid="field-name"></label>${err('name')}
<label for="f-wa">WhatsApp number <small>(optional)</small>
<input id="f-wa" name="wa_id" type="tel" inputmode="tel" autocomplete="tel" maxlength="30" placeholder="+91 98765 43210" value="${esc(form.wa_id ?? '')}"${invalid('wa_id')} data-testid="field-wa_id"></label>${err('wa_id')}
<label class="check" for="f-notify"><input id="f-notify" name="notify" type="checkbox" value="1"${form.notify ? ' checked' : ''} data-testid="field-notify"> Send me the receipt on WhatsApp once I have paid (nothing else)</label>${err('notify')}
<button type="submit" data-testid="continue">Continue to payment</button></form>
<p class="muted">You will see the bill and pay on the next page.</p>`,
  );
}

const FIELDS = ['name', 'wa_id', 'notify', 'amount'] as const;

export function register(app: App, { ctx }: RouteDeps) {
  // In process memory, like the API's other limits; real seconds (the wall clock), whatever the app's clock.
  const now = () => ctx.wallClock.now().getTime();
  const byAddress = new TokenBuckets(POSTS_PER_ADDRESS.perMinute / 60, POSTS_PER_ADDRESS.burst, now);
  const byLink = new TokenBuckets(POSTS_PER_LINK.perMinute / 60, POSTS_PER_LINK.burst, now);

  app.get<{ Params: { slug: string } }>('/c/:slug', { schema: { hide: true } }, async (req, reply) => {
    reply.headers(pageHeaders()).type('text/html; charset=utf-8');
    const v = SLUG.test(req.params.slug) ? await viewLink(ctx, req.params.slug) : undefined;
    if (!v) return reply.code(404).send(notFound);
    if (v.state !== 'active') return reply.code(410).send(gonePage(v, v.state));
    return reply.send(render(v));
  });

  app.get<{ Params: { slug: string } }>('/c/:slug/qr.svg', { schema: { hide: true } }, async (req, reply) => {
    const v = SLUG.test(req.params.slug) ? await viewLink(ctx, req.params.slug) : undefined;
    if (!v) return reply.code(404).headers(pageHeaders()).type('text/html; charset=utf-8').send(notFound);
    const svg = await QRCode.toString(linkUrl(ctx.publicUrl, v.link.slug), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return reply
      .headers({
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, max-age=3600',
      })
      .type('image/svg+xml')
      .send(svg);
  });

  app.register(async (scoped) => {
    // A few short fields, urlencoded; anything larger is not a person typing.
    scoped.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      const fields: Record<string, string> = {};
      for (const [k, val] of new URLSearchParams(body as string))
        if ((FIELDS as readonly string[]).includes(k) && !(k in fields)) fields[k] = val.slice(0, 300);
      done(null, fields);
    });
    scoped.post<{ Params: { slug: string }; Body: Record<string, string> | undefined }>('/c/:slug', { schema: { hide: true } }, async (req, reply) => {
      reply.headers(pageHeaders()).type('text/html; charset=utf-8');
      if (!SLUG.test(req.params.slug)) return reply.code(404).send(notFound);
      const wait = Math.max(byAddress.wait(clientBucket(req.ip)), byLink.wait(req.params.slug));
      if (wait > 0) {
        return reply
          .code(429)
          .header('retry-after', String(Math.ceil(wait)))
          .send(page('Too many tries', `<h1>Too many tries</h1><p data-testid="too-many">Please wait ${Math.ceil(wait)} seconds and try again.</p>`));
      }
      byAddress.take(clientBucket(req.ip));
      byLink.take(req.params.slug);
      const v = await viewLink(ctx, req.params.slug);
      if (!v) return reply.code(404).send(notFound);
      if (v.state !== 'active') return reply.code(410).send(gonePage(v, v.state));
      const raw = req.body && typeof req.body === 'object' ? req.body : {};
      const form: PayerForm = {
        name: raw['name'] ?? '',
        wa_id: raw['wa_id'] ?? '',
        notify: raw['notify'] !== undefined && raw['notify'] !== '',
        amount: raw['amount'] ?? '',
      };
      const r = await startLinkPayment(ctx, v, form);
      if (r.kind === 'started') return reply.code(303).header('location', `/pay/${r.payToken}`).send();
      if (r.kind === 'gone') return reply.code(410).send(gonePage(v, r.state as Exclude<LinkState, 'active'>));
      if (r.kind === 'invalid') return reply.code(400).send(render(v, form, r.errors));
      return reply
        .code(409)
        .send(page('Not available', `<h1>${esc(v.link.name)}</h1><div class="state bad" data-testid="unavailable">${esc(r.message)}</div>`));
    });
  });
}
