// Helpers shared by the HTTP end-to-end tests (test/e2e): the error envelope check,
// a second merchant, and the "never a 500" check read from /metrics.
import { afterAll, beforeAll, expect } from 'vitest';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { startTestServer, type TestServer } from './server.ts';

type Res = Awaited<ReturnType<TestServer['api']>>;

/** Asserts the contract's error envelope, with request_id equal to the request-id header. */
export function expectError(r: Res, status: number, code: string): any {
  expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status, code });
  const e = r.body.error;
  expect(Object.keys(r.body)).toEqual(['error']);
  expect(typeof e.message).toBe('string');
  expect(e.message.length).toBeGreaterThan(0);
  expect(e.request_id).toMatch(/^req_/);
  expect(e.request_id).toBe(r.headers.get('request-id'));
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  for (const k of Object.keys(e)) expect(['code', 'message', 'details', 'request_id']).toContain(k);
  return e;
}

/**
 * The field paths a validation error points at. Schema errors report
 * `[{path: "body.items.0.amount", message}]`; use-case errors report `{path: "items.0.amount"}`.
 * Both are normalised here to paths without the `body.` prefix.
 */
export function errorPaths(r: Res): string[] {
  const d = r.body?.error?.details;
  const list = Array.isArray(d) ? d : d ? [d] : [];
  return list.map((x: any) => String(x?.path ?? x?.header ?? '').replace(/^body\.?/, ''));
}

/** A validation error (400) naming `path` among its details. */
export function expectValidation(r: Res, path: string): void {
  expectError(r, 400, 'validation_error');
  expect(errorPaths(r)).toContain(path);
}

/** A second merchant in the same database, with its own API key. */
export async function otherMerchant(s: TestServer, name = 'Other'): Promise<{ merchantId: string; key: string; keyId: string }> {
  const m = await s.ctx.db.transaction((tx) => onboardMerchant(s.ctx, tx, name));
  return { merchantId: m.merchant.id, key: m.apiKey, keyId: m.apiKeyRow.id };
}

/** The id of the API key `key` (looked up through GET /v1/api-keys by its prefix). */
export async function keyIdOf(s: TestServer, key: string): Promise<string> {
  const r = await s.api('/v1/api-keys', { key });
  const row = r.body.data.find((k: any) => key.startsWith(k.prefix));
  expect(row).toBeDefined();
  return row.id;
}

/** Every page of a list endpoint, following starting_after until has_more is false. */
export async function walk(s: TestServer, path: string, limit: number, key?: string): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = [];
  const pages: number[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await s.api(`${path}${sep}limit=${limit}${after ? `&starting_after=${after}` : ''}`, key ? { key } : {});
    expect(r.status).toBe(200);
    expect(r.body.data.length).toBeLessThanOrEqual(limit);
    pages.push(r.body.data.length);
    ids.push(...r.body.data.map((x: any) => x.id));
    if (!r.body.has_more) return { ids, pages };
    expect(r.body.data.length).toBe(limit);
    after = r.body.data.at(-1).id;
  }
  throw new Error('pagination did not end');
}

/** No request served by this server so far answered with a 5xx (from chatcart_http_requests_total). */
export async function expectNo5xx(s: TestServer): Promise<void> {
  const r = await s.api('/metrics', { key: null });
  expect(r.status).toBe(200);
  const lines = String(r.body)
    .split('\n')
    .filter((l) => l.startsWith('chatcart_http_requests_total{'));
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.filter((l) => /status="5\d\d"/.test(l))).toEqual([]);
}

/**
 * The set-up many e2e tests share: one sandbox server for the file and a second merchant in
 * it (for isolation checks), closed after all. Read `s` and `other` from the returned object
 * (set in beforeAll).
 */
export function useServerWithOther(opts: Parameters<typeof startTestServer>[0] = {}) {
  const h = { s: undefined as unknown as TestServer, other: undefined as unknown as Awaited<ReturnType<typeof otherMerchant>> };
  beforeAll(async () => {
    h.s = await startTestServer(opts);
    h.other = await otherMerchant(h.s);
  });
  afterAll(async () => {
    await h.s?.close();
  });
  return h;
}
