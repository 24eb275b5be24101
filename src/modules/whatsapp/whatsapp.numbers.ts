// A merchant's WhatsApp number. In sandbox mode every merchant gets its own sandbox
// number at once, served by the local Cloud API double. The app secret signs and
// verifies webhooks: one Meta app serves every merchant.
import crypto from 'node:crypto';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { initSystemSetting } from '../merchants/index.ts';
import { getNumberByMerchant, insertNumber, type WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import type { AppContext } from '../../platform/context.ts';

/** WHATSAPP_APP_SECRET when set; in sandbox mode without it, one generated once and kept in the database. */
export async function whatsappAppSecret(ctx: Pick<AppContext, 'mode'> & { appSecret?: string | undefined }, q: Queryable): Promise<string> {
  if (ctx.appSecret) return ctx.appSecret;
  if (ctx.mode === 'live') throw new Error('WHATSAPP_APP_SECRET is required in live mode');
  return initSystemSetting(q, 'sandbox_whatsapp_app_secret', crypto.randomBytes(24).toString('hex'));
}

/**
 * A sandbox number is served by the local Cloud API double, which a live server does not
 * run: in live mode it is inert, neither sending nor taking webhooks (a database used in
 * sandbox mode first keeps its sandbox numbers).
 */
export const isInertNumber = (ctx: Pick<AppContext, 'mode'>, number: Pick<WhatsAppNumberRow, 'sandbox'>): boolean => number.sandbox && ctx.mode === 'live';

/** A 15-digit id like Meta's, and a display number in the +1 555 fictional range. */
function sandboxNumberIds(): { phoneNumberId: string; display: string; wabaId: string } {
  const digits = (n: number) => Array.from(crypto.randomBytes(n), (b) => String(b % 10)).join('');
  return { phoneNumberId: `1${digits(14)}`, display: `1555${digits(7)}`, wabaId: `2${digits(14)}` };
}

export async function ensureSandboxNumber(ctx: AppContext, tx: Tx, merchantId: string): Promise<WhatsAppNumberRow> {
  const existing = await getNumberByMerchant(tx, merchantId);
  if (existing) return existing;
  const ids = sandboxNumberIds();
  return insertNumber(tx, {
    phone_number_id: ids.phoneNumberId,
    merchant_id: merchantId,
    display_phone_number: ids.display,
    waba_id: ids.wabaId,
    catalog_id: `9${ids.phoneNumberId.slice(1)}`,
    sandbox: true,
    sandbox_access_token: `sbx_wa_${crypto.randomBytes(24).toString('base64url')}`,
    now: ctx.clock.now(),
  });
}
