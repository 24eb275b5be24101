// The shapes the console reads: the components of /openapi.json (schema.d.ts, generated
// by `npm run console:types` from the same zod schemas the server answers with).
import type { components } from './schema';

type S = components['schemas'];

export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export type Role = 'owner' | 'admin' | 'agent';
export type Me = S['Me'];
export type Business = S['BusinessSettings'];
export type Order = S['Order'];
export type OrderItem = Order['items'][number];
export type OrderEvent = S['Event'];
export type Payment = S['Payment'];
export type Refund = S['Refund'];
export type Message = S['Message'];
export type LedgerTransaction = S['LedgerTransaction'];
export type Posting = LedgerTransaction['postings'][number];
export type LedgerBalance = S['LedgerBalance'];
export type DailyReport = S['DailyReport'];
export type Revenue = DailyReport['totals']['revenue'][number];
export type Product = S['Product'];
export type Template = S['Template'];
export type Booking = S['Booking'];
export type BookingService = S['BookingService'];
/** A delivery; the list across endpoints adds its endpoint. */
export type WebhookDelivery = S['WebhookDelivery'] & { endpoint?: { id: string; url: string; enabled: boolean } };
export type WebhookEndpoint = S['WebhookEndpoint'];
export type WebhookAttempt = S['WebhookAttempt'];
export type ApiKey = S['ApiKey'];
export type AuditEntry = S['AuditEntry'];
export type User = S['User'];
export type Reconciliation = S['Reconciliation'];
export type ReconciliationItem = S['ReconciliationItem'];
export type WhatsAppSettings = S['WhatsAppSettings'];
export type PaymentSettings = S['PaymentSettings'];
export type ProviderSettings = S['ProviderSettings'];
export type FlowKeys = S['FlowKeys'];
export type FlowKeyword = S['FlowKeyword'];

/** The order's ledger (GET /v1/orders/{id}/ledger). */
export interface OrderLedger {
  currency: string;
  balances: LedgerBalance[];
  transactions: LedgerTransaction[];
}
export type Conversation = S['Conversation'];
export type ConversationNote = S['ConversationNote'];
export type Customer = S['Customer'];
export type CheckoutLink = S['CheckoutLink'];
export type QuickReply = S['QuickReply'];
