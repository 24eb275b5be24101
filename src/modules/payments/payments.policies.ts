// What to do with money that should not be kept. Both default to giving it back:
// a merchant who wants to look first sets `review` / `keep` in its settings.
import type { QuietHours, ReminderStep } from '../../domain/payment/reminders.ts';
import type { Queryable } from '../../platform/store/db.ts';
import { getMerchant } from '../merchants/index.ts';

export interface MerchantPolicies {
  /** A late or mismatched payment (manual_review): refund it at once, or wait for POST /review. */
  review: 'refund' | 'review';
  /** A second capture for a paid order: refund it, or keep it (flagged). */
  extra_capture: 'refund' | 'keep';
  /** Reminders of an unpaid bill, after the bill was sent (none by default). */
  reminders: ReminderStep[];
  /** No reminder goes between start and end (business time zone); one due then waits for the end. */
  quiet_hours: QuietHours | null;
  /** The approved template a reminder goes as outside the 24-hour window (none: no reminder then). */
  reminder_template: string | null;
}

export const DEFAULT_POLICIES: MerchantPolicies = { review: 'refund', extra_capture: 'refund', reminders: [], quiet_hours: null, reminder_template: null };

export async function getMerchantPolicies(q: Queryable, merchantId: string): Promise<MerchantPolicies> {
  const m = await getMerchant(q, merchantId);
  const p = (m?.settings['payment_policies'] ?? {}) as Partial<MerchantPolicies>;
  return { ...DEFAULT_POLICIES, ...p };
}
