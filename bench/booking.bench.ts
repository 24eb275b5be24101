// The book-appointment flow's final submit under contention: each round, 20 customers
// (their own flow tokens, walked to SLOT beforehand) submit the same time at once through
// the real encrypted endpoint. Exactly one must hold it (a booking and a deposit order in
// one transaction); the others must get SLOT again. Reported per database: the round's
// wall time (all 20 answered), the per-request latency, and how many rounds broke the
// one-winner rule (always 0, or the benchmark is reporting a bug).
import crypto from 'node:crypto';
import { decryptFlowResponse, encryptFlowRequest } from '../packages/sandbox/src/phone/flow-client.crypto.ts';
import { whatsappAppSecret } from '../src/modules/whatsapp/whatsapp.numbers.ts';
import { fmt, type Bench, type BenchSettings, type BenchTable } from './support/bench.ts';
import { percentile } from './support/load.ts';
import { TARGETS, type BenchServer } from './support/targets.ts';

const RACERS = 20;

async function api(s: BenchServer, path: string, body: unknown, method = 'POST'): Promise<any> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const j = await res.json();
  if (res.status >= 300) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(j)}`);
  return j;
}

function client(s: BenchServer, publicKey: string, secret: string) {
  return async (payload: unknown): Promise<any> => {
    const { envelope, aesKey, iv } = encryptFlowRequest(payload, publicKey);
    const body = JSON.stringify(envelope);
    const signature = `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
    const res = await fetch(`${s.url}/flows/endpoint/${s.merchantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`flow endpoint answered ${res.status}`);
    return decryptFlowResponse(text, aesKey, iv);
  };
}

async function race(s: BenchServer, rounds: number, racers: number, offset: number) {
  const keys =
    (await fetch(`${s.url}/v1/flows/keys`, { headers: { authorization: `Bearer ${s.apiKey}` } }).then((r) => (r.status === 200 ? r.json() : null))) ??
    (await api(s, '/v1/flows/keys', {}));
  const send = client(s, keys.public_key, await whatsappAppSecret(s.ctx, s.ctx.db));
  const every = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));
  const svc = await api(s, '/v1/booking-services', { name: `Bench ${racers}`, duration_minutes: 5, deposit: 1000, currency: 'INR', weekly_hours: every });
  const date = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const roundMs: number[] = [];
  const reqMs: number[] = [];
  let broken = 0;
  for (let r = 0; r < rounds; r++) {
    const m = (r + offset) * 5;
    const slot = `${date}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00.000Z`;
    const tokens: string[] = [];
    for (let i = 0; i < racers; i++) {
      const { flow_token } = await api(s, '/v1/flows/send', {
        wa_id: `9197${String(r + offset).padStart(3, '0')}${String(i).padStart(5, '0')}`,
        flow: 'book_appointment',
      });
      await send({ version: '3.0', action: 'INIT', flow_token });
      await send({ version: '3.0', action: 'data_exchange', screen: 'SERVICE', flow_token, data: { service: svc.id } });
      await send({ version: '3.0', action: 'data_exchange', screen: 'DATE', flow_token, data: { date } });
      const shown = await send({ version: '3.0', action: 'data_exchange', screen: 'DETAILS', flow_token, data: { name: `Racer ${i}` } });
      if (!shown.data.slots.some((x: any) => x.id === slot)) throw new Error(`slot ${slot} not offered`);
      tokens.push(flow_token);
    }
    const t0 = performance.now();
    const answers = await Promise.all(
      tokens.map(async (flow_token) => {
        const t = performance.now();
        const a = await send({ version: '3.0', action: 'data_exchange', screen: 'SLOT', flow_token, data: { slot } });
        reqMs.push(performance.now() - t);
        return a;
      }),
    );
    roundMs.push(performance.now() - t0);
    const won = answers.filter((a) => a.screen === 'SUCCESS').length;
    const lost = answers.filter((a) => a.screen === 'SLOT' && /just taken/.test(a.data.error_message ?? '')).length;
    if (won !== 1 || lost !== racers - 1) broken++;
  }
  const sort = (xs: number[]) => Float64Array.from(xs).sort();
  return { rounds: sort(roundMs), requests: sort(reqMs), broken };
}

export const bookingBench: Bench = {
  name: 'booking',
  async run(settings: BenchSettings): Promise<BenchTable> {
    const rounds = Math.max(5, Math.round(settings.seconds * 2));
    const table: BenchTable = {
      title: `booking: 1, then ${RACERS} customers submit the same slot at once (POST /flows/endpoint, SLOT), ${rounds} rounds each`,
      columns: ['database', 'customers', 'round p50 ms', 'round p99 ms', 'request p50 ms', 'request p99 ms', 'rounds not exactly one winner'],
      rows: [],
      notes: [],
    };
    for (const target of TARGETS) {
      try {
        const out = await target.withServer(async (s) => ({
          solo: await race(s, rounds, 1, 0),
          crowd: await race(s, rounds, RACERS, rounds),
          describe: s.describe,
        }));
        if ('skipped' in out) {
          table.rows.push([target.name, '-', '-', '-', '-', '-', '-']);
          table.notes.push(`${target.name}: skipped: ${out.skipped}`);
          continue;
        }
        for (const [n, r] of [
          [1, out.solo],
          [RACERS, out.crowd],
        ] as const) {
          table.rows.push([
            target.name,
            n,
            fmt(percentile(r.rounds, 0.5), 1),
            fmt(percentile(r.rounds, 0.99), 1),
            fmt(percentile(r.requests, 0.5), 1),
            fmt(percentile(r.requests, 0.99), 1),
            r.broken,
          ]);
        }
        table.notes.push(`${target.name}: ${out.describe}`);
      } catch (e) {
        table.rows.push([target.name, '-', '-', '-', '-', '-', 'failed']);
        table.notes.push(`${target.name}: failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return table;
  },
};
