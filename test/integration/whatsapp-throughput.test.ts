// Two chatcart processes sending for one phone number on one PostgreSQL schema: the
// shared send budget (rate_buckets) keeps them, together, within the number's
// throughput limit in every one-second window, as Meta counts it (at arrival), and no
// message is sent twice. The Graph API is a tiny recording double on 127.0.0.1:0 that
// notes when each request arrived and whose message it was (biz_opaque_callback_data).
// Needs a real PostgreSQL (PGlite is one process by nature); skipped when none answers.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/adapters/clock/clock.ts';
import { textMessage } from '../../src/adapters/whatsapp/message.builders.ts';
import { createSecretBox } from '../../src/adapters/secrets/secret-box.ts';
import { buildContext } from '../../src/composition/context.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { queueMessage } from '../../src/modules/whatsapp/whatsapp.outbox.ts';
import { openPostgres, type Db } from '../../src/platform/store/db.ts';
import { migrate } from '../../src/platform/store/migrate.ts';
import { insertNumber, updateNumber } from '../../src/modules/whatsapp/whatsapp-numbers.repository.ts';
import { createSchema, postgresReachable } from '../support/db.ts';
import { spawnReadyWorker, waitFor as waitUntil, type WorkerProcess } from '../support/processes.ts';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 180_000 });

const baseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const reachable = await postgresReachable(baseUrl);
if (!reachable) console.warn(`whatsapp-throughput: no PostgreSQL at ${baseUrl}; this test needs one and is skipped (set TEST_DATABASE_URL)`);

const LIMIT = 80; // Meta's default per-number throughput (messages per second)
const MESSAGES = 1_000;
const PNID = '106540352242922';

interface Arrival {
  at: number; // performance.now() in this process, ms
  id: string; // biz_opaque_callback_data: our message id
  to: string;
  wamid: string;
}

let schema: { url: string; drop(): Promise<void> } | undefined;
let db: Db | undefined;
let graph: http.Server | undefined;
const arrivals: Arrival[] = [];
const workers: WorkerProcess[] = [];
const key = crypto.randomBytes(32);

