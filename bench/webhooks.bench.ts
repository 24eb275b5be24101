// WhatsApp webhook intake: POST /webhooks/whatsapp bodies per second and p50 / p99 latency to
// the 200, on each database, against a bare fastify handler on 127.0.0.1:0 that only checks the
// signature (verifyWebhookSignature) and answers 200, measured right before each database's run.
//
// The bodies are Meta status webhooks (sent, then delivered, then read) for outbound messages
// that exist in the database, signed with the app secret, one status per POST as Meta sends
// them outside bursts. chatcart runs as `chatcart start` does (HTTP and job workers in one
// process), so the stored bodies are processed while the load runs. Every 200 must mean a
// committed body: the run checks that the inbox holds at least as many bodies as were answered.
// The load comes from autocannon in a separate process (bench/support/load-child.ts) so the
// client does not share the servers' event loop. Target: p99 < 50 ms and at least 40 % of the bare handler's
// throughput, while committing every event.
// BENCH_WEBHOOK_JOBS=off measures the intake alone (the stored bodies wait unprocessed).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { signWebhook, verifyWebhookSignature } from '../src/adapters/whatsapp/signature.ts';
import { whatsappAppSecret } from '../src/modules/whatsapp/whatsapp.numbers.ts';
import { loadConfig } from '../src/config.ts';
import { WHATSAPP_BODY_LIMIT } from '../src/modules/whatsapp/routes/webhook.ts';
import { startServer, type Running } from '../src/main.ts';
import { getNumberByMerchant } from '../src/modules/whatsapp/whatsapp-numbers.repository.ts';
import { createSchema, postgresReachable } from '../test/support/db.ts';
import { fmt, type Bench, type BenchSettings, type BenchTable } from './support/bench.ts';
import { type ChildResult, type ChildSpec, loadFromChild } from './support/load-process.ts';
import { benchEnv, DEFAULT_PG_URL } from './support/targets.ts';

const TARGET_P99_MS = 50;
const TARGET_RATIO = 0.4;
/** Outbound messages the statuses refer to; 3 statuses each before bodies repeat (redeliveries). */
const MESSAGES = 8_000;
const JOBS = process.env.BENCH_WEBHOOK_JOBS === 'off' ? 'off' : 'on';

interface Prepared {
  secret: string;
  requests: ChildSpec['requests'];
}

/** A signed Meta status webhook per (message, status): all `sent`, then all `delivered`, then all `read`. */
function statusBodies(secret: string, pnid: string, display: string, wabaId: string, waId: string, tag: string): ChildSpec['requests'] {
  const requests: ChildSpec['requests'] = [];
  const ts = String(Math.floor(Date.now() / 1000));
  for (const status of ['sent', 'delivered', 'read']) {
    for (let i = 1; i <= MESSAGES; i++) {
      const item: Record<string, unknown> = { id: `wamid.${tag}${i}`, status, timestamp: ts, recipient_id: waId, biz_opaque_callback_data: `msg_${tag}${i}` };
      if (status === 'sent') item['conversation'] = { id: 'c0ffee', expiration_timestamp: Number(ts) + 86_400, origin: { type: 'service' } };
      item['pricing'] = { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' };
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: wabaId,
            changes: [
              {
                value: { messaging_product: 'whatsapp', metadata: { display_phone_number: display, phone_number_id: pnid }, statuses: [item] },
                field: 'messages',
              },
            ],
          },
        ],
      });
      requests.push({
        body,
        headers: { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', 'x-hub-signature-256': signWebhook(secret, body) },
      });
    }
  }
  return requests;
}

/** The outbound messages the statuses are about, as the send job leaves them. */
export async function prepare(running: Running): Promise<Prepared> {
  const db = running.ctx.db;
  const merchantId = running.demo!.merchantId;
  const number = (await getNumberByMerchant(db, merchantId))!;
  const secret = await whatsappAppSecret(running.ctx, db);
  const tag = `BENCH${Date.now().toString(36)}x`;
  const waId = '919800000042';
  await db.query(
    `insert into whatsapp_messages (id, merchant_id, phone_number_id, wa_id, direction, wamid, type, payload, status, essential, created_at, updated_at)
     select 'msg_' || $4 || g, $1, $2, $3, 'out', 'wamid.' || $4 || g, 'text', '{"purpose":"bench"}'::jsonb, 'sending', true, now(), now()
       from generate_series(1, $5::int) g`,
    [merchantId, number.phone_number_id, waId, tag, MESSAGES],
  );
  return { secret, requests: statusBodies(secret, number.phone_number_id, number.display_phone_number ?? '', number.waba_id ?? '', waId, tag) };
}

