// The shapes the console reads. The generated schema.d.ts types every request; most
// responses are not described in /openapi.json yet, so these mirror the presenters
// (src/modules/*/*.present.ts). When the responses are documented, these become aliases
// of the generated components.
export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export type Role = 'owner' | 'admin' | 'agent';

export interface Me {
  user: { id: string; email: string; name: string; role: Role } | null;
  api_key: { id: string } | null;
  merchant: { id: string; name: string };
  role: Role;
  permissions: string[];
}

export interface Business {
  name: string;
  time_zone: string;
  locale: string;
  currency: string | null;
  currency_set: boolean;
  updated_at: string | null;
}

export interface OrderItem {
  name: string;
  amount: number;
  quantity: number;
  line_total: number;
  product_id: string | null;
  retailer_id: string | null;
  sale_amount: number | null;
}

export interface Order {
  id: string;
  status: string;
  payment_status: string;
  currency: string;
  items: OrderItem[];
  subtotal: number;
  tax: number;
  tax_description: string | null;
  shipping: number;
  shipping_description: string | null;
  discount: number;
  discount_description: string | null;
  total: number;
  amount_paid: number;
  amount_refunded: number;
  customer: { wa_id: string | null; name: string | null };
  goods_type: string;
  shipping_address: Record<string, string> | null;
  reference_id: string;
  payment: { id: string; reference_id: string; method: string; provider: string | null; status: string; url: string | null } | null;
  cancel_reason: string | null;
  review: { reason?: string; payment_id?: string; amount?: number } | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrderEvent {
  id: string;
  type: string;
  seq: number;
  source: string;
  actor: string | null;
  data: Record<string, unknown>;
  previous: unknown;
  created_at: string;
}

export interface Payment {
  id: string;
  order_id: string;
  reference_id: string;
  method: string;
  provider: string | null;
  status: string;
  amount: number;
  currency: string;
  url: string | null;
  provider_payment_id: string | null;
  expires_at: string | null;
  captured_at: string | null;
  created_at: string;
}

export interface Refund {
  id: string;
  payment_id: string;
  amount: number;
  currency: string;
  status: string;
  kind: string;
  reason: string | null;
  failure_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface Message {
  id: string;
  wa_id: string;
  direction: 'inbound' | 'outbound';
  type: string;
  status: string;
  error: { code: string | number; title: string } | null;
  purpose: string | null;
  order_id: string | null;
  payment_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface Posting {
  line: number;
  account: string;
  order_id: string | null;
  amount: number;
  side: 'debit' | 'credit';
}

export interface LedgerTransaction {
  id: string;
  kind: string;
  order_id: string | null;
  provider: string | null;
  currency: string;
  event_at: string;
  created_at: string;
  postings: Posting[];
}

export interface LedgerBalance {
  account: string;
  currency: string;
  debits: number;
  credits: number;
  balance: number;
}

export interface OrderLedger {
  currency: string;
  balances: LedgerBalance[];
  transactions: LedgerTransaction[];
}

export interface DailyReport {
  time_zone: string;
  from: string;
  to: string;
  data: { date: string; orders: number; paid_orders: number; revenue: Revenue[] }[];
  totals: { orders: number; paid_orders: number; revenue: Revenue[] };
}

export interface Revenue {
  currency: string;
  paid: number;
  refunded: number;
  amount: number;
}

export interface Product {
  id: string;
  retailer_id: string;
  name: string;
  description: string | null;
  price: number;
  currency: string;
  image_url: string | null;
  category: string | null;
  goods_type?: string | null;
  active: boolean;
  created_at: string;
  updated_at: string;
}

export interface Booking {
  id: string;
  service_id: string;
  status: string;
  customer: { wa_id: string | null; name: string | null };
  note: string | null;
  starts_at: string;
  ends_at: string;
  time_zone: string;
  hold_expires_at: string | null;
  order_id: string | null;
  created_at: string;
}

export interface BookingService {
  id: string;
  name: string;
  duration_minutes: number;
  deposit: number;
  currency: string;
  active: boolean;
}

export interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  endpoint?: { id: string; url: string; enabled: boolean };
  event_id: string;
  event_type: string;
  status: string;
  round: number;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}
