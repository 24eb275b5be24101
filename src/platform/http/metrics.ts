// Prometheus metrics. One registry per process (not prom-client's global one), so
// tests can build many apps side by side.
import client from 'prom-client';
import type { AppContext } from '../context.ts';
import { queueStats } from '../jobs/jobs.repository.ts';

export interface Metrics {
  registry: client.Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  jobOutcome(kind: string, outcome: string): void;
}

export function createMetrics(ctx: Pick<AppContext, 'db' | 'clock' | 'log'>): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'chatcart_process_' });
  const requests = new client.Counter({
    name: 'chatcart_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'chatcart_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const jobs = new client.Counter({
    name: 'chatcart_jobs_total',
    help: 'Jobs run, by kind and outcome',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });
  // The queue is read once per scrape, at scrape time, so every process reports the shared
  // queue's state. All three gauges wait for the same read: prom-client serializes gauges
  // concurrently, so values set from another gauge's collect would show one scrape late.
  let reading: Promise<boolean> | undefined;
  const readQueue = () =>
    (reading ??= (async () => {
      try {
        const stats = await queueStats(ctx.db, ctx.clock.now());
        depth.reset();
        age.reset();
        for (const s of stats) {
          depth.set({ status: s.status }, s.count);
          age.set({ status: s.status }, s.oldest_seconds);
        }
        return true;
      } catch (e) {
        ctx.log.warn({ err: e }, 'metrics: could not read the job queue');
        return false;
      } finally {
        reading = undefined;
      }
    })());
  const depth = new client.Gauge({
    name: 'chatcart_jobs_queue_depth',
    help: 'Jobs by status (queued, running, dead)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      await readQueue();
    },
  });
  const age = new client.Gauge({
    name: 'chatcart_jobs_oldest_age_seconds',
    help: 'Age of the oldest due job, by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      await readQueue();
    },
  });
  new client.Gauge({
    name: 'chatcart_jobs_scrape_ok',
    help: '1 when the queue could be read for this scrape',
    registers: [registry],
    async collect() {
      this.set((await readQueue()) ? 1 : 0);
    },
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
    jobOutcome(kind, outcome) {
      jobs.inc({ kind, outcome });
    },
  };
}
