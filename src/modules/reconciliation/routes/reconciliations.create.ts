// POST /v1/reconciliations: import a provider's settlement report. Two ways to send it:
//   - Content-Type: text/csv, the file as the body, settings in the query
//     (?format=razorpay|stripe|generic&provider=&amount_unit=&map=Col=field,…&period_from=&period_to=&file_name=&apply=true&apply_fees=true&settlement_days=3);
//     the body is streamed into the database as it arrives, never held whole in memory;
//   - application/json {format, provider?, amount_unit?, mapping?: {field: column}, period_from?, period_to?, file_name?, apply?, apply_fees?, settlement_days?, csv}.
// apply_fees books the report's fees the ledger does not hold yet (matched payments only);
// apply books those fees and the report's payouts. settlement_days: see docs/reconciliation.md.
// Bodies up to 50 MB (about 300,000 report rows). 202 with a new run, `importing`: a job
// reads the file and the run ends clean, mismatches or failed (GET it to follow its
// progress); 200 with the existing run when the same file was already imported with the
// same settings.
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { importSettings, type ReportInput } from '../reconciliation.settings.ts';
import { createImportRun, importReport, storeUpload } from '../reconciliation.upload.ts';
import { domainError } from '../../../domain/errors.ts';
import { GENERIC_FIELDS, parseMappingSpec } from '../../../domain/reconciliation/format.generic.ts';
import { AMOUNT_UNITS, REPORT_FORMATS } from '../../../domain/reconciliation/report.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentRun, runSchema } from '../reconciliation.present.ts';

export const REPORT_BODY_LIMIT = 50 * 1024 * 1024;

const time = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-03-01T00:00:00Z' });
const common = {
  format: z.enum(REPORT_FORMATS),
  provider: z.string().min(1).max(32).optional(),
  amount_unit: z.enum(AMOUNT_UNITS).optional(),
  period_from: time.optional(),
  period_to: time.optional(),
  file_name: z.string().min(1).max(200).optional(),
};
const csvQuery = z.strictObject({
  ...common,
  format: common.format.optional(),
  map: z.string().max(2000).optional(),
  apply_fees: z.enum(['true', 'false']).optional(),
  apply: z.enum(['true', 'false']).optional(),
  settlement_days: z
    .string()
    .regex(/^\d{1,3}$/, { message: 'must be a whole number of days' })
    .optional(),
});
const jsonBody = z.strictObject({
  ...common,
  apply_fees: z.boolean().optional(),
  apply: z.boolean().optional(),
  settlement_days: z.number().int().min(0).max(365).optional(),
  mapping: z.partialRecord(z.enum(GENERIC_FIELDS), z.string().min(1).max(200)).optional(),
  csv: z.string().min(1, { message: 'must be the report as CSV text' }),
});

type Common = {
  format: ReportInput['format'];
  provider?: string | undefined;
  amount_unit?: ReportInput['amountUnit'];
  period_from?: string | undefined;
  period_to?: string | undefined;
  file_name?: string | undefined;
};

type Apply = Pick<ReportInput, 'applyFees' | 'apply' | 'settlementDays'>;

function inputOf(c: Common, csv: string, mapping: ReportInput['mapping'], a: Apply): ReportInput | string {
  if ((c.period_from === undefined) !== (c.period_to === undefined)) return 'give both period_from and period_to, or neither';
  return {
    format: c.format,
    provider: c.provider,
    amountUnit: c.amount_unit,
    mapping,
    period: c.period_from && c.period_to ? { from: new Date(c.period_from), to: new Date(c.period_to) } : undefined,
    fileName: c.file_name,
    ...a,
    csv,
  };
}

const issues = (e: z.ZodError, where: string) => e.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));

