// WhatsApp webhook intake. Every signed JSON body is committed to the inbox before
// we answer 200 (never acknowledged before the commit, never with synchronous commit
// off). Deliveries that arrive while a commit is in flight wait and share the next
// one: group commit keeps the latency of one commit while the throughput grows with
// concurrency, which matters most on PGlite's single connection.
import { newId } from '../../domain/ids.ts';
import { enqueueJob, JOB_PRIORITY } from '../../platform/jobs/jobs.repository.ts';
import { insertInboxRows } from './whatsapp-inbox.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { inTransaction } from '../../platform/context.ts';

interface Waiting {
  body: string;
  resolve: (id: string) => void;
  reject: (e: unknown) => void;
}

export class InboxWriter {
  private waiting: Waiting[] = [];
  private draining = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly maxBatch = 500,
  ) {}

  /** Resolves with the inbox id once the body (and its processing job) is committed. */
  write(body: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.waiting.push({ body, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        const now = this.ctx.clock.now();
        const rows = batch.map((w) => ({ id: newId('win'), body: w.body, now }));
        try {
          await inTransaction(this.ctx, async (tx) => {
            await insertInboxRows(tx, rows);
            // One job per lane per commit, not per body: fewer rows on the hot path; the job
            // processes each body on its own and skips the ones already done. Bodies that may
            // carry a customer's message (or a payment) go in the urgent lane, so a flood of
            // delivery statuses after a broadcast never delays a customer's words.
            for (const [lane, ids] of lanes(rows)) {
              await enqueueJob(tx, {
                kind: 'whatsapp.inbox.process',
                payload: { inbox_ids: ids },
                runAt: now,
                dedupeKey: `whatsapp.inbox.process:${ids[0]!}`,
                maxAttempts: 12,
                priority: lane,
              });
            }
          });
          for (const [i, w] of batch.entries()) w.resolve(rows[i]!.id);
        } catch (e) {
          for (const w of batch) w.reject(e);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

/**
 * Splits a commit's bodies by lane. The test is a pattern, not a parse (intake never parses): a
 * body of delivery statuses has no `"messages":` key (its `"field": "messages"` is a value) and no
 * WhatsApp Pay `"payment":` object. A false positive only makes a body urgent.
 */
const URGENT = /"(messages|payment)"\s*:/;

function lanes(rows: { id: string; body: string }[]): [number, string[]][] {
  const urgent: string[] = [];
  const bulk: string[] = [];
  for (const r of rows) (URGENT.test(r.body) || !r.body.includes('"statuses"') ? urgent : bulk).push(r.id);
  return (
    [
      [JOB_PRIORITY.urgent, urgent],
      [JOB_PRIORITY.normal, bulk],
    ] as [number, string[]][]
  ).filter(([, ids]) => ids.length > 0);
}
