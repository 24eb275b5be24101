// A small start page: what is running and where to go next. Used by a new user's
// first visit to http://127.0.0.1:3000/ and by the browser smoke test.
import type { App } from '../../../platform/http/app.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function register(app: App, { ctx }: RouteDeps) {
  app.get('/', { schema: { hide: true } }, async (_req, reply) => {
    const base = esc(ctx.publicUrl);
    reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'")
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8');
    return reply.send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>chatcart</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#111}
code{background:#f2f2f2;padding:.1rem .3rem;border-radius:4px}.mode{display:inline-block;padding:.1rem .5rem;border-radius:999px;background:${ctx.mode === 'sandbox' ? '#e7f7ee;color:#0a6b3b' : '#fde8e8;color:#8a1c1c'}}</style>
</head><body>
<h1>chatcart <span class="mode" data-testid="mode">${ctx.mode}</span></h1>
<p id="status">The server is running and its database answers at <code>${base}/healthz</code>.</p>
<p><a href="/console" data-testid="console-link"><strong>Open the console</strong></a>: orders, payments to review, refunds, catalog, bookings, money and settings for the shop's people.</p>
<ul>
<li>Merchant API: <code>${base}/v1</code> with <code>Authorization: Bearer &lt;api key&gt;</code></li>
<li>API description: <a href="/openapi.json">/openapi.json</a></li>
<li>Metrics: <a href="/metrics">/metrics</a></li>
${ctx.mode === 'sandbox' ? '<li>Simulated customer phone: <a href="/sandbox/phone" data-testid="phone-link">/sandbox/phone</a></li>' : ''}
</ul>
${ctx.mode === 'sandbox' ? "<p>Sandbox mode: the demo merchant's API key and a one-time console link were printed once when the server first started.</p>" : ''}
<h2>Lost something?</h2>
<ul data-testid="lost-help">
<li><strong>An API key</strong> is shown only once and cannot be read back. Make a new one with
<code>npx chatcart keys create --merchant &lt;merchant id&gt;</code> (the ids: <code>npx chatcart merchants list</code>),
or in the console under Settings → API keys; then revoke the lost one.</li>
<li><strong>A console password</strong>: an owner can send a teammate a new reset link from Settings → Team, or run
<code>npx chatcart users reset-password --email &lt;email&gt;</code>, which prints a one-time link (the server sends no email).</li>
<li>With the embedded database, run these commands while the server is stopped; with PostgreSQL, at any time.</li>
</ul>
</body></html>`);
  });
}
