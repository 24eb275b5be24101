// Jobs of the WhatsApp channel: processing stored webhooks, turning order changes
// into customer messages, and sending them (paced by the shared per-number budget).
import type { AppContext } from '../../platform/context.ts';
import { SendBudget } from './whatsapp.budget.ts';
import { processInboxBatch } from './whatsapp.inbound.ts';
import { sendBill, sendOrderUpdate } from './whatsapp.notify.ts';
import { sendQueuedMessage } from './whatsapp.send.ts';
import { sendReadReceipt } from './whatsapp.read.ts';
import { fetchInboundMedia, MEDIA_FETCH_JOB } from './whatsapp.media.ts';
import { CATALOG_IMPORT_JOB, runCatalogImport } from './whatsapp.catalog-sync.ts';
import type { JobRow } from '../../platform/jobs/jobs.repository.ts';
import type { JobHandler } from '../../platform/jobs/runner.ts';
import { PermanentJobError } from '../../platform/jobs/runner.ts';

const str = (job: JobRow, key: string): string => {
  const v = job.payload[key];
  if (typeof v !== 'string' || !v) throw new PermanentJobError(`${job.kind} needs ${key}`);
  return v;
};

export function whatsappJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  // Throughput is about wall-clock seconds at Meta, whatever clock the app runs on.
  const budget = new SendBudget(() => ctx.wallClock.now());
  return {
    'whatsapp.inbox.process': async (job) => {
      const ids = Array.isArray(job.payload['inbox_ids']) ? (job.payload['inbox_ids'] as string[]) : [str(job, 'inbox_id')];
      // Every body is tried even if one waits; the job is retried for the ones that did not finish.
      await processInboxBatch(ctx, ids, job.attempts);
    },
    'whatsapp.send': (job) => sendQueuedMessage(ctx, budget, str(job, 'message_id')),
    'whatsapp.mark_read': (job) => sendReadReceipt(ctx, str(job, 'message_id')),
    [MEDIA_FETCH_JOB]: (job) => fetchInboundMedia(ctx, str(job, 'message_id'), job.attempts),
    [CATALOG_IMPORT_JOB]: (job) => runCatalogImport(ctx, job),
    'bill.send': (job) =>
      sendBill(ctx, job.merchant_id!, str(job, 'order_id'), str(job, 'payment_id'), { noAddressMessage: job.payload['no_address_message'] === true }),
    'customer.order_update': (job) =>
      sendOrderUpdate(ctx, job.merchant_id!, str(job, 'order_id'), {
        update: str(job, 'update'),
        status: (job.payload['status'] as string | undefined) ?? null,
        description: (job.payload['description'] as string | undefined) ?? null,
        ...(typeof job.payload['amount'] === 'number' ? { amount: job.payload['amount'] } : {}),
      }),
  };
}
