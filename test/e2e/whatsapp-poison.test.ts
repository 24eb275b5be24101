// Poison items in signed WhatsApp deliveries (hardening issue, item 4). Meta does not
// redeliver a body we acknowledged, so one bad item must never cost the others: an item
// with a NUL or an unpaired surrogate is stored (those characters replaced) and refused
// with its reason while the rest of the body is applied; an item whose processing fails
// is retried with the job and then refused; a body nested absurdly deep is refused
// before the 200; a stored body that cannot be read is set aside, not retried to death.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { signWebhook } from '../../src/adapters/whatsapp/signature.ts';
import { ITEM_ATTEMPTS } from '../../src/modules/whatsapp/whatsapp.inbound.ts';
import { whatsappJobHandlers } from '../../src/modules/whatsapp/whatsapp.jobs.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/whatsapp.numbers.ts';
import { enqueueJob } from '../../src/platform/jobs/jobs.repository.ts';
import { JobRunner } from '../../src/platform/jobs/runner.ts';
import { expectError, expectNo5xx } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const clock = new ManualClock(new Date());
let s: TestServer;
let secret: string;
let pnid: string;
let display: string;
let catalogId: string;
let inbox: JobRunner;

beforeAll(async () => {
  s = await startTestServer({ clock });
  secret = await whatsappAppSecret(s.ctx, s.ctx.db);
  const settings = (await s.api('/v1/settings/whatsapp')).body;
  pnid = settings.phone_number_id;
  display = settings.display_phone_number;
  catalogId = settings.catalog_id;
  inbox = new JobRunner({
    db: s.ctx.db,
    clock,
    log: pino({ level: 'silent' }),
    handlers: { 'whatsapp.inbox.process': whatsappJobHandlers(s.ctx)['whatsapp.inbox.process']! },
    concurrency: 20,
    leaseMs: 60_000,
    pollMs: 50,
  });
});
afterAll(async () => {
  await s?.close();
});

let seq = 0;
const wamid = () => `wamid.HBgMpoison${Date.now().toString(36)}${(++seq).toString(36).padStart(4, '0')}AA==`;
let nextWa = 0;
const newWaId = () => `9197${String(process.pid % 1000).padStart(3, '0')}${String(++nextWa).padStart(5, '0')}`;
const unix = () => String(Math.floor(clock.now().getTime() / 1000));

const change = (waId: string, messages: unknown[], name = 'Kerry Fisher') => ({
  field: 'messages',
  value: {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: display, phone_number_id: pnid },
    contacts: [{ profile: { name }, wa_id: waId }],
    messages,
  },
});
const envelope = (changes: unknown[]) => ({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes }] });
const text = (waId: string, body: string, extra: Record<string, unknown> = {}) => ({
  from: waId,
  id: wamid(),
  timestamp: unix(),
  type: 'text',
  text: { body },
  ...extra,
});
const cart = (waId: string) => ({
  from: waId,
  id: wamid(),
  timestamp: unix(),
  type: 'order',
  order: { catalog_id: catalogId, text: '', product_items: [{ product_retailer_id: 'masala-chai', quantity: 2, item_price: 249, currency: 'INR' }] },
});

