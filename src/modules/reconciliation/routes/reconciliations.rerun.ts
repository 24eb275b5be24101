// POST /v1/reconciliations/{id}/rerun: match the stored report again against today's
// data. Each rerun is a new run (the next version, rerun_of = id), answered 202 while it is
// `importing` (a job reads the file, as for an upload); earlier runs stay as they were, so a
// fix can be seen as a mismatch that disappeared.
import { rerunReport } from '../reconciliation.upload.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { presentRun, runSchema } from '../reconciliation.present.ts';

export function register(app: App, { ctx }: RouteDeps) {
  app.post(
    '/v1/reconciliations/:id/rerun',
    {
      schema: {
        summary: 'Match the stored report again against current data, as a new run version (imported in a job: 202 while importing)',
        params: idParam('rec'),
        response: { 202: runSchema },
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 202,
        run: (tx) => rerunReport(ctx, tx, req.merchantId, req.params.id),
        present: (run) => presentRun(run),
      }),
  );
}
