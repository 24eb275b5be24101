// Whether this process can serve: the database answers. Failures are logged (at warn)
// and reported as unhealthy, never thrown to the caller.
import { err, ok, type Result } from '../../domain/result.ts';
import type { AppContext } from '../../platform/context.ts';
import { pingDatabase } from './health.repository.ts';

export async function checkHealth(ctx: AppContext): Promise<Result<true, 'database'>> {
  try {
    await pingDatabase(ctx.db);
    return ok(true);
  } catch (e) {
    ctx.log.warn({ err: e }, 'health check: the database did not answer');
    return err('database');
  }
}