function startGraphDouble(): Promise<string> {
  let n = 0;
  graph = http.createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const auth = req.headers.authorization;
      if (auth !== 'Bearer EAAG-throughput-token') {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: '(#190) Invalid OAuth access token', type: 'OAuthException', code: 190 } }));
        return;
      }
      if (req.method !== 'POST' || req.url !== `/v24.0/${PNID}/messages` || !body) {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } }));
        return;
      }
      const wamid = `wamid.THROUGHPUT${String(++n).padStart(6, '0')}`;
      arrivals.push({ at, id: String(body.biz_opaque_callback_data), to: String(body.to), wamid });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: wamid }] }));
    });
  });
  graph.keepAliveTimeout = 60_000;
  return new Promise((resolve) => graph!.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(graph!.address() as AddressInfo).port}`)));
}

const spawnWorker = (url: string, name: string, graphUrl: string) =>
  spawnReadyWorker(workers, 'test/fixtures/send-worker.ts', name, [url, name, graphUrl, key.toString('base64')]);

const waitFor = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 150_000) => waitUntil(what, probe, timeoutMs, 100);

/** The most arrivals inside any window [t, t + 1000 ms), and where it starts. */
function busiestSecond(times: number[]): { count: number; startsAt: number } {
  const t = [...times].sort((a, b) => a - b);
  let best = { count: 0, startsAt: t[0] ?? 0 };
  for (let i = 0, j = 0; i < t.length; i++) {
    while (j < t.length && t[j]! - t[i]! < 1000) j++;
    if (j - i > best.count) best = { count: j - i, startsAt: t[i]! };
  }
  return best;
}

let merchantId = '';
let ctx: AppContext | undefined;

beforeAll(async () => {
  if (!reachable) return;
  schema = await createSchema(baseUrl);
  db = await openPostgres(schema.url, { max: 4 });
  await migrate(db);
  const graphUrl = await startGraphDouble();
  ctx = buildContext({
    db,
    clock: systemClock,
    log: pino({ level: 'silent' }),
    secrets: createSecretBox(key),
    mode: 'live',
    publicUrl: 'http://127.0.0.1:0',
    graph: { url: graphUrl, version: 'v24.0' },
    jobsEnqueued: () => {},
  });
  const c = ctx;
  await db.transaction(async (tx) => {
    const m = await onboardMerchant(c, tx, 'Throughput Shop');
    merchantId = m.merchant.id;
    const now = new Date();
    await insertNumber(tx, {
      phone_number_id: PNID,
      merchant_id: merchantId,
      display_phone_number: '15550783881',
      waba_id: '419561257915477',
      catalog_id: null,
      sandbox: false,
      sandbox_access_token: null,
      access_token: c.secrets.seal('EAAG-throughput-token'),
      now,
    });
    await updateNumber(tx, merchantId, { throughput_per_second: LIMIT }, now);
    // Every customer wrote a moment ago: the 24-hour windows are open.
    await tx.query(
      `insert into customers (id, merchant_id, wa_id, profile_name, last_inbound_at, created_at, updated_at)
       select 'cus_0' || lpad(g::text, 25, '0'), $1, '9199' || lpad(g::text, 8, '0'), 'Customer ' || g, $2, $2, $2 from generate_series(1, $3::int) g`,
      [merchantId, now, MESSAGES],
    );
  });
  await Promise.all([spawnWorker(schema.url, 'p1', graphUrl), spawnWorker(schema.url, 'p2', graphUrl)]);
});

afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGTERM');
  const timeout = new Promise((r) => setTimeout(r, 10_000));
  await Promise.race([Promise.all(workers.map((w) => w.exited)), timeout]);
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  await new Promise((r) => (graph ? graph.close(r) : r(undefined)));
  await db?.close();
  await schema?.drop();
});

describe('two processes, one number, one PostgreSQL', () => {
  it.skipIf(!reachable)(`send ${MESSAGES} messages within ${LIMIT}/s in every one-second window, none twice`, async () => {
    const c = ctx!;
    const ids: string[] = [];
    // One commit: both processes see the whole queue at once.
    await db!.transaction(async (tx) => {
      for (let i = 1; i <= MESSAGES; i++) {
        const wa = `9199${String(i).padStart(8, '0')}`;
        const built = textMessage({ to: wa, body: `Your order #${i} has shipped` });
        if (!built.ok) throw new Error(built.error.message);
        const row = await queueMessage(c, tx, { merchantId, waId: wa, type: 'text', body: built.value, purpose: 'update:shipped' });
        ids.push(row!.id);
      }
    });
    const started = performance.now();
    await waitFor(`all ${MESSAGES} messages sent`, async () => {
      const r = await db!.query<{ n: number; bad: number }>(
        `select count(*) filter (where status = 'sent')::int as n, count(*) filter (where status in ('failed', 'skipped'))::int as bad from whatsapp_messages where merchant_id = $1`,
        [merchantId],
      );
      if (r[0]!.bad > 0) throw new Error(`${r[0]!.bad} message(s) failed or were skipped`);
      return r[0]!.n === MESSAGES;
    });
    const seconds = (performance.now() - started) / 1000;

    // Exactly once: every message arrived once, nothing else arrived.
    const seen = new Map<string, number>();
    for (const a of arrivals) seen.set(a.id, (seen.get(a.id) ?? 0) + 1);
    expect([...seen.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...seen.keys()].sort()).toEqual([...ids].sort());
    expect(arrivals).toHaveLength(MESSAGES);
    // The wamid each message recorded is the one the double answered for it.
    const rows = await db!.query<{ id: string; wamid: string }>(`select id, wamid from whatsapp_messages where merchant_id = $1`, [merchantId]);
    const answered = new Map(arrivals.map((a) => [a.id, a.wamid]));
    for (const r of rows) expect(r.wamid).toBe(answered.get(r.id));

    // Never above the limit in any one-second window (Meta counts at arrival).
    const busiest = busiestSecond(arrivals.map((a) => a.at));
    const rate = MESSAGES / seconds;
    console.log(
      `whatsapp-throughput: ${MESSAGES} sent in ${seconds.toFixed(1)} s (${rate.toFixed(1)}/s); busiest one-second window: ${busiest.count} (limit ${LIMIT})`,
    );
    expect(busiest.count).toBeLessThanOrEqual(LIMIT);

    // Both processes sent, and every job finished once.
    const by = await db!.query<{ locked_by: string; n: number; attempts: number }>(
      `select locked_by, count(*)::int as n, max(attempts)::int as attempts from jobs where kind = 'whatsapp.send' and status = 'done' group by locked_by order by locked_by`,
    );
    console.log(`whatsapp-throughput: per process ${by.map((b) => `${b.locked_by}=${b.n}`).join(', ')}`);
    expect(by.map((b) => b.locked_by)).toEqual(['p1', 'p2']);
    expect(by.reduce((s, b) => s + b.n, 0)).toBe(MESSAGES);
    for (const b of by) expect(b.n).toBeGreaterThan(0);
    expect(Math.max(...by.map((b) => b.attempts))).toBe(1);
  });
});
