// The one-time links' pages: GET /console/invite/{token} and /console/reset/{token} show a
// small form and change nothing (link-preview crawlers and mail scanners open every link);
// posting the form (from this same origin) uses the link once: the password is set, the
// user signed in (the session cookie) and sent to /console with a 303.
import type { App } from '../../../platform/http/app.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { fromOwnOrigin, setSessionCookie } from '../../../platform/http/session-cookie.ts';
import { inTransaction } from '../../../platform/context.ts';
import { consumeLink, hashPassword, inspectLink, LINK_PATH, type LinkKind } from '../users.links.ts';
import { MAX_PASSWORD, MIN_PASSWORD } from '../users.passwords.ts';
import { sessionMaxAgeSeconds } from '../users.sessions.ts';
import { NOT_SAME_ORIGIN } from './sessions.ts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex',
};

const TEXT: Record<LinkKind, { title: string; intro: string; button: string }> = {
  invitation: { title: 'Join the console', intro: 'You have been invited to the console of', button: 'Set password and sign in' },
  reset: { title: 'Choose a new password', intro: 'A new password for the console of', button: 'Set new password and sign in' },
};

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><title>${esc(title)} · chatcart</title>
<style>body{font:16px/1.45 system-ui,sans-serif;background:#f0f2f5;margin:0;color:#111}main{max-width:26rem;margin:1.5rem auto;background:#fff;border-radius:12px;padding:1.25rem 1.25rem 1.5rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.25rem;margin:.2rem 0 1rem}label{display:block;margin:.9rem 0 .3rem;font-weight:600}input{box-sizing:border-box;width:100%;padding:.7rem;font-size:1rem;border:1px solid #888;border-radius:8px}
input:focus,button:focus{outline:3px solid #0b57d0;outline-offset:2px}button{width:100%;padding:.85rem;font-size:1rem;border:0;border-radius:999px;background:#008069;color:#fff;cursor:pointer;margin-top:1.2rem}
.muted{color:#555;font-size:.9rem}.error{padding:.7rem;border-radius:8px;background:#fdecec;color:#8a1c1c;margin:1rem 0}</style>
</head><body><main>${body}</main></body></html>`;
}

function form(kind: LinkKind, email: string, merchantName: string, error?: string): string {
  const t = TEXT[kind];
  return page(
    t.title,
    `<h1>${esc(t.title)}</h1><p>${esc(t.intro)} <strong>${esc(merchantName)}</strong> as <strong>${esc(email)}</strong>.</p>
${error ? `<p class="error" role="alert" data-testid="error">${esc(error)}</p>` : ''}
<form method="post">
<input type="email" name="username" value="${esc(email)}" autocomplete="username" readonly hidden>
<label for="password">New password (at least ${MIN_PASSWORD} characters)</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD}" maxlength="${MAX_PASSWORD}" required>
<label for="confirm">The same password again</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD}" maxlength="${MAX_PASSWORD}" required>
<button type="submit">${esc(t.button)}</button>
</form><p class="muted">This link works once.</p>`,
  );
}

const gone = (message: string) => page('Link not valid', `<h1>This link does not work</h1><p data-testid="error">${esc(message)}</p>`);

export function register(app: App, { ctx }: RouteDeps) {
  app.register(async (scoped) => {
    scoped.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    for (const kind of ['invitation', 'reset'] as const) {
      const path = `/console/${LINK_PATH[kind]}/:token`;

      scoped.get<{ Params: { token: string } }>(path, { schema: { hide: true } }, async (req, reply) => {
        reply.headers(HEADERS).type('text/html; charset=utf-8');
        const r = await inspectLink(ctx, ctx.db, kind, req.params.token);
        if (!r.ok) return reply.code(r.error.code === 'forbidden' ? 403 : 404).send(gone(r.error.message));
        return reply.send(form(kind, r.value.user.email, r.value.merchantName));
      });

      scoped.post<{ Params: { token: string }; Body: Record<string, string> }>(path, { schema: { hide: true } }, async (req, reply) => {
        reply.headers(HEADERS).type('text/html; charset=utf-8');
        if (!fromOwnOrigin(req, ctx.publicUrl)) return reply.code(403).send(gone(NOT_SAME_ORIGIN));
        const seen = await inspectLink(ctx, ctx.db, kind, req.params.token);
        if (!seen.ok) return reply.code(seen.error.code === 'forbidden' ? 403 : 404).send(gone(seen.error.message));
        const body = req.body && typeof req.body === 'object' ? req.body : {};
        const password = typeof body.password === 'string' ? body.password : '';
        const again = (message: string) => reply.code(400).send(form(kind, seen.value.user.email, seen.value.merchantName, message));
        if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD)
          return again(`The password must have ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`);
        if (body.confirm !== undefined && body.confirm !== password) return again('The two passwords differ');
        const hash = await hashPassword(password);
        const r = await inTransaction(ctx, (tx) =>
          consumeLink(ctx, tx, kind, req.params.token, hash, { address: req.ip, userAgent: req.headers['user-agent'] ?? null }),
        );
        if (!r.ok) return reply.code(r.error.code === 'forbidden' ? 403 : 404).send(gone(r.error.message));
        setSessionCookie(reply, ctx.publicUrl, r.value.token, sessionMaxAgeSeconds(ctx, r.value.session));
        return reply.code(303).header('location', '/console').send();
      });
    }
  });
}
