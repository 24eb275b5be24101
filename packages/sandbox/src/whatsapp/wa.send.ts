// POST /{phone_number_id}/messages: validate (wa.validate), then under the number's lock
// check throughput, the pair limit, the reference and order_status rules, record the
// message and plan its statuses. Like Meta, some refusals are synchronous (the Graph
// error) and some arrive later as a `failed` status webhook after a 200 with a wamid:
// 131047 (24-hour window), 2046/2047 (order_status), 131026 and 131049 (chaos).
import { bad, okv, type Checked } from './wa.errors.ts';
import { checkPair, checkThroughput, pairTokens, windowOpen } from './wa.limits.ts';
import { planStatuses, scheduleStatuses, type FailCode } from './wa.statuses.ts';
import { getOrder, insertOrder, listTransactions, setOrderStatus } from './wa-payments.repository.ts';
import { getSettings } from './wa.repository.ts';
import { templateRefusal } from './wa.templates.ts';
import { getCustomer, getCustomerByBsuid, getMessage, insertMessage, lockNumber, markInboundRead, setPairBucket } from './wa.repository.ts';
import { listCatalog } from './wa.catalog-list.ts';
import { chance, chaosOf, newWamid, type WaPricing } from './wa.types.ts';
import { transitionError } from './wa.validate-order.ts';
import { validateRequest, type ParsedRequest } from './wa.validate.ts';
import { type SandboxContext, type Tx, inTransaction, type SandboxNumber } from '../host.ts';

type Send = Extract<ParsedRequest, { kind: 'send' }> & { body: Record<string, unknown> };

async function markRead(ctx: SandboxContext, number: SandboxNumber, messageId: string): Promise<Checked<Record<string, unknown>>> {
  const m = await getMessage(ctx.db, messageId);
  if (!m || m.phone_number_id !== number.phone_number_id || m.direction !== 'inbound') {
    return bad(100, `Param message_id is not a valid message id for this phone number - got "${messageId}".`);
  }
  await markInboundRead(ctx.db, m, ctx.clock.now());
  return okv({ success: true });
}

async function checkProducts(ctx: SandboxContext, number: SandboxNumber, p: NonNullable<Send['products']>): Promise<Checked<null>> {
  if (p.catalogId !== number.catalog_id) return bad(131009, `catalog_id ${p.catalogId} is not the catalog linked to this phone number`);
  const found = new Set((await listCatalog(ctx, number, { retailerIds: p.retailerIds })).map((r) => r.retailer_id));
  const missing = [...new Set(p.retailerIds)].filter((id) => !found.has(id));
  return missing.length ? bad(131009, `Products not found in FB Catalog: ${missing.join(', ')}`) : okv(null);
}

