// Reminders of unpaid bills (issue 16 item 5), end to end on the sandbox Cloud API double with
// a manual clock: the steps go at their delays after the bill was sent, inside the window as a
// text with the pay link and outside it as the merchant's template (language from the business
// locale, the pay link's token as the URL button's suffix); none after payment, cancel, expiry
// or an opt-out; none twice for one bill and step, whatever the queue redelivers; none in the
// quiet hours (moved to their end); 131049 (Meta's marketing limit) ends the step; the report
// counts what was sent and what was paid after. Also the settings' validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { formatMoney } from '../../src/domain/display.ts';
import { enqueueJob } from '../../src/platform/jobs/jobs.repository.ts';
import { sendReminder } from '../../src/modules/reminders/index.ts';
import { expectError, expectNo5xx, expectValidation } from '../support/e2e.ts';
import { payOrder } from '../support/pay.ts';
import { sampleOrder, startTestServer, type TestServer } from '../support/server.ts';
import { demoOwner, userWithRole } from '../support/users.ts';

// 12:00 in Kolkata (UTC+05:30, no DST).
const clock = new ManualClock(new Date('2026-05-04T06:30:00Z'));
const IST_MS = 5.5 * 3600_000;
let s: TestServer;
let pnid: string;
let sandboxToken: string;
let n = 0;
const newCustomer = () => `9195${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(5, '0')}`;

beforeAll(async () => {
  s = await startTestServer({ clock });
  const wa = (await s.api('/v1/settings/whatsapp')).body;
  pnid = wa.phone_number_id;
  sandboxToken = wa.sandbox_access_token;
  // Our send budget reads the manual clock: a high limit keeps it from waiting on a clock that does not move.
  expect((await s.api('/v1/settings/whatsapp', { method: 'PATCH', body: { throughput_per_second: 1000 } })).status).toBe(200);
  expect((await s.api('/v1/settings/business', { method: 'PATCH', body: { time_zone: 'Asia/Kolkata', locale: 'en-IN' } })).status).toBe(200);
});
afterAll(async () => {
  if (s) await expectNo5xx(s);
  await s?.close();
});

async function drain() {
  for (let i = 0; i < 100 && (await s.runner.runOnce(100)) > 0; i++);
}
/** Moves the clock on in one-second steps (the double's statuses land), running what is due. */
async function settle(ms = 5_000) {
  await drain();
  for (let t = 0; t < ms; t += 1_000) {
    clock.advance(1_000);
    await drain();
  }
}
/** Sets the clock to t and runs what is due then (no later). */
async function at(t: number) {
  clock.set(new Date(t));
  await drain();
}
/** The next instant after now when Kolkata's clock shows hh:mm. */
function nextIst(hh: number, mm: number): number {
  const now = clock.now().getTime();
  const day = Math.floor((now + IST_MS) / 86_400_000) * 86_400_000;
  let t = day + (hh * 60 + mm) * 60_000 - IST_MS;
  while (t <= now) t += 86_400_000;
  return t;
}

async function customerSays(wa: string, body = 'Hi') {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body } }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  await drain();
}

