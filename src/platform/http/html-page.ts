// The customer-facing HTML pages (/pay/{token}, /c/{slug}): one frame, mobile-first, no
// script (the CSP allows none), every interpolated value escaped, and the same security
// headers on every answer.

/** HTML-escapes anything interpolated into a page (text and attribute values alike). */
export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Seconds between reloads while a payment may be on its way (no script: the CSP allows none). */
const REFRESH_SECONDS = 5;

/** The headers of every customer page: a CSP without script, no framing, no referrer, no caching. */
export const pageHeaders = (formOrigin = '') => ({
  'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${formOrigin ? ` ${formOrigin}` : ''}; frame-ancestors 'none'; base-uri 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
});

export function page(title: string, body: string, opts: { refresh?: boolean } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
${opts.refresh ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : ''}<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<style>body{font:16px/1.45 system-ui,sans-serif;background:#f0f2f5;margin:0;color:#111}main{max-width:30rem;margin:1.5rem auto;background:#fff;border-radius:12px;padding:1.25rem 1.25rem 1.5rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.2rem;margin:.2rem 0 1rem;overflow-wrap:anywhere}table{width:100%;border-collapse:collapse}td{padding:.3rem 0;vertical-align:top}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.total td{border-top:1px solid #ddd;font-weight:700;padding-top:.6rem}.muted{color:#555;font-size:.9rem}.state{padding:.75rem;border-radius:8px;background:#e7f7ee;margin:1rem 0}
.state.bad{background:#fdecec}label{display:block;margin:.7rem 0 0;font-size:.9rem;color:#333}label small{color:#666}
input{display:block;box-sizing:border-box;width:100%;margin-top:.2rem;padding:.6rem;font:inherit;border:1px solid #bbb;border-radius:8px}input[aria-invalid=true]{border-color:#b42318;background:#fffafa}
input[type=checkbox]{display:inline;width:auto;margin:0 .5rem 0 0;vertical-align:middle}label.check{display:flex;align-items:flex-start;gap:.1rem;font-size:.92rem}.price{font-size:1.6rem;font-weight:700;margin:.4rem 0 .6rem}.desc{white-space:pre-line;overflow-wrap:anywhere}
.err{color:#b42318;font-size:.85rem;margin:.2rem 0 0}.errors{padding:.75rem;border-radius:8px;background:#fdecec;color:#7a1b12;margin:1rem 0}.errors ul{margin:.3rem 0 0;padding-left:1.2rem}
.row2{display:flex;gap:.6rem;align-items:flex-start}.row2 .fld{flex:1;min-width:0}.ship{padding:.6rem .75rem;border-radius:8px;background:#f4f6f8;margin:1rem 0 0;font-size:.92rem;overflow-wrap:anywhere}h2{font-size:1.05rem;margin:1.4rem 0 .2rem}button{width:100%;padding:.9rem;font-size:1.05rem;border:0;border-radius:999px;background:#008069;color:#fff;cursor:pointer;margin-top:1rem}</style>
</head><body><main>${body}</main></body></html>`;
}
