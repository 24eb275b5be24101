// GET /v1/exports/{orders,payments,refunds}.csv?from=&to= : the merchant's rows created
// in [from, to) as RFC 4180 CSV, streamed page by page (src/app/exports.ts).
import { Readable } from 'node:stream';
import { z } from 'zod';
import { EXPORT_KINDS, exportCsv, exportFilename, parseExportRange, type ExportKind } from '../ops.exports.ts';
import type { App } from '../../../platform/http/app.ts';
import { sendError } from '../../../platform/http/errors.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';

// Strings here, checked by parseExportRange, so every range mistake gets the same clear message.
const query = z.strictObject({
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
});

export function register(app: App, { ctx }: RouteDeps) {
  for (const kind of EXPORT_KINDS) {
    app.get(
      `/v1/exports/${kind}.csv`,
      {
        schema: {
          response: { 200: { description: 'RFC 4180 CSV, streamed', content: { 'text/csv': { schema: z.string() } } } },
          summary: `Export ${kind} created in [from, to) as CSV`,
          description:
            'from inclusive, to exclusive, ISO 8601 in UTC (a date means midnight UTC); at most 366 days. Money columns: integer minor units and `<name>_decimal`. Text cells starting with = + - @ tab or CR are prefixed with a single quote.',
          querystring: query,
        },
      },
      async (req, reply) => {
        const range = parseExportRange(req.query);
        if (!range.ok) return sendError(req, reply, range.error);
        const stream = Readable.from(exportCsv(ctx.db, req.merchantId, kind as ExportKind, range.value));
        stream.on('error', (e) => req.log.error({ err: e, kind }, 'export stream failed'));
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${exportFilename(kind, range.value)}"`)
          .header('cache-control', 'no-store')
          .send(stream as never); // a stream of the declared text/csv (the schema types the body as a string)
      },
    );
  }
}
