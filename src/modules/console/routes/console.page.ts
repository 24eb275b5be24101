// The console at /console: its built files under /console/assets/ (content-hashed, cached
// for a year) and index.html for every other /console path (the app routes in the
// browser). Strict CSP: scripts, styles and API calls of this origin only; never framed.
// /console/invite/{token} and /console/reset/{token} are the users module's own pages.
import fs from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from '../../../platform/http/app.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { CONSOLE_DIST, CONSOLE_INDEX, consoleBuilt } from '../console.bundle.ts';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Product images may live on the merchant's own image host.
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>chatcart console</title></head>
<body><main><h1>The console is not built</h1>
<p>This installation has no console bundle (console/dist). Build it with <code>npm run console:build</code> (it needs the dev dependencies: <code>npm install</code>), then reload.</p></main></body></html>`;

function htmlHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8');
}

export function register(app: App, _deps: RouteDeps) {
  app.register(fastifyStatic, {
    root: path.join(CONSOLE_DIST, 'assets'),
    prefix: '/console/assets/',
    index: false,
    wildcard: true,
    immutable: true,
    maxAge: '365d',
    // A missing folder (no bundle yet) is fine: every asset is then a 404.
    serveDotFiles: false,
    setHeaders: (res) => res.header('x-content-type-options', 'nosniff'),
    schemaHide: true,
  });
  const page = async (_req: unknown, reply: FastifyReply) => {
    if (!consoleBuilt()) return htmlHeaders(reply).code(503).send(NOT_BUILT);
    return htmlHeaders(reply).send(await fs.readFile(CONSOLE_INDEX, 'utf8'));
  };
  app.get('/console', { schema: { hide: true } }, page);
  app.get('/console/*', { schema: { hide: true } }, page);
}
