// A real chatcart server on a loopback port for end-to-end tests, on the test database.
import pino from 'pino';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import type { Clock } from '../../src/platform/ports.ts';
import { loadConfig } from '../../src/config.ts';
import { startServer, type Running } from '../../src/main.ts';
import { openTestDb, type TestDb } from './db.ts';

export interface TestServer extends Running {
  db: TestDb;
  base: string;
  /** The demo merchant's key and id ('' when the start made none: live mode, or a database with merchants). */
  demoKey: string;
  merchantId: string;
  api(
    path: string,
    init?: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string>; rawBody?: string },
  ): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function startTestServer(
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    jobs?: boolean;
    /** Real time for rate limits and paced sends: a manual one makes them deterministic. */
    wallClock?: Clock;
    /** This database instead of a fresh one; the caller closes it (a later server may reuse it). */
    db?: TestDb;
  } = {},
): Promise<TestServer> {
  const db = opts.db ?? (await openTestDb());
  const cfg = loadConfig({
    CHATCART_MODE: 'sandbox',
    PORT: '0',
    HOST: '127.0.0.1',
    CHATCART_JOBS: opts.jobs ? 'on' : 'off',
    LOG_LEVEL: 'silent',
    CHATCART_STRICT_RESPONSES: 'true',
    ...opts.env,
  });
  const running = await startServer(cfg, {
    db,
    clock: opts.clock ?? new ManualClock(new Date()),
    ...(opts.wallClock ? { wallClock: opts.wallClock } : {}),
    log: pino({ level: 'silent' }),
  });
  const base = running.url;
  const demoKey = running.demo?.apiKey ?? '';
  const api: TestServer['api'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const key = init.key === undefined ? demoKey : init.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined = init.rawBody;
    if (init.body !== undefined) body = JSON.stringify(init.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    ...running,
    db,
    base,
    demoKey,
    merchantId: running.demo?.merchantId ?? '',
    api,
    async close() {
      await running.close();
      if (!opts.db) await db.close();
    },
  };
}

export const sampleOrder = (over: Record<string, unknown> = {}) => ({
  customer: { wa_id: '919876543210', name: 'Asha' },
  currency: 'INR',
  items: [
    { retailer_id: 'masala-chai', quantity: 2 },
    { name: 'Gift wrap', amount: 5000, quantity: 1 },
  ],
  tax: { amount: 1000, description: 'GST' },
  payment: { method: 'payment_link' },
  ...over,
});
