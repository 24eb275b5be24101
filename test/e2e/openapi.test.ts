// /openapi.json is complete enough to generate a client from: every route fastify
// registered (but the sandbox, the pages and the document itself) is in it with its
// success status and response schema, every error status with the error envelope, the
// Idempotency-Key header where a route takes one, the security schemes and a tag per
// capability. Then a client is generated from it: openapi-typescript writes the types, a
// small openapi-fetch client is type-checked against them (TypeScript 5.9, `typescript`)
// and run against this server. (The response schemas themselves are held to the answers
// by CHATCART_STRICT_RESPONSES, on in every test server: a drift is a 500 there.)
import fs from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI_TAGS } from '../../src/composition/routes.ts';
import { registeredRoutes } from '../../src/platform/http/app.ts';
import { PROJECT_ROOT } from '../support/context.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';

let s: TestServer;
let doc: any;

beforeAll(async () => {
  s = await startTestServer();
  const r = await s.api('/openapi.json', { key: null });
  expect(r.status).toBe(200);
  doc = r.body;
});
afterAll(async () => {
  await s?.close();
});

/** What the document leaves out on purpose: pages for people, the sandbox's doubles, the document itself. */
const NOT_DOCUMENTED: { pattern: RegExp; why: string }[] = [
  { pattern: /^\/sandbox(\/|$)/, why: 'the sandbox (local doubles of outside systems)' },
  { pattern: /^\/$/, why: 'the start page (HTML)' },
  { pattern: /^\/pay\/:token(\/checkout|\/address)?$/, why: 'the pay page and its forms (HTML)' },
  { pattern: /^\/console(\/|$)/, why: "the console and its one-time links' pages (HTML)" },
  { pattern: /^\/c\//, why: 'checkout link pages (HTML)' },
  { pattern: /^\/favicon\.(svg|ico)$/, why: 'the icon pages name' },
  { pattern: /^\/openapi\.json$/, why: 'the document itself' },
  { pattern: /^\/media\/:token$/, why: 'uploaded media for WhatsApp to fetch (bytes, by an unguessable link)' },
];

const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
const operations = () =>
  Object.entries<Record<string, any>>(doc.paths).flatMap(([p, ops]) => Object.entries<any>(ops).map(([method, op]) => ({ path: p, method, op })));

describe('GET /openapi.json', () => {
  it('documents every route fastify registered, with a response schema for its success status', () => {
    const routes = registeredRoutes(s.app).filter((r) => r.method !== 'HEAD' && !NOT_DOCUMENTED.some((n) => n.pattern.test(r.url)));
    expect(routes.length).toBeGreaterThan(70);
    const missing: string[] = [];
    for (const r of routes) {
      const op = doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()];
      if (!op) {
        missing.push(`${r.method} ${r.url}: not in the document${r.schema?.hide ? ' (hidden: add it to NOT_DOCUMENTED with a reason, or document it)' : ''}`);
        continue;
      }
      const success = Object.keys(op.responses).filter((c) => /^2\d\d$/.test(c));
      if (success.length === 0) missing.push(`${r.method} ${r.url}: no success status`);
      for (const c of success) {
        if (c !== '204' && !op.responses[c].content) missing.push(`${r.method} ${r.url}: ${c} has no response schema`);
        if (op.responses[c].description === 'Default Response') missing.push(`${r.method} ${r.url}: ${c} is fastify's default response`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists no sandbox route and no page', () => {
    const paths = Object.keys(doc.paths);
    expect(paths.filter((p) => p.startsWith('/sandbox'))).toEqual([]);
    for (const page of ['/', '/pay/{token}', '/openapi.json']) expect(paths).not.toContain(page);
  });

  it('answers creations 201 and actions 200, each with its presenter schema as a named component', () => {
    const ref = (p: string, m: string, c: string) => doc.paths[p][m].responses[c]?.content?.['application/json']?.schema?.$ref;
    expect(Object.keys(doc.paths['/v1/orders'].post.responses)).not.toContain('200');
    expect(ref('/v1/orders', 'post', '201')).toBe('#/components/schemas/Order');
    expect(ref('/v1/orders/{id}', 'get', '200')).toBe('#/components/schemas/Order');
    expect(ref('/v1/orders/{id}/cancel', 'post', '200')).toBe('#/components/schemas/Order');
    expect(ref('/v1/products', 'post', '201')).toBe('#/components/schemas/Product');
    expect(ref('/v1/orders/{id}/refunds', 'post', '201')).toBe('#/components/schemas/Refund');
    const list = doc.paths['/v1/orders'].get.responses['200'].content['application/json'].schema;
    expect(list.properties.data.items.$ref).toBe('#/components/schemas/Order');
    expect(list.required).toEqual(expect.arrayContaining(['object', 'data', 'has_more']));
    const order = doc.components.schemas.Order;
    expect(order.required).toEqual(expect.arrayContaining(['id', 'status', 'payment_status', 'total', 'payment', 'reference_id']));
    expect(order.properties.status.enum).toEqual(['pending', 'processing', 'partially_shipped', 'shipped', 'completed', 'canceled']);
    // A body its route parses itself (CSV or JSON) is documented all the same.
    const upload = doc.paths['/v1/reconciliations'].post.requestBody.content['application/json'].schema;
    expect(upload.required).toEqual(expect.arrayContaining(['format', 'csv']));
    // One type per object: no unused input copies of the output schemas.
    expect(Object.keys(doc.components.schemas).filter((n) => n.endsWith('Input'))).toEqual([]);
  });

  it('describes every error status with the error envelope', () => {
    const envelope = doc.components.schemas.Error;
    expect(envelope.properties.error.required).toEqual(expect.arrayContaining(['code', 'message', 'request_id']));
    expect(envelope.properties.error.properties.code.enum).toEqual(expect.arrayContaining(['validation_error', 'not_found', 'idempotency_key_mismatch']));
    // Answers of other shapes, on purpose: Meta's own statuses on the Flows endpoint, the health check's body.
    const otherShapes = new Set([
      'POST /flows/endpoint/{merchant_id} 421',
      'POST /flows/endpoint/{merchant_id} 427',
      'POST /flows/endpoint/{merchant_id} 432',
      'GET /healthz 503',
    ]);
    const wrong: string[] = [];
    for (const { path: p, method, op } of operations()) {
      for (const [code, r] of Object.entries<any>(op.responses)) {
        if (!/^[45]/.test(code) || otherShapes.has(`${method.toUpperCase()} ${p} ${code}`)) continue;
        if (r.content?.['application/json']?.schema?.$ref !== '#/components/schemas/Error') wrong.push(`${method.toUpperCase()} ${p} ${code}`);
        if (!r.description?.startsWith('Error: ')) wrong.push(`${method.toUpperCase()} ${p} ${code}: no description`);
      }
      if (p.startsWith('/v1/') && !(p === '/v1/sessions' && method === 'post')) {
        for (const code of ['400', '401', '403', '429', '500']) if (!op.responses[code]) wrong.push(`${method.toUpperCase()} ${p}: no ${code}`);
      }
      if (p.includes('{') && !op.responses['404']) wrong.push(`${method.toUpperCase()} ${p}: no 404`);
    }
    expect(wrong).toEqual([]);
  });

  it('names the Idempotency-Key header on every change behind authentication, required where the route requires it', () => {
    const keyOf = (p: string, m: string) => (doc.paths[p][m].parameters ?? []).find((x: any) => x.in === 'header' && x.name === 'Idempotency-Key');
    expect(keyOf('/v1/orders/{id}/refunds', 'post')).toMatchObject({ required: true, schema: { type: 'string', maxLength: 255 } });
    expect(keyOf('/v1/orders', 'post')).toMatchObject({ required: false });
    expect(keyOf('/v1/orders', 'get')).toBeUndefined();
    // Routes that do not go through the Idempotency-Key machinery say nothing about it.
    expect(keyOf('/v1/sessions', 'post')).toBeUndefined();
    expect(keyOf('/v1/sessions/current', 'delete')).toBeUndefined();
    expect(keyOf('/v1/reconciliations', 'post')).toBeUndefined();
    const without = operations().filter(
      ({ path: p, method, op }) =>
        p.startsWith('/v1/') &&
        method !== 'get' &&
        op.security === undefined &&
        !['DELETE /v1/sessions/current', 'POST /v1/reconciliations'].includes(`${method.toUpperCase()} ${p}`) &&
        !keyOf(p, method),
    );
    expect(without.map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });

  it('declares the security schemes (API key bearer, console session cookie); public routes need neither', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'chatcart_session' },
    });
    expect(doc.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    for (const [p, m] of [
      ['/v1/sessions', 'post'],
      ['/healthz', 'get'],
      ['/webhooks/whatsapp', 'post'],
      ['/webhooks/providers/{provider}/{merchant_id}', 'post'],
      ['/flows/endpoint/{merchant_id}', 'post'],
    ] as const)
      expect(doc.paths[p][m].security).toEqual([]);
    expect(doc.paths['/v1/orders'].get.security).toBeUndefined();
  });

  it('tags every operation with its capability (a module), and lists the tags', () => {
    const names = OPENAPI_TAGS.map((t) => t.name);
    expect(doc.tags.map((t: any) => t.name)).toEqual(names);
    const wrong = operations().filter(({ op }) => op.tags?.length !== 1 || !names.includes(op.tags[0]));
    expect(wrong.map((o) => `${o.method} ${o.path} ${o.op.tags}`)).toEqual([]);
    expect(doc.paths['/v1/orders'].post.tags).toEqual(['orders']);
    expect(doc.paths['/v1/orders/{id}/refunds'].post.tags).toEqual(['payments']);
    expect(doc.paths['/v1/api-keys'].get.tags).toEqual(['merchants']);
  });
});

describe('a client generated from /openapi.json', () => {
  const dir = path.join(PROJECT_ROOT, 'test-results', `openapi-client-${process.pid}`);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // A small client of the kind the console writes: typed paths, bodies and answers.
  const CLIENT = `import createClient from 'openapi-fetch';
import type { components, paths } from './api.ts';

type Order = components['schemas']['Order'];

export async function run(baseUrl: string, key: string): Promise<{ order: Order; listed: number; missing: number; refundKeyRequired: string }> {
  const api = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${key}\` } });
  const created = await api.POST('/v1/orders', {
    params: { header: { 'Idempotency-Key': 'openapi-client-1' } },
    body: { customer: { wa_id: '919876543210', name: 'Asha' }, currency: 'INR', items: [{ retailer_id: 'masala-chai', quantity: 1 }], payment: { method: 'payment_link' } },
  });
  if (!created.data) throw new Error(\`create failed: \${created.error?.error.code}\`);
  const order: Order = created.data;
  const status: 'pending' | 'processing' | 'partially_shipped' | 'shipped' | 'completed' | 'canceled' = order.status;
  const url: string | null = order.payment?.url ?? null;
  void status;
  void url;
  const got = await api.GET('/v1/orders/{id}', { params: { path: { id: order.id } } });
  const list = await api.GET('/v1/orders', { params: { query: { limit: 5, payment_status: 'unpaid' } } });
  const missing = await api.GET('/v1/orders/{id}', { params: { path: { id: 'ord_0000000000000000000000000' } } });
  const code: 'not_found' | string | undefined = missing.error?.error.code;
  void code;
  // @ts-expect-error: the refund route requires the Idempotency-Key header
  await api.POST('/v1/orders/{id}/refunds', { params: { path: { id: order.id } }, body: {} });
  // @ts-expect-error: an order has no such field
  void got.data?.no_such_field;
  // @ts-expect-error: the body is checked too
  await api.POST('/v1/products', { body: { name: 'no price' } });
  return { order: got.data!, listed: list.data?.data.length ?? 0, missing: missing.response.status, refundKeyRequired: 'yes' };
}
`;

  it('generates with openapi-typescript, type-checks with TypeScript 5.9, and works against the server', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const types = astToString(await openapiTS(doc));
    fs.writeFileSync(path.join(dir, 'api.ts'), types);
    fs.writeFileSync(path.join(dir, 'client.ts'), CLIENT);
    expect(types).toContain('"/v1/orders": {');

    const program = ts.createProgram([path.join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(diagnostics).toEqual([]);

    // The same client, run: its answers are what the types say (the server checks them against the schemas too).
    const { run } = await import(path.join(dir, 'client.ts'));
    const r = await run(s.base, s.demoKey);
    expect(r.order).toMatchObject({ object: 'order', status: 'pending', payment_status: 'unpaid', currency: 'INR' });
    expect(r.listed).toBeGreaterThan(0);
    expect(r.missing).toBe(404);
  });

  it('generates the same types from the same server twice (a stable document)', async () => {
    const again = (await s.api('/openapi.json', { key: null })).body;
    expect(astToString(await openapiTS(again))).toBe(astToString(await openapiTS(doc)));
    // Used by the order above: the document did not change with the data.
    expect((await s.api('/v1/orders', { body: sampleOrder() })).status).toBe(201);
  });
});
