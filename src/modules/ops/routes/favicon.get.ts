// The icon every page of ours names (and browsers ask /favicon.ico for by themselves): a
// chat bubble holding a cart, as SVG, cached for a day. One file, so no asset pipeline.
import type { App } from '../../../platform/http/app.ts';

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<path fill="#0a6b3b" d="M32 4C16.5 4 4 15.2 4 29c0 6.4 2.7 12.2 7.2 16.6L8 60l14.3-7.1c3 .9 6.3 1.3 9.7 1.3 15.5 0 28-11.2 28-25S47.5 4 32 4z"/>
<path fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round" d="M17 20h5l4 16h16l4-11H24"/>
<circle cx="28" cy="42" r="3" fill="#fff"/><circle cx="40" cy="42" r="3" fill="#fff"/>
</svg>`;

export function register(app: App) {
  for (const url of ['/favicon.svg', '/favicon.ico']) {
    app.get(url, { schema: { hide: true } }, async (_req, reply) =>
      reply.header('cache-control', 'public, max-age=86400').header('x-content-type-options', 'nosniff').type('image/svg+xml').send(FAVICON_SVG),
    );
  }
}
