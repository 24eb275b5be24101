// The chart of accounts. One set per merchant and currency; an account is a string code so
// a new provider needs no schema change. Postings carry the order id where there is one,
// so "per order" balances are a filter, not more accounts. Amounts are debit-positive:
// an asset's balance is positive, a liability's or revenue's negative.

export const ACCOUNTS = {
  /** Asset: money a provider holds for the merchant (captured, not yet paid out). One per provider. */
  providerClearing: (provider: string) => `provider_clearing:${provider}`,
  /** Revenue: what orders were paid, net of the tax part. */
  revenue: 'revenue',
  /** Liability: the tax part of what orders were paid (orders.tax). */
  taxPayable: 'tax_payable',
  /** Expense: what providers charged. */
  providerFees: 'provider_fees',
  /** Asset: tax charged on provider fees (GST input credit), when the provider states it. */
  providerFeeTax: 'provider_fee_tax',
  /** Contra revenue: what was given back to customers of paid orders. */
  refunds: 'refunds',
  /** Expense: money taken back by chargebacks. */
  disputes: 'disputes',
  /** Liability (suspense): captured money that does not pay an order: in manual_review or an extra capture. */
  unappliedReceipts: 'unapplied_receipts',
  /** Asset: the merchant's bank account, credited by provider payouts. */
  bank: 'bank',
  /**
   * Asset: money the merchant's staff took themselves (cash on delivery, a bank transfer
   * straight to the merchant), recorded with POST /v1/orders/{id}/record-payment. No provider
   * holds it, so no settlement report names it.
   */
  cashOnHand: 'cash_on_hand',
} as const;

/** The pseudo-provider of a payment recorded by staff: its money sits in cash_on_hand, not a provider's clearing. */
export const RECORDED_PROVIDER = 'recorded';

/** Where a payment's money sits: a provider's clearing account, or cash on hand for a recorded payment. */
export const moneyAccount = (provider: string): string => (provider === RECORDED_PROVIDER ? ACCOUNTS.cashOnHand : ACCOUNTS.providerClearing(provider));

export type AccountType = 'asset' | 'liability' | 'revenue' | 'contra_revenue' | 'expense';

const FIXED: Record<string, AccountType> = {
  revenue: 'revenue',
  tax_payable: 'liability',
  provider_fees: 'expense',
  provider_fee_tax: 'asset',
  refunds: 'contra_revenue',
  disputes: 'expense',
  unapplied_receipts: 'liability',
  bank: 'asset',
  cash_on_hand: 'asset',
};

const PROVIDER = /^[a-z][a-z0-9_-]{0,39}$/;

/** The type of an account code, or undefined for a code outside the chart. */
export function accountType(account: string): AccountType | undefined {
  if (account.startsWith('provider_clearing:')) return PROVIDER.test(account.slice('provider_clearing:'.length)) ? 'asset' : undefined;
  return FIXED[account];
}

export const isAccount = (account: string): boolean => accountType(account) !== undefined;

/** The accounts that make up what an order was paid (orders.amount_paid is minus their balance). */
export const PAID_ACCOUNTS = [ACCOUNTS.revenue, ACCOUNTS.taxPayable] as const;
/** The account whose balance is what an order had refunded (orders.amount_refunded). */
export const REFUNDED_ACCOUNT = ACCOUNTS.refunds;
