// `chatcart events replay`: the same replay as POST /v1/webhook-endpoints/{id}/replay.
// It queues the deliveries; the workers send them (with the embedded database, at the
// next `chatcart start`, since the server must be stopped to run this).
import { replayEvents } from '../../modules/events/index.ts';
import type { Config } from '../../config.ts';
import { getMerchant } from '../../modules/merchants/index.ts';
import { flags, required, UsageError } from '../args.ts';
import { cliActor, openCliContext } from '../context.ts';

const USAGE = 'usage: chatcart events replay --merchant ID --endpoint whe_… (--event evt_… | --from ISO --to ISO) [--json]';

function isoDate(v: string, name: string): Date {
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be an ISO 8601 time such as 2026-03-01T00:00:00Z`);
  return d;
}

export async function runEvents(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, {
    merchant: { type: 'string' },
    endpoint: { type: 'string' },
    event: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals[0] !== 'replay') throw new UsageError(USAGE);
  const merchantId = required(values.merchant, 'merchant');
  const endpointId = required(values.endpoint, 'endpoint');
  const single = values.event !== undefined && values.from === undefined && values.to === undefined;
  const range = values.event === undefined && values.from !== undefined && values.to !== undefined;
  if (!single && !range) throw new UsageError(`give either --event, or both --from and --to\n${USAGE}`);
  const input = single ? { eventId: values.event! } : { from: isoDate(values.from!, 'from'), to: isoDate(values.to!, 'to') };
  const ctx = await openCliContext(cfg);
  try {
    if (!(await getMerchant(ctx.db, merchantId))) throw new UsageError(`no merchant ${merchantId}`);
    const r = await ctx.db.transaction((tx) => replayEvents(ctx, tx, cliActor, merchantId, endpointId, input));
    if (!r.ok) throw new UsageError(r.error.message);
    process.stdout.write(
      values.json ? `${JSON.stringify(r.value)}\n` : `Queued ${r.value.replayed} event(s) for ${endpointId}; running workers deliver them.\n`,
    );
  } finally {
    await ctx.close();
  }
  return 0;
}