export function register(app: App, { ctx }: RouteDeps) {
  // Its own scope: the text/csv parser and the larger body limit apply to this route only.
  app.register(async (scope) => {
    // The body stays a stream: the handler stores it chunk by chunk (and counts the limit itself).
    scope.addContentTypeParser('text/csv', (_req, payload, done) => done(null, payload));
    scope.post(
      '/v1/reconciliations',
      {
        bodyLimit: REPORT_BODY_LIMIT,
        // Idempotent by content: the same file with the same settings answers its newest run.
        config: { idempotencyKey: 'none', documentedBody: jsonBody },
        schema: {
          summary: 'Import a settlement report (text/csv with query settings, or JSON with a csv field); the import runs in a job',
          description:
            'Stores the file and answers 202 with a run that is `importing`; a job reads the file and the run ends `clean`, `mismatches` or `failed` (with `failure.message` naming the line). Follow it with GET /v1/reconciliations/{id} (`progress`). The same file with the same settings answers 200 with its newest run. Bodies up to 52428800 bytes.',
          response: { 200: runSchema, 202: runSchema },
        },
      },
      async (req, reply) => {
        const isCsv = /^text\/csv\b/i.test(req.headers['content-type'] ?? '');
        let input: ReportInput | string;
        if (isCsv) {
          const q = csvQuery.safeParse(req.query);
          if (!q.success)
            return sendError(
              req,
              reply,
              domainError('validation_error', `${issues(q.error, 'querystring')[0]!.path}: ${q.error.issues[0]!.message}`, issues(q.error, 'querystring')),
            );
          if (!q.data.format)
            return sendError(
              req,
              reply,
              domainError('validation_error', 'querystring.format: give format=razorpay, stripe or generic', [
                { path: 'querystring.format', message: 'Required' },
              ]),
            );
          let mapping: ReportInput['mapping'];
          if (q.data.map !== undefined) {
            const m = parseMappingSpec(q.data.map);
            if (!m.ok)
              return sendError(req, reply, domainError('validation_error', `querystring.map: ${m.error}`, [{ path: 'querystring.map', message: m.error }]));
            mapping = m.value;
          }
          const csvInput = inputOf({ ...q.data, format: q.data.format }, '', mapping, {
            applyFees: q.data.apply_fees === 'true',
            apply: q.data.apply === 'true',
            settlementDays: q.data.settlement_days === undefined ? undefined : Number(q.data.settlement_days),
          });
          if (typeof csvInput === 'string') return sendError(req, reply, domainError('validation_error', csvInput, { path: 'period_from' }));
          // Settings first: a bad query costs no upload.
          const settings = importSettings(csvInput);
          if (!settings.ok) return sendError(req, reply, settings.error);
          const declared = Number(req.headers['content-length']);
          if (Number.isFinite(declared) && declared > REPORT_BODY_LIMIT)
            return sendError(req, reply, domainError('payload_too_large', `The request body is larger than ${REPORT_BODY_LIMIT} bytes`));
          const stored = await storeUpload(ctx, req.merchantId, (req.body as Readable | undefined) ?? [], REPORT_BODY_LIMIT);
          if (!stored.ok) return sendError(req, reply, stored.error);
          const r = await createImportRun(ctx, req.merchantId, settings.value, stored.value, csvInput.fileName ?? null);
          return reply.code(r.created ? 202 : 200).send(presentRun(r.run));
        } else {
          if (Object.keys(req.query as object).length)
            return sendError(req, reply, domainError('validation_error', 'with a JSON body, put the settings in the body, not the query'));
          const b = jsonBody.safeParse(req.body);
          if (!b.success)
            return sendError(
              req,
              reply,
              domainError('validation_error', `${issues(b.error, 'body')[0]!.path}: ${b.error.issues[0]!.message}`, issues(b.error, 'body')),
            );
          input = inputOf(b.data, b.data.csv, b.data.mapping, {
            applyFees: b.data.apply_fees ?? false,
            apply: b.data.apply ?? false,
            settlementDays: b.data.settlement_days,
          });
        }
        if (typeof input === 'string') return sendError(req, reply, domainError('validation_error', input, { path: 'period_from' }));
        const r = await importReport(ctx, req.merchantId, input);
        if (!r.ok) return sendError(req, reply, r.error);
        return reply.code(r.value.created ? 202 : 200).send(presentRun(r.value.run));
      },
    );
  });
}
