import { systemClock } from '../adapters/clock/clock.ts';
import { contextFromConfig } from '../composition/context.ts';
import type { AppContext } from '../platform/context.ts';
import type { Config } from '../config.ts';
import { createLogger } from '../platform/logger.ts';
import { openDbFromConfig, secretBoxFor } from '../composition/ports.ts';

/** An AppContext for one CLI command; close() releases the database (and its lock). */
export async function openCliContext(cfg: Config): Promise<AppContext & { close(): Promise<void> }> {
  const log = createLogger(cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL);
  const db = await openDbFromConfig(cfg, log);
  const ctx = contextFromConfig(cfg, { db, clock: systemClock, log, secrets: await secretBoxFor(cfg, db), jobsEnqueued: () => {} });
  return Object.assign(ctx, {
    close: async () => {
      await ctx.stream?.close(); // a change made here wakes the servers' streams before the database closes
      await db.close();
    },
  });
}

export const cliActor = { source: 'cli' as const, id: process.env.USER ?? 'cli' };
