// The sandbox PSP's settlement report: a merchant's sandbox captures (with the PSP's fee and
// its tax) and succeeded refunds made in [from, to), as a CSV in Razorpay's settlement recon
// format, so `POST /v1/reconciliations?format=razorpay&provider=sandbox` imports it as is and
// reconciliation can be tried without a real PSP (docs/reconciliation.md).
//
// Settlement, as the sandbox plays it: what was captured or refunded on a UTC day is settled
// the next day at 06:00 UTC, one settlement per day and currency (setl_sbx_YYYYMMDD_CUR,
// its payout = the rows' credit − debit); until then a row says settled=false.
//
// GET /sandbox/psp/settlements.csv?from=&to= (sandbox mode only), authenticated like /v1
// (the merchant's API key): the file is that merchant's, whatever merchant_id says.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { csvField, type CellKind } from '../../../../src/domain/csv.ts';
import { domainError } from '../../../../src/domain/errors.ts';
import { parseExportRange } from '../../../../src/modules/ops/index.ts';
import { capturedPaymentsBetween, findAccountOfMerchant, succeededRefundsBetween } from './psp-settlements.repository.ts';
import { chaosOf, pspFee, unixSeconds } from './psp.types.ts';
import type { App, Queryable, SandboxContext, SandboxHttp } from '../host.ts';

const COLUMNS: readonly [string, CellKind][] = [
  ['entity_id', 'fixed'],
  ['type', 'fixed'],
  ['debit', 'number'],
  ['credit', 'number'],
  ['amount', 'number'],
  ['currency', 'fixed'],
  ['fee', 'number'],
  ['tax', 'number'],
  ['on_hold', 'fixed'],
  ['settled', 'fixed'],
  ['created_at', 'number'],
  ['settled_at', 'number'],
  ['settlement_id', 'fixed'],
  ['settlement_utr', 'fixed'],
  ['payment_id', 'fixed'],
  ['order_receipt', 'text'],
  ['method', 'fixed'],
];

type Row = Record<(typeof COLUMNS)[number][0], string | number | null>;

const DAY_MS = 86_400_000;
const SETTLE_HOUR_MS = 6 * 3_600_000;

/** The settlement that carries money moved at `at`: the next UTC day at 06:00, if that has come. */
function settlementOf(at: Date, currency: string, now: Date): { settled: boolean; settledAt: Date | null; id: string | null; utr: string | null } {
  const day = Math.floor(at.getTime() / DAY_MS) * DAY_MS + DAY_MS;
  const settledAt = new Date(day + SETTLE_HOUR_MS);
  if (settledAt.getTime() > now.getTime()) return { settled: false, settledAt: null, id: null, utr: null };
  const ymd = settledAt.toISOString().slice(0, 10).replace(/-/g, '');
  return { settled: true, settledAt, id: `setl_sbx_${ymd}_${currency}`, utr: `SBXUTR${ymd}${currency}` };
}

export async function settlementRows(q: Queryable, merchantId: string, range: { from: Date; to: Date }, now: Date): Promise<Row[]> {
  const account = await findAccountOfMerchant(q, merchantId);
  if (!account) return [];
  const rates = chaosOf(account);
  const rows: { at: Date; row: Row }[] = [];
  for (const p of await capturedPaymentsBetween(q, account.id, range.from, range.to)) {
    const { fee, tax } = pspFee(p.amount, rates);
    const s = settlementOf(p.created_at, p.currency, now);
    rows.push({
      at: p.created_at,
      row: {
        entity_id: p.id,
        type: 'payment',
        debit: 0,
        credit: p.amount - fee,
        amount: p.amount,
        currency: p.currency,
        fee,
        tax,
        on_hold: 'false',
        settled: String(s.settled),
        created_at: unixSeconds(p.created_at),
        settled_at: s.settledAt ? unixSeconds(s.settledAt) : null,
        settlement_id: s.id,
        settlement_utr: s.utr,
        payment_id: null,
        order_receipt: p.reference_id,
        method: 'sandbox',
      },
    });
  }
  for (const r of await succeededRefundsBetween(q, account.id, range.from, range.to)) {
    const s = settlementOf(r.created_at, r.currency, now);
    rows.push({
      at: r.created_at,
      row: {
        entity_id: r.id,
        type: 'refund',
        debit: r.amount,
        credit: 0,
        amount: r.amount,
        currency: r.currency,
        fee: 0,
        tax: 0,
        on_hold: 'false',
        settled: String(s.settled),
        created_at: unixSeconds(r.created_at),
        settled_at: s.settledAt ? unixSeconds(s.settledAt) : null,
        settlement_id: s.id,
        settlement_utr: s.utr,
        payment_id: r.payment_id,
        order_receipt: r.reference_id,
        method: 'sandbox',
      },
    });
  }
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime() || String(a.row.entity_id).localeCompare(String(b.row.entity_id))).map((r) => r.row);
}

export function settlementCsv(rows: readonly Row[]): string {
  const line = (cells: string[]) => `${cells.join(',')}\r\n`;
  return line(COLUMNS.map(([name]) => name)) + rows.map((r) => line(COLUMNS.map(([name, kind]) => csvField(r[name], kind)))).join('');
}

const query = z.strictObject({
  from: z.string().max(64).optional().describe('Inclusive; ISO 8601 date or time in UTC (a date means midnight UTC)'),
  to: z.string().max(64).optional().describe('Exclusive; at most 366 days after from'),
  merchant_id: z.string().max(64).optional().describe("Optional: must be the API key's merchant"),
});

export const settlementCsvSchema = z.string().describe('Razorpay settlement recon CSV: entity_id, type, debit, credit, amount, currency, fee, tax, …');

export async function downloadSettlementReport(ctx: SandboxContext, http: SandboxHttp, req: FastifyRequest, reply: FastifyReply, q: z.infer<typeof query>) {
  const merchantId = http.merchantOf(req);
  if (q.merchant_id !== undefined && q.merchant_id !== merchantId)
    return http.replyError(req, reply, domainError('not_found', `No merchant ${q.merchant_id} for this API key`));
  const range = parseExportRange(q);
  if (!range.ok) return http.replyError(req, reply, range.error);
  const rows = await settlementRows(ctx.db, merchantId, range.value, ctx.clock.now());
  const name = `sandbox-settlement_${range.value.from.toISOString().slice(0, 10)}_${range.value.to.toISOString().slice(0, 10)}.csv`;
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store')
    .send(settlementCsv(rows));
}

/** Mounts GET /sandbox/psp/settlements.csv behind the API-key authentication of /v1. */
export async function registerSandboxSettlements(app: App, ctx: SandboxContext, http: SandboxHttp): Promise<void> {
  if (ctx.mode !== 'sandbox') return;
  await app.register(async (scoped) => {
    scoped.addHook('onRequest', http.authenticate);
    (scoped as App).get(
      '/sandbox/psp/settlements.csv',
      {
        schema: {
          // Like every /sandbox route, not part of the product's API document (docs/reconciliation.md describes it).
          hide: true,
          tags: ['sandbox'],
          summary:
            "Sandbox mode only: the sandbox payment provider's settlement report of this merchant's captures, fees and refunds in [from, to), in Razorpay's recon format (import it with POST /v1/reconciliations?format=razorpay&provider=sandbox)",
          querystring: query,
          produces: ['text/csv'],
          response: { 200: { description: 'The CSV file', content: { 'text/csv': { schema: settlementCsvSchema } } } },
        },
      },
      (req, reply) => downloadSettlementReport(ctx, http, req, reply, req.query),
    );
  });
}