async function settings(patch: Record<string, unknown>) {
  const r = await s.api('/v1/settings/payments', { method: 'PATCH', body: patch });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** An order for the customer whose bill is sent now; returns it with the bill message's sent time. */
async function billFor(wa: string, over: Record<string, unknown> = {}) {
  const r = await s.api('/v1/orders', { body: sampleOrder({ customer: { wa_id: wa, name: 'Asha' }, expires_in: 3 * 86_400, ...over }) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  await settle(3_000);
  const [bill] = await s.ctx.db.query<{ status: string; sent_at: Date }>(
    `select status, sent_at from whatsapp_messages where order_id = $1 and payload->>'purpose' = 'bill'`,
    [r.body.id],
  );
  expect(['sent', 'delivered', 'read']).toContain(bill?.status);
  return { ...r.body, sentAt: new Date(bill!.sent_at).getTime() } as any;
}

const reminders = (orderId: string) =>
  s.ctx.db.query<any>(`select * from whatsapp_messages where order_id = $1 and payload->>'purpose' like 'reminder:%' order by created_at, id`, [orderId]);
const reminderRows = (orderId: string) => s.ctx.db.query<any>(`select * from payment_reminders where order_id = $1 order by step`, [orderId]);
/** What the Cloud API double accepted for one of our messages. */
async function accepted(messageId: string) {
  const [row] = await s.ctx.db.query<{ body: any; status: string }>(
    `select body, status from sandbox_wa_messages where phone_number_id = $1 and direction = 'outbound' and body->>'biz_opaque_callback_data' = $2`,
    [pnid, messageId],
  );
  return row;
}
async function chaos(body: Record<string, unknown>) {
  const r = await fetch(`${s.base}/sandbox/graph/chaos/${pnid}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${sandboxToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(r.status, await r.clone().text()).toBe(200);
}

const STEPS = [{ after_seconds: 600 }, { after_seconds: 3600 }, { after_seconds: 7200 }];

describe('settings', () => {
  it('GET shows the defaults; PATCH sets, keeps what it does not name, and clears with null', async () => {
    const got = await s.api('/v1/settings/payments');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ reminders: [], quiet_hours: null, reminder_template: null, review: 'refund', extra_capture: 'refund' });
    const set = await settings({ reminders: STEPS, quiet_hours: { start: '21:00', end: '08:00' }, reminder_template: 'bill_reminder' });
    expect(set).toMatchObject({ reminders: STEPS, quiet_hours: { start: '21:00', end: '08:00' }, reminder_template: 'bill_reminder' });
    expect(await settings({ review: 'review' })).toMatchObject({ review: 'review', reminders: STEPS, reminder_template: 'bill_reminder' });
    expect(await settings({ review: 'refund', quiet_hours: null, reminder_template: null })).toMatchObject({ quiet_hours: null, reminder_template: null });
    expect((await s.api('/v1/settings/payments')).body).toMatchObject({ reminders: STEPS, quiet_hours: null });
  });

  it('owners and admins set them; an agent reads the report but not the settings', async () => {
    const owner = await demoOwner(s);
    const admin = (await userWithRole(s, owner, 'admin')).client;
    const agent = (await userWithRole(s, owner, 'agent')).client;
    expect((await admin.call('/v1/settings/payments', { method: 'PATCH', body: { reminders: STEPS } })).status).toBe(200);
    expectError(await agent.call('/v1/settings/payments', { method: 'PATCH', body: { reminders: [] } }), 403, 'forbidden');
    expectError(await agent.call('/v1/settings/payments'), 403, 'forbidden');
    expect((await agent.call('/v1/reports/reminders')).status).toBe(200);
  });

  it('refuses more than 3, under 600 s, out of order, bad times and hostile strings with 400', async () => {
    const patch = (body: unknown) => s.api('/v1/settings/payments', { method: 'PATCH', body });
    expectValidation(await patch({ reminders: [...STEPS, { after_seconds: 9000 }] }), 'reminders');
    expectValidation(await patch({ reminders: [{ after_seconds: 599 }] }), 'reminders.0.after_seconds');
    expectValidation(await patch({ reminders: [{ after_seconds: 600.5 }] }), 'reminders.0.after_seconds');
    expectValidation(await patch({ reminders: [{ after_seconds: '600' }] }), 'reminders.0.after_seconds');
    expectValidation(await patch({ reminders: [{ after_seconds: 3600 }, { after_seconds: 1200 }] }), 'reminders.1.after_seconds');
    expectValidation(await patch({ reminders: [{ after_seconds: 1e12 }] }), 'reminders.0.after_seconds');
    expectValidation(await patch({ reminders: [{ after_seconds: 600, extra: 1 }] }), 'reminders.0.extra');
    expectValidation(await patch({ quiet_hours: { start: '25:00', end: '08:00' } }), 'quiet_hours.start');
    expectValidation(await patch({ quiet_hours: { start: '21:00', end: '21:00' } }), 'quiet_hours.end');
    expectValidation(await patch({ quiet_hours: { start: '21:00' } }), 'quiet_hours.end');
    for (const hostile of [
      '<script>alert(1)</script>',
      "x'; drop table orders; --",
      'bill\u0000reminder',
      '../../etc/passwd',
      'x'.repeat(513),
      'Bill Reminder',
      '\u202e',
    ]) {
      expectValidation(await patch({ reminder_template: hostile }), 'reminder_template');
      expectValidation(await patch({ quiet_hours: { start: hostile, end: '08:00' } }), 'quiet_hours.start');
    }
    expectError(await patch({ reminders: 'all of them' }), 400, 'validation_error');
    // Nothing changed.
    expect((await s.api('/v1/settings/payments')).body).toMatchObject({ reminders: STEPS, quiet_hours: null, reminder_template: null });
  });
});

describe('reminders of an unpaid bill', () => {
  it('go at their delays after the bill, as a text with the pay link, the reference and the formatted amount', async () => {
    await settings({ reminders: STEPS, quiet_hours: null, reminder_template: null });
    const wa = newCustomer();
    await customerSays(wa);
    const o = await billFor(wa);
    await at(o.sentAt + 599_000);
    expect(await reminders(o.id)).toHaveLength(0);
    await at(o.sentAt + 600_000);
    let sent = await reminders(o.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'text', status: expect.stringMatching(/^(sent|delivered|read)$/), payment_id: o.payment.id });
    const text: string = sent[0].payload.body.text.body;
    expect(text).toContain(o.payment.reference_id);
    expect(text).toContain(formatMoney(o.total, 'INR', 'en-IN'));
    expect(text).toContain(o.payment.url);
    expect(text).not.toMatch(/ord_|pay_/);
    expect((await accepted(sent[0].id))?.body.text.body).toBe(text);

    await at(o.sentAt + 3_599_000);
    expect(await reminders(o.id)).toHaveLength(1);
    await at(o.sentAt + 3_600_000);
    expect(await reminders(o.id)).toHaveLength(2);
    await at(o.sentAt + 7_200_000);
    await at(o.sentAt + 86_400_000);
    sent = await reminders(o.id);
    expect(sent.map((m) => m.payload.purpose)).toEqual(['reminder:1', 'reminder:2', 'reminder:3']);
    expect((await reminderRows(o.id)).map((r) => [r.step, r.status])).toEqual([
      [1, 'queued'],
      [2, 'queued'],
      [3, 'queued'],
    ]);
  });

  it('stop once the bill is paid; the report counts the reminders and what was paid after them', async () => {
    await settings({ reminders: STEPS, quiet_hours: null, reminder_template: null });
    const before = (await s.api('/v1/reports/reminders')).body;
    const wa = newCustomer();
    await customerSays(wa);
    const o = await billFor(wa);
    await at(o.sentAt + 600_000);
    expect(await reminders(o.id)).toHaveLength(1);
    await payOrder(s, o.payment.url, 'success');
    await settle(5_000);
    expect((await s.api(`/v1/orders/${o.id}`)).body.payment_status).toBe('paid');
    await at(o.sentAt + 86_400_000);
    expect(await reminders(o.id)).toHaveLength(1);

    const r = await s.api('/v1/reports/reminders');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ object: 'reminder_report', time_zone: 'Asia/Kolkata' });
    expect(r.body.sent).toBe(before.sent + 1);
    expect(r.body.paid_after).toBe(before.paid_after + 1);
    const inr = (b: any) => b.recovered.find((x: any) => x.currency === 'INR')?.amount ?? 0;
    expect(inr(r.body) - inr(before)).toBe(o.total);
    expectValidation(await s.api('/v1/reports/reminders?from=2026-13-01'), 'from');
    expectValidation(await s.api('/v1/reports/reminders?from=<script>'), 'from');
  });

  it('none after a cancel, after expiry, or for a bill superseded by a new one', async () => {
    await settings({ reminders: STEPS, quiet_hours: null, reminder_template: null });
    const wa = newCustomer();
    await customerSays(wa);
    const canceled = await billFor(wa);
    expect((await s.api(`/v1/orders/${canceled.id}/cancel`, { body: {} })).status).toBe(200);
    const wa2 = newCustomer();
    await customerSays(wa2);
    const expiring = await billFor(wa2, { expires_in: 1800 });
    const wa3 = newCustomer();
    await customerSays(wa3);
    const rebilled = await billFor(wa3);
    await at(rebilled.sentAt + 300_000);
    const again = await s.api(`/v1/orders/${rebilled.id}/bill`, { body: {} });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    await settle(3_000);

    await at(canceled.sentAt + 600_000);
    expect(await reminders(canceled.id)).toHaveLength(0);
    await at(expiring.sentAt + 600_000);
    expect(await reminders(expiring.id)).toHaveLength(1);
    await at(canceled.sentAt + 86_400_000);
    expect(await reminders(canceled.id)).toHaveLength(0);
    expect(await reminders(expiring.id)).toHaveLength(1);
    expect((await s.api(`/v1/orders/${expiring.id}`)).body.payment_status).toBe('expired');
    // The first bill's steps did nothing; the new bill had its own three.
    const rows = await reminderRows(rebilled.id);
    expect(rows.every((r) => r.payment_id !== rebilled.payment.id)).toBe(true);
    expect(rows).toHaveLength(3);
  });

  it('a reminder still in the queue when the bill is canceled (a paused number, retries) is not sent', async () => {
    await settings({ reminders: STEPS, quiet_hours: null, reminder_template: null });
    const wa = newCustomer();
    await customerSays(wa);
    const o = await billFor(wa);
    clock.set(new Date(o.sentAt + 600_000));
    expect(await sendReminder(s.ctx, s.merchantId, { orderId: o.id, paymentId: o.payment.id, step: 1 })).toBe('queued');
    expect((await s.api(`/v1/orders/${o.id}/cancel`, { body: {} })).status).toBe(200);
    await settle(2_000);
    const [m] = await reminders(o.id);
    expect(m).toMatchObject({ status: 'skipped', error: expect.objectContaining({ code: 'bill_closed' }) });
    expect(await accepted(m.id)).toBeUndefined();
  });

  it('never twice for one bill and step: a redelivered job, a duplicate enqueue, a racing pair, the bill sent again', async () => {
    await settings({ reminders: STEPS, quiet_hours: null, reminder_template: null });
    const wa = newCustomer();
    await customerSays(wa);
    const o = await billFor(wa);
    const job = { orderId: o.id, paymentId: o.payment.id };
    const jobs = () =>
      s.ctx.db.query<any>(`select * from jobs where kind = 'bill.remind' and payload->>'payment_id' = $1 order by (payload->>'step')::int`, [o.payment.id]);
    expect((await jobs()).map((j) => j.payload.step)).toEqual([1, 2, 3]);
    // The bill sent again (the same attempt, from the API): a second order.bill_sent, no new jobs.
    const resend = await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'order_bill', order_bill: { order_id: o.id } } });
    expect(resend.status, JSON.stringify(resend.body)).toBe(201);
    await settle(3_000);
    expect(await jobs()).toHaveLength(3);
    // A duplicate enqueue of a step is refused by its dedupe key.
    expect(
      await enqueueJob(s.ctx.db, {
        kind: 'bill.remind',
        merchantId: s.merchantId,
        payload: { order_id: o.id, payment_id: o.payment.id, step: 1 },
        runAt: clock.now(),
        dedupeKey: `bill.remind:${o.payment.id}:1`,
      }),
    ).toBeNull();

    await at(o.sentAt + 600_000);
    expect(await reminders(o.id)).toHaveLength(1);
    // The job delivered again (its lease ran out after the commit): back to queued, run again.
    await s.ctx.db.query(
      `update jobs set status = 'queued', run_at = $2, attempts = 0 where kind = 'bill.remind' and payload->>'payment_id' = $1 and payload->>'step' = '1'`,
      [o.payment.id, clock.now()],
    );
    await settle(2_000);
    expect(await sendReminder(s.ctx, s.merchantId, { ...job, step: 1 })).toBe('already_done');
    expect(await reminders(o.id)).toHaveLength(1);
    // Two workers on step 2 at once: one sends, the other finds it done.
    clock.set(new Date(o.sentAt + 3_600_000));
    const both = await Promise.all([sendReminder(s.ctx, s.merchantId, { ...job, step: 2 }), sendReminder(s.ctx, s.merchantId, { ...job, step: 2 })]);
    expect(both.sort()).toEqual(['already_done', 'queued']);
    await settle(3_000);
    await at(o.sentAt + 7_200_000);
    await at(o.sentAt + 86_400_000);
    expect((await reminders(o.id)).map((m) => m.payload.purpose)).toEqual(['reminder:1', 'reminder:2', 'reminder:3']);
  });

  it('none in the quiet hours: one due then goes when they end, or not at all when the bill expires first', async () => {
    await settings({ reminders: [{ after_seconds: 1800 }], quiet_hours: { start: '21:00', end: '08:00' }, reminder_template: null });
    clock.set(new Date(nextIst(20, 45)));
    const wa = newCustomer();
    await customerSays(wa);
    const o = await billFor(wa);
    const wa2 = newCustomer();
    await customerSays(wa2);
    const short = await billFor(wa2, { expires_in: 3600 });
    // Due at 21:15: moved to 08:00.
    await at(o.sentAt + 1_800_000);
    expect(await reminders(o.id)).toHaveLength(0);
    await at(short.sentAt + 1_800_000);
    const morning = nextIst(8, 0);
    await at(morning - 60_000);
    expect(await reminders(o.id)).toHaveLength(0);
    await at(morning);
    const sent = await reminders(o.id);
    expect(sent).toHaveLength(1);
    const local = new Date(new Date(sent[0].created_at).getTime() + IST_MS).toISOString().slice(11, 16);
    expect(local).toBe('08:00');
    // The short bill expired at 21:45, inside the quiet hours: its step ended unsent.
    expect(await reminders(short.id)).toHaveLength(0);
    expect((await reminderRows(short.id)).map((r) => [r.status, r.reason])).toEqual([['skipped', 'quiet_hours_until_expiry']]);
  });

  it('none to a customer who opted out', async () => {
    await settings({ reminders: STEPS, quiet_hours: null, reminder_template: null });
    const wa = newCustomer();
    await customerSays(wa, 'STOP');
    const o = await billFor(wa);
    await at(o.sentAt + 86_400_000);
    expect(await reminders(o.id)).toHaveLength(0);
    expect((await reminderRows(o.id)).map((r) => [r.step, r.status, r.reason])).toEqual([
      [1, 'skipped', 'opted_out'],
      [2, 'skipped', 'opted_out'],
      [3, 'skipped', 'opted_out'],
    ]);
  });

  it("outside the window: the merchant's template in the locale's language with the pay link's token; 131049 ends that step", async () => {
    expect((await s.api('/v1/settings/business', { method: 'PATCH', body: { locale: 'pt-BR' } })).status).toBe(200);
    await settings({ reminders: [{ after_seconds: 90_000 }, { after_seconds: 93_600 }], quiet_hours: null, reminder_template: 'bill_reminder' });
    const wa = newCustomer();
    await customerSays(wa);
    const o = await billFor(wa);
    // 25 hours later the window is closed; Meta's marketing limit refuses the template (131049).
    await chaos({ marketing_limit: 1 });
    await at(o.sentAt + 90_000_000);
    await settle(3_000);
    let sent = await reminders(o.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'template', status: 'failed', error: expect.objectContaining({ code: 131049 }) });
    const body = (await accepted(sent[0].id))!.body;
    expect(body.template.name).toBe('bill_reminder');
    expect(body.template.language.code).toBe('pt_BR');
    const button = body.template.components.find((c: any) => c.type === 'button');
    expect(button).toMatchObject({ sub_type: 'url' });
    expect(Number(button.index)).toBe(0);
    expect(o.payment.url.endsWith(`/pay/${button.parameters[0].text}`)).toBe(true);
    const params = body.template.components.find((c: any) => c.type === 'body').parameters;
    expect(params[0]).toEqual({ type: 'text', text: o.payment.reference_id });
    // Not retried: the send job is done after one attempt, and the step does not go again.
    const [send] = await s.ctx.db.query<any>(`select * from jobs where kind = 'whatsapp.send' and payload->>'message_id' = $1`, [sent[0].id]);
    expect(send).toMatchObject({ status: 'done', attempts: 1 });
    await chaos({});
    await at(o.sentAt + 93_599_000);
    expect(await reminders(o.id)).toHaveLength(1);
    // The next step is its own: it goes.
    await at(o.sentAt + 93_600_000);
    await settle(3_000);
    sent = await reminders(o.id);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ type: 'template', status: expect.stringMatching(/^(sent|delivered|read)$/) });
    expect((await reminderRows(o.id)).map((r) => r.step)).toEqual([1, 2]);
    expect((await s.api('/v1/settings/business', { method: 'PATCH', body: { locale: 'en-IN' } })).status).toBe(200);
  });

  it('outside the window without a reminder template: the step ends unsent', async () => {
    await settings({ reminders: [{ after_seconds: 90_000 }], quiet_hours: null, reminder_template: null });
    const wa = newCustomer();
    await customerSays(wa);
    const o = await billFor(wa);
    await at(o.sentAt + 90_000_000);
    expect(await reminders(o.id)).toHaveLength(0);
    expect((await reminderRows(o.id)).map((r) => [r.status, r.reason])).toEqual([['skipped', 'window_closed_no_template']]);
  });
});