async function post(raw: string) {
  const res = await fetch(`${s.base}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(secret, raw) },
    body: raw,
  });
  const t = await res.text();
  let body: any = t;
  try {
    body = JSON.parse(t);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

const one = async <T = any>(sql: string, params: unknown[] = []) => (await s.ctx.db.query<T>(sql, params))[0] as T;
const inboxRow = (raw: string) => one<{ id: string; status: string; note: string | null; body: string }>(`select * from whatsapp_inbox where body = $1`, [raw]);
const itemOf = (w: string) =>
  one<{ status: string; note: string | null; item: any; dedupe_key: string }>(`select * from whatsapp_items where dedupe_key = $1`, [`msg:${w}`]);
const jobOf = (inboxId: string) =>
  one<{ status: string; attempts: number; last_error: string | null }>(
    `select * from jobs where kind = 'whatsapp.inbox.process' and payload->'inbox_ids' @> jsonb_build_array($1::text)`,
    [inboxId],
  );
const inboxCount = async () => (await one<{ n: number }>(`select count(*)::int as n from whatsapp_inbox`)).n;

/** Runs the webhook jobs until none is due, moving the clock past each retry's backoff. */
async function runWebhookJobs(rounds = 1) {
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 50 && (await inbox.runOnce(20)) > 0; i++);
    clock.advance(3_600_000);
  }
}

describe('a delivery with poison items', () => {
  it('a valid cart and texts with a NUL or a lone surrogate from other customers: 200, the order is made, the poison items are refused with their reason', async () => {
    const nulFrom = newWaId();
    const loneFrom = newWaId();
    const nameFrom = newWaId();
    const buyer = newWaId();
    const nul = text(nulFrom, 'hello\u0000world');
    const lone = text(loneFrom, 'broken \ud83d emoji');
    const badName = text(nameFrom, 'fine text');
    const badId = text(nameFrom, 'a text whose id holds a NUL', { id: `wamid.bad\u0000${seq++}` });
    const order = cart(buyer);
    // Poison first: nothing after it may be lost.
    const raw = JSON.stringify(
      envelope([
        change(nulFrom, [nul]),
        change(loneFrom, [lone]),
        change(nameFrom, [badName], 'Mal\u0000lory'),
        change(nameFrom, [badId]),
        change(buyer, [order]),
      ]),
    );
    expect(raw).toContain('\\u0000');
    expect(raw).toContain('\\ud83d');

    const r = await post(raw);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const row = await inboxRow(raw);
    expect(row.body).toBe(raw); // the original, escapes and all
    await runWebhookJobs();

    // The cart became an order.
    const cartItem = await itemOf(order.id);
    expect(cartItem.status).toBe('processed');
    expect(cartItem.note).toMatch(/^order ord_/);
    const made = (await s.api(`/v1/orders/${cartItem.note!.slice('order '.length)}`)).body;
    expect(made.customer.wa_id).toBe(buyer);
    expect(made.items[0]).toMatchObject({ retailer_id: 'masala-chai', quantity: 2 });

    // Each poison item is stored, readable (bad characters replaced), refused with where and why.
    const nulItem = await itemOf(nul.id);
    expect(nulItem.status).toBe('refused');
    expect(nulItem.note).toMatch(/^message\.text: must not contain U\+0000/);
    expect(nulItem.item.message.text).toBe('hello\ufffdworld');
    const loneItem = await itemOf(lone.id);
    expect(loneItem.status).toBe('refused');
    expect(loneItem.note).toMatch(/^message\.text: .*unpaired/);
    expect(loneItem.item.message.text).toBe('broken \ufffd emoji');
    const nameItem = await itemOf(badName.id);
    expect(nameItem.status).toBe('refused');
    expect(nameItem.note).toMatch(/^contact\.name: .*U\+0000/);
    const idItem = await itemOf(badId.id.replace('\u0000', '\ufffd'));
    expect(idItem.status).toBe('refused');
    expect(idItem.note).toMatch(/^message\.id: .*U\+0000/);

    // Nothing of the refused ones was applied; the body is done, and so is its job.
    expect(await one(`select * from whatsapp_messages where wa_id = any($1)`, [[nulFrom, loneFrom, nameFrom]])).toBeUndefined();
    const done = await inboxRow(raw);
    expect(done.status).toBe('processed');
    expect(done.note).toBe('5 item(s), 4 refused');
    expect((await jobOf(row.id)).status).toBe('done');
  });

  it('the same poison redelivered is a no-op', async () => {
    const from = newWaId();
    const nul = text(from, 'x\u0000');
    const raw = JSON.stringify(envelope([change(from, [nul])]));
    expect((await post(raw)).status).toBe(200);
    await runWebhookJobs();
    const again = `${raw} `;
    expect((await post(again)).status).toBe(200);
    await runWebhookJobs();
    expect((await inboxRow(again)).status).toBe('processed');
    expect((await one<{ n: number }>(`select count(*)::int as n from whatsapp_items where dedupe_key = $1`, [`msg:${nul.id}`])).n).toBe(1);
  });
});

describe('an item whose processing fails', () => {
  it('does not block the others; it is retried with the job, then refused with its reason', async () => {
    const original = s.ctx.inbound.autoReply;
    s.ctx.inbound.autoReply = async (ctx, tx, m) => {
      if (m.text === 'EXPLODE') throw new Error('the keyword handler crashed');
      return original(ctx, tx, m);
    };
    try {
      const a = newWaId();
      const b = newWaId();
      const boom = text(a, 'EXPLODE');
      const fine = text(b, 'hi there');
      const raw = JSON.stringify(envelope([change(a, [boom]), change(b, [fine])]));
      expect((await post(raw)).status).toBe(200);
      const row = await inboxRow(raw);

      await runWebhookJobs(1);
      // The other item is applied on the first attempt; the failing one waits for a retry.
      expect((await itemOf(fine.id)).status).toBe('processed');
      expect((await itemOf(boom.id)).status).toBe('received');
      const job = await jobOf(row.id);
      expect(job.status).toBe('queued');
      expect(job.last_error).toMatch(/1 item\(s\) failed and will be retried .*the keyword handler crashed/);

      await runWebhookJobs(ITEM_ATTEMPTS);
      const refused = await itemOf(boom.id);
      expect(refused.status).toBe('refused');
      expect(refused.note).toBe(`failed ${ITEM_ATTEMPTS} times: the keyword handler crashed`);
      expect((await inboxRow(raw)).status).toBe('processed');
      const finished = await jobOf(row.id);
      expect(finished.status).toBe('done');
      expect(finished.attempts).toBe(ITEM_ATTEMPTS);
    } finally {
      s.ctx.inbound.autoReply = original;
    }
  });

  it('values the database refuses are refused at once, without retries', async () => {
    const original = s.ctx.inbound.autoReply;
    s.ctx.inbound.autoReply = async (ctx, tx, m) => {
      if (m.text === 'OVERFLOW') await tx.query('select $1::int', ['99999999999']);
      return original(ctx, tx, m);
    };
    try {
      const a = newWaId();
      const boom = text(a, 'OVERFLOW');
      const fine = text(a, 'and then this');
      const raw = JSON.stringify(envelope([change(a, [boom, fine])]));
      expect((await post(raw)).status).toBe(200);
      await runWebhookJobs(1);
      const refused = await itemOf(boom.id);
      expect(refused.status).toBe('refused');
      expect(refused.note).toMatch(/^the database refused its values: .*out of range/);
      expect((await itemOf(fine.id)).status).toBe('processed');
      expect((await inboxRow(raw)).status).toBe('processed');
      expect((await jobOf((await inboxRow(raw)).id)).attempts).toBe(1);
    } finally {
      s.ctx.inbound.autoReply = original;
    }
  });

  it('an absurd timestamp is read as now, not a failure', async () => {
    const a = newWaId();
    const m = text(a, 'from the far future', { timestamp: '99999999999999999999' });
    const raw = JSON.stringify(envelope([change(a, [m])]));
    expect((await post(raw)).status).toBe(200);
    await runWebhookJobs(1);
    expect((await itemOf(m.id)).status).toBe('processed');
  });
});

describe('deep nesting', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it.each([100_000, 65])('a signed body nested %i deep is refused before the 200, and nothing is stored', async (depth) => {
    const before = await inboxCount();
    // The envelope around value is 5 levels deep.
    const raw = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":${nested(depth - 5)}}]}]}`;
    const r = await post(raw);
    const e = expectError(r, 400, 'validation_error');
    expect(e.message).toMatch(/nested deeper than 64/);
    expect(await inboxCount()).toBe(before);
  });

  it('64 levels are still taken (Meta never comes close)', async () => {
    const raw = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"x","value":${nested(59)}}]}]}`;
    expect((await post(raw)).status).toBe(200);
    await runWebhookJobs();
    expect((await inboxRow(raw)).status).toBe('processed');
  });

  it('a body stored before the limit existed is set aside as failed, not retried to death', async () => {
    const deep = `{"object":"whatsapp_business_account","entry":${nested(100_000)}}`;
    const id = `win_deep${Date.now().toString(36)}`;
    await s.ctx.db.query(`insert into whatsapp_inbox (id, body, received_at) values ($1, $2, $3)`, [id, deep, clock.now()]);
    await enqueueJob(s.ctx.db, { kind: 'whatsapp.inbox.process', payload: { inbox_ids: [id] }, runAt: clock.now(), maxAttempts: 12 });
    await runWebhookJobs();
    const row = await one<{ status: string; note: string }>(`select status, note from whatsapp_inbox where id = $1`, [id]);
    expect(row).toEqual({ status: 'failed', note: 'nested deeper than 64 levels' });
    expect((await jobOf(id)).status).toBe('done');
  });

  it('no request here answered 5xx', async () => {
    await expectNo5xx(s);
  });
});