/** A fastify app that only verifies the signature over the raw bytes and answers 200. */
async function bareHandler(secret: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WHATSAPP_BODY_LIMIT }, (_req, body, done) => done(null, body));
  app.post('/webhooks/whatsapp', async (req, reply) => {
    const sig = req.headers['x-hub-signature-256'];
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyWebhookSignature(raw, Array.isArray(sig) ? sig[0] : sig, secret)) return reply.code(401).send({ error: 'bad signature' });
    return reply.code(200).send({ received: true });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${url}/webhooks/whatsapp`, close: () => app.close() };
}

export const STATUS_BURST = Number(process.env.BENCH_STATUS_BURST) || 10_000;
const DRAIN_LIMIT_MS = 120_000;

export interface Drained {
  seconds: number;
  waiting: number;
  items: number;
  done: boolean;
}

/** Waits until no stored body waits for processing (bounded); how long that took and how many items it applied. */
export async function drain(running: Running): Promise<Drained> {
  const db = running.ctx.db;
  const count = async () =>
    (
      await db.query<{ waiting: number; items: number }>(
        `select (select count(*)::int from whatsapp_inbox where status = 'received') as waiting,
                (select count(*)::int from whatsapp_items where status <> 'received') as items`,
      )
    )[0]!;
  const start = Date.now();
  const first = await count();
  let now = first;
  while (now.waiting > 0 && Date.now() - start < DRAIN_LIMIT_MS) {
    await new Promise((r) => setTimeout(r, 100));
    now = await count();
  }
  return { seconds: (Date.now() - start) / 1000, waiting: first.waiting, items: now.items - first.items, done: now.waiting === 0 };
}

export const describeDrain = (d: Drained) =>
  d.done
    ? `${d.waiting} bodies were waiting; the backlog drained in ${fmt(d.seconds, 1)} s (${fmt(d.items / Math.max(d.seconds, 0.001), 0)} items/s)`
    : `${d.waiting} bodies were waiting; NOT drained after ${DRAIN_LIMIT_MS / 1000} s`;

type Target = { name: 'pglite' | 'postgres'; open(): Promise<{ running: Running; describe: string; cleanup(): Promise<void> } | { skipped: string }> };

const ALL_TARGETS: Target[] = [
  {
    name: 'pglite',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-bench-'));
      try {
        const running = await startServer(loadConfig(benchEnv({ CHATCART_DATA_DIR: dir, CHATCART_JOBS: JOBS })));
        return {
          running,
          describe: `embedded PGlite in a temp dir (${dir}, removed afterwards)`,
          cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
        };
      } catch (e) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    },
  },
  {
    name: 'postgres',
    async open() {
      const url = process.env.BENCH_DATABASE_URL || DEFAULT_PG_URL;
      const shown = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
      if (!(await postgresReachable(url))) return { skipped: `PostgreSQL at ${shown} is not reachable (set BENCH_DATABASE_URL)` };
      const schema = await createSchema(url);
      try {
        const running = await startServer(loadConfig(benchEnv({ DATABASE_URL: schema.url, CHATCART_JOBS: JOBS })));
        const name = new URL(schema.url).searchParams.get('options')?.split('=')[1] ?? '?';
        return { running, describe: `PostgreSQL ${shown}, fresh schema ${name} (dropped afterwards)`, cleanup: () => schema.drop() };
      } catch (e) {
        await schema.drop();
        throw e;
      }
    },
  },
];

/** BENCH_TARGETS=postgres (or pglite) runs one database only, as the other benches do. */
const only = (process.env.BENCH_TARGETS ?? '').split(',').filter(Boolean);
const TARGETS = ALL_TARGETS.filter((t) => only.length === 0 || only.includes(t.name));

export const webhooksBench: Bench = {
  name: 'webhooks',
  async run(settings: BenchSettings): Promise<BenchTable> {
    const connections = Math.min(64, Math.max(32, settings.concurrency));
    const table: BenchTable = {
      title:
        `webhooks: signed status POSTs to /webhooks/whatsapp vs a bare signature-checking fastify handler, ` +
        `${connections} connections from a separate process, job workers ${JOBS}, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured`,
      columns: ['server', 'database', 'bodies/s', 'p50 ms', 'p99 ms', 'errors', 'vs bare'],
      rows: [],
      notes: [`target: p99 < ${TARGET_P99_MS} ms and ≥ ${TARGET_RATIO * 100}% of the bare handler's throughput, while committing every event`],
    };
    const load = (url: string, requests: ChildSpec['requests']) =>
      loadFromChild({
        url,
        requests,
        expectStatus: 200,
        concurrency: connections,
        warmupMs: settings.warmupSeconds * 1000,
        durationMs: settings.seconds * 1000,
      });

    for (const target of TARGETS) {
      let opened: Awaited<ReturnType<Target['open']>> | undefined;
      try {
        opened = await target.open();
        if ('skipped' in opened) {
          table.rows.push(['chatcart', target.name, '-', '-', '-', '-', '-']);
          table.notes.push(`${target.name}: skipped: ${opened.skipped}`);
          continue;
        }
        const { running } = opened;
        const prep = await prepare(running);

        // The bare handler first, with the same bodies, right before this database's run.
        const bare = await bareHandler(prep.secret);
        let b: ChildResult;
        try {
          b = await load(bare.url, prep.requests);
        } finally {
          await bare.close();
        }
        table.rows.push(['bare handler', `(before ${target.name})`, fmt(b.perSecond, 0), fmt(b.p50, 2), fmt(b.p99, 2), b.errors, '100%']);

        const db = running.ctx.db;
        const before = (await db.query<{ n: number }>(`select count(*)::int as n from whatsapp_inbox`))[0]!.n;
        const c = await load(`${running.url}/webhooks/whatsapp`, prep.requests);
        const stored = (
          await db.query<{ n: number; processed: number }>(
            `select count(*)::int as n, count(*) filter (where status = 'processed')::int as processed from whatsapp_inbox`,
          )
        )[0]!;
        const ratio = c.perSecond / b.perSecond;
        table.rows.push(['chatcart', target.name, fmt(c.perSecond, 0), fmt(c.p50, 2), fmt(c.p99, 2), c.errors, `${fmt(ratio * 100, 0)}%`]);

        const committed = stored.n - before;
        table.notes.push(`${target.name}: ${opened.describe}`);
        table.notes.push(
          `${target.name}: ${c.answered} bodies answered 200 (warm-up included), ${committed} committed to whatsapp_inbox: ` +
            `${committed >= c.answered ? 'every 200 was committed' : `MISSING ${c.answered - committed}`}; ${stored.processed} processed by the job workers so far`,
        );
        const okP99 = c.p99 < TARGET_P99_MS;
        const okRatio = ratio >= TARGET_RATIO;
        table.notes.push(
          `${target.name}: target ${okP99 && okRatio ? 'met' : 'MISSED'}: p99 ${fmt(c.p99, 1)} ms ${okP99 ? '<' : '≥'} ${TARGET_P99_MS} ms; ` +
            `throughput ${fmt(ratio * 100, 0)}% of bare (${fmt(c.perSecond, 0)} / ${fmt(b.perSecond, 0)} bodies/s) ${okRatio ? '≥' : '<'} ${TARGET_RATIO * 100}%`,
        );
        for (const e of [...b.errorSamples.map((x) => `bare: ${x}`), ...c.errorSamples]) table.notes.push(`${target.name}: error sample: ${e}`);
        if (JOBS === 'on') {
          const d = await drain(running);
          table.notes.push(`${target.name}: after the timed load: ${describeDrain(d)}`);
          // The burst of the issue: BENCH_STATUS_BURST fresh status webhooks as fast as intake takes them.
          const fresh = await prepare(running);
          const burstStart = Date.now();
          const burst = await loadFromChild({
            url: `${running.url}/webhooks/whatsapp`,
            requests: fresh.requests.slice(0, STATUS_BURST),
            expectStatus: 200,
            concurrency: connections,
            warmupMs: 0,
            durationMs: 0,
            amount: STATUS_BURST,
          });
          const accepted = (Date.now() - burstStart) / 1000;
          const bd = await drain(running);
          table.notes.push(
            `${target.name}: burst of ${STATUS_BURST} status webhooks: accepted in ${fmt(accepted, 1)} s (${fmt(burst.answered / accepted, 0)}/s, ${burst.errors} errors); ` +
              `${describeDrain(bd)}; target: no backlog 10 s after the last one is accepted: ${bd.seconds <= 10 ? 'met' : 'MISSED'}`,
          );
        }
      } catch (e) {
        table.rows.push(['chatcart', target.name, '-', '-', '-', 'failed', '-']);
        table.notes.push(`${target.name}: failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        if (opened && !('skipped' in opened)) {
          await opened.running.close().catch(() => {});
          await opened.cleanup().catch(() => {});
        }
      }
    }
    return table;
  },
};
