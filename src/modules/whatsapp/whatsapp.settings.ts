// Changing a merchant's WhatsApp settings (API and CLI). A phone_number_id belongs
// to one merchant; the access token is sealed at rest and never read back; a new
// token resumes a queue paused by an invalid one (190) at once.
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { isUniqueViolation, type Tx } from '../../platform/store/db.ts';
import { runJobsNow } from '../../platform/jobs/jobs.repository.ts';
import { updateMerchantSettings } from '../merchants/index.ts';
import { getNumberByMerchant, insertNumber, updateNumber, type NumberPatch, type WhatsAppNumberRow } from './whatsapp-numbers.repository.ts';
import type { AppContext } from '../../platform/context.ts';

export interface WhatsAppSettingsInput extends Omit<NumberPatch, 'access_token' | 'token_status' | 'sandbox' | 'sandbox_access_token' | 'phone_number_id'> {
  phone_number_id?: string | undefined;
  access_token?: string | undefined;
  default_payment?: { method: string; provider: string } | undefined;
}

export async function updateWhatsAppSettings(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  input: WhatsAppSettingsInput,
): Promise<Result<WhatsAppNumberRow | undefined>> {
  const now = ctx.clock.now();
  const { default_payment, access_token, phone_number_id, ...rest } = input;
  let number = await getNumberByMerchant(tx, merchantId);
  if (phone_number_id && phone_number_id !== number?.phone_number_id) {
    if (number?.sandbox && ctx.mode === 'sandbox')
      return err(domainError('validation_error', 'A sandbox merchant keeps its sandbox number', { path: 'body.phone_number_id' }));
    if (number) return err(domainError('conflict', 'This merchant already has a number; changing it is not supported yet'));
    try {
      number = await insertNumber(tx, {
        phone_number_id,
        merchant_id: merchantId,
        display_phone_number: rest.display_phone_number ?? null,
        waba_id: rest.waba_id ?? null,
        catalog_id: rest.catalog_id ?? null,
        sandbox: false,
        sandbox_access_token: null,
        now,
      });
    } catch (e) {
      if (isUniqueViolation(e)) return err(domainError('conflict', 'This phone_number_id belongs to another merchant'));
      throw e;
    }
  }
  if (!number && (access_token || Object.keys(rest).length))
    return err(domainError('validation_error', 'Set phone_number_id first', { path: 'body.phone_number_id' }));
  if (number) {
    number = (await updateNumber(
      tx,
      merchantId,
      { ...rest, ...(access_token ? { access_token: ctx.secrets.seal(access_token), token_status: 'ok' as const } : {}) },
      now,
    ))!;
    // A new token resumes a paused queue now, not at the next recheck.
    if (access_token) await runJobsNow(tx, { kind: 'whatsapp.send', merchantId }, now);
  }
  if (default_payment) await updateMerchantSettings(tx, merchantId, { default_payment }, now);
  return ok(number);
}
