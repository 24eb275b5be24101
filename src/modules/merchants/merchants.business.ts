// The merchant's business settings: its name, the time zone every day and time is read in
// (booking hours, daily reports, quiet hours), the locale and default currency money is
// written in. One source: the booking settings read and write this time zone.
import { checkBusinessSettings, DEFAULT_LOCALE, DEFAULT_TIME_ZONE, isTimeZone, type BusinessSettingsPatch } from '../../domain/business.ts';
import type { Presentation } from '../../domain/display.ts';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { AppContext } from '../../platform/context.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import * as repo from './merchants.repository.ts';

export interface BusinessSettings {
  name: string;
  /** IANA zone, e.g. Asia/Kolkata. */
  time_zone: string;
  /** BCP 47, e.g. en-IN. */
  locale: string;
  /** ISO 4217; until the merchant sets one, the currency of its latest product or order (null if none). */
  currency: string | null;
  /** Whether `currency` was set by the merchant (false: observed from its catalog and orders, or unknown). */
  currency_set: boolean;
  updated_at: Date;
}

async function fromRow(q: Queryable, m: repo.MerchantRow): Promise<BusinessSettings> {
  return {
    name: m.name,
    // A zone the runtime no longer knows (tz data changes) reads as UTC rather than failing every date.
    time_zone: isTimeZone(m.time_zone) ? m.time_zone : DEFAULT_TIME_ZONE,
    locale: m.locale,
    currency: m.currency ?? (await repo.observedCurrency(q, m.id)),
    currency_set: m.currency !== null,
    updated_at: m.updated_at,
  };
}

export async function getBusinessSettings(q: Queryable, merchantId: string): Promise<BusinessSettings> {
  const m = await repo.getMerchant(q, merchantId);
  if (!m) throw new Error(`merchant ${merchantId} vanished`);
  return fromRow(q, m);
}

/** The business time zone alone (no currency lookup): what day-and-time code needs. */
export async function businessTimeZone(q: Queryable, merchantId: string): Promise<string> {
  const m = await repo.getMerchant(q, merchantId);
  return m && isTimeZone(m.time_zone) ? m.time_zone : DEFAULT_TIME_ZONE;
}

/** How the business writes (locale) and reads the clock (time zone): what customer-facing text needs. */
export async function businessPresentation(q: Queryable, merchantId: string): Promise<Presentation> {
  const m = await repo.getMerchant(q, merchantId);
  return { locale: m?.locale ?? DEFAULT_LOCALE, timeZone: m && isTimeZone(m.time_zone) ? m.time_zone : DEFAULT_TIME_ZONE };
}

export async function updateBusinessSettings(ctx: AppContext, tx: Tx, merchantId: string, patch: BusinessSettingsPatch): Promise<Result<BusinessSettings>> {
  const checked = checkBusinessSettings(patch);
  if (!checked.ok) return err(domainError('validation_error', checked.error.message, { path: checked.error.path }));
  const row = await repo.updateBusinessColumns(tx, merchantId, checked.value, ctx.clock.now());
  if (!row) return err(domainError('not_found', `No merchant ${merchantId}`));
  return ok(await fromRow(tx, row));
}
