// Outgoing webhook deliveries per second to a local receiver (node:http on 127.0.0.1 that
// answers 200 at once), on each database, with chatcart running as `chatcart start` runs it
// (HTTP and job workers in one process). BENCH_WEBHOOK_EVENTS business events (default 2000)
// are recorded in transactions of 50, the way use cases record them; each fans out to one
// endpoint, is signed and POSTed. The clock runs from the first commit to the last 2xx, so the
// figure includes fan-out, the delivery jobs and recording every attempt. Every event must
// arrive: the run reports any that did not.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordEvent } from '../src/modules/events/events.record.ts';
import { inTransaction } from '../src/platform/context.ts';
import type { Bench, BenchSettings, BenchTable } from './support/bench.ts';
import { TARGETS } from './support/targets.ts';

const BATCH = 50;

function eventsWanted(): number {
  const raw = process.env.BENCH_WEBHOOK_EVENTS;
  const n = raw ? Number(raw) : 2000;
  return Number.isInteger(n) && n > 0 ? n : 2000;
}

export const outboundWebhooksBench: Bench = {
  name: 'outbound-webhooks',
  async run(settings: BenchSettings): Promise<BenchTable> {
    const total = eventsWanted();
    const table: BenchTable = {
      title: `outbound webhooks: ${total} business events → 1 endpoint on 127.0.0.1 (signed, one attempt each), workers as configured`,
      columns: ['database', 'deliveries/s', 'p50 lag ms', 'p99 lag ms', 'delivered', 'seconds'],
      rows: [],
      notes: [`BENCH_WEBHOOK_EVENTS=${total}; settings.seconds (${settings.seconds}) bounds the wait for stragglers ×10`],
    };
    for (const target of TARGETS) {
      const seen = new Map<string, number>();
      const committedAt = new Map<string, number>();
      const receiver = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const id = String(req.headers['webhook-id']);
          if (!seen.has(id)) seen.set(id, performance.now());
          res.end('ok');
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      try {
        const out = await target.withServer(async (s) => {
          const res = await fetch(`${s.url}/v1/webhook-endpoints`, {
            method: 'POST',
            headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ url, events: ['dispute.*'] }),
          });
          if (res.status !== 201) throw new Error(`creating the endpoint answered ${res.status}: ${await res.text()}`);
          const started = performance.now();
          for (let i = 0; i < total; i += BATCH) {
            const ids = await inTransaction(s.ctx, async (tx) => {
              const out: string[] = [];
              for (let j = i; j < Math.min(total, i + BATCH); j++) {
                const ev = await recordEvent(
                  s.ctx,
                  tx,
                  { source: 'provider', id: null },
                  { merchantId: s.merchantId, type: 'dispute.opened', data: { provider_dispute_id: `dp_bench_${j}` } },
                );
                out.push(ev.id);
              }
              return out;
            });
            const at = performance.now();
            for (const id of ids) committedAt.set(id, at);
          }
          const deadline = performance.now() + settings.seconds * 10_000;
          while (seen.size < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          const last = Math.max(...seen.values());
          const lags = [...seen].map(([id, t]) => t - (committedAt.get(id) ?? t)).sort((a, b) => a - b);
          const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? NaN;
          return { rate: (seen.size / (last - started)) * 1000, p50: q(0.5), p99: q(0.99), seconds: (last - started) / 1000, describe: s.describe };
        });
        if ('skipped' in out) {
          table.notes.push(`${target.name}: skipped: ${out.skipped}`);
          continue;
        }
        table.rows.push([target.name, out.rate.toFixed(0), out.p50.toFixed(1), out.p99.toFixed(1), `${seen.size}/${total}`, out.seconds.toFixed(1)]);
        table.notes.push(`${target.name}: ${out.describe}`);
      } catch (e) {
        table.notes.push(`${target.name}: failed: ${(e as Error).message}`);
      } finally {
        receiver.closeAllConnections();
        await new Promise((r) => receiver.close(r));
      }
    }
    return table;
  },
};