function pricingOf(s: Send): WaPricing {
  if (s.template) return { billable: true, pricing_model: 'PMP', category: s.template.category, type: 'regular' };
  return { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' };
}

/** Under the lock: the synchronous refusals, then the message, its order effects and its status plan. */
async function accept(ctx: SandboxContext, tx: Tx, number: SandboxNumber, s: Send): Promise<Checked<string>> {
  const now = ctx.clock.now();
  const pnid = number.phone_number_id;
  const settings = await lockNumber(tx, pnid);
  const chaos = chaosOf(settings);
  const busy = await checkThroughput(tx, pnid, number.throughput_per_second, now);
  if (busy) return { ok: false, error: busy };
  const customer = await getCustomer(tx, pnid, s.waId);
  const tokens = pairTokens(customer, now);
  const pair = checkPair(tokens);
  if (pair) return { ok: false, error: pair };

  let doom: FailCode | null = s.freeForm && !windowOpen(customer, now) ? 131047 : null;
  if (doom === null && chance(chaos.undeliverable)) doom = 131026;
  // Meta's per-user marketing limit: the template is accepted, then fails (131049).
  if (doom === null && s.template?.category === 'marketing' && chance(chaos.marketing_limit)) doom = 131049;
  const wamid = newWamid(s.waId, 'outbound');
  const referenceId = s.order?.referenceId ?? s.orderStatus?.referenceId ?? null;

  if (s.order && (await getOrder(tx, pnid, s.order.referenceId))) {
    return bad(
      131009,
      `reference_id ${s.order.referenceId} was already used in an order_details message from this phone number; every bill needs a new reference_id`,
    );
  }
  if (s.orderStatus) {
    const order = await getOrder(tx, pnid, s.orderStatus.referenceId, true);
    if (!order) return bad(131009, `No order_details message with reference_id ${s.orderStatus.referenceId} was sent from this phone number`);
    if (order.wa_id !== s.waId) return bad(131009, `The order with reference_id ${order.reference_id} was sent to another recipient`);
    if (doom === null) {
      const txs = await listTransactions(tx, pnid, [order.reference_id]);
      const inFlight = txs.some((t) => t.status === 'pending' || t.status === 'success');
      doom = transitionError(order.status, s.orderStatus.status, inFlight);
      if (doom === null) await setOrderStatus(tx, order, s.orderStatus.status, now);
    }
  }

  await setPairBucket(tx, pnid, s.waId, tokens - 1, now);
  if (s.order && doom === null) {
    const o = s.order;
    const inserted = await insertOrder(tx, {
      phone_number_id: pnid,
      reference_id: o.referenceId,
      wamid,
      wa_id: s.waId,
      payment_mode: o.paymentMode,
      gateway: o.gateway,
      configuration_name: o.configurationName,
      gateway_extras: o.gatewayExtras,
      currency: o.currency,
      total_value: o.total.value,
      total_offset: o.total.offset,
      status: 'pending',
      expires_at: o.expiresAt,
      created_at: now,
    });
    // Lost a race with a concurrent send of the same reference (the lock makes this rare).
    if (!inserted) throw Object.assign(new Error('reference_id taken concurrently'), { statusCode: 409 });
  }
  const m = await insertMessage(tx, {
    wamid,
    phone_number_id: pnid,
    wa_id: s.waId,
    direction: 'outbound',
    type: s.type,
    body: s.body,
    status: 'accepted',
    error: null,
    reference_id: referenceId,
    pricing: pricingOf(s),
    created_at: now,
  });
  await scheduleStatuses(ctx, tx, m, number.merchant_id, planStatuses(doom, chaos), now);
  return okv(wamid);
}

/** The whole Graph API send: {messaging_product, contacts, messages} or Meta's error. */
export async function sendMessage(ctx: SandboxContext, number: SandboxNumber, body: unknown): Promise<Checked<Record<string, unknown>>> {
  const parsed = validateRequest(body, { now: ctx.clock.now(), number });
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  if (p.kind === 'read') return markRead(ctx, number, p.messageId);
  if (p.products) {
    const found = await checkProducts(ctx, number, p.products);
    if (!found.ok) return found;
  }
  if (p.template) {
    const code = (body as { template?: { language?: { code?: unknown } } }).template?.language?.code;
    const refused = templateRefusal((await getSettings(ctx.db, number.phone_number_id))?.template_statuses, p.template.name, String(code ?? ''));
    if (refused) return refused;
  }
  let address = p.waId;
  if (p.recipient) {
    // Meta refuses some messages to a BSUID (131062): authentication templates (one-tap, zero-tap, copy-code) need the phone.
    if (p.template?.category === 'authentication')
      return bad(131062, 'Business-scoped User ID recipients are not supported for this message: authentication templates need a phone number');
    const person = await getCustomerByBsuid(ctx.db, number.phone_number_id, p.recipient);
    if (!person) return bad(131009, `recipient ${p.recipient} is not a user of this business`);
    address = person.wa_id;
  }
  const s: Send = { ...p, waId: address, body: body as Record<string, unknown> };
  const r = await inTransaction(ctx, (tx) => accept(ctx, tx, number, s));
  if (!r.ok) return r;
  const contact = p.recipient ? { input: p.input, user_id: p.recipient } : { input: p.input, wa_id: p.waId };
  return okv({ messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: r.value }] });
}
