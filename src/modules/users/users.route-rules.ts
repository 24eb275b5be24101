// Every /v1 route and the permission it needs (domain/roles.ts says which roles hold it),
// checked in one place (users.authorize.ts) for every request behind authentication. A
// route missing here is refused: default deny. Keys are `METHOD path` exactly as fastify
// registers the route. Some rules also say which change goes to the audit log (written in
// the change's own transaction by mutate()) and which body fields need more than the route.
// docs/roles.md is rendered from this table (`npm run docs:roles`).
import type { Permission } from '../../domain/roles.ts';
import type { AuditType } from './users.audit.ts';

export interface AuditOf {
  type: AuditType;
  subject?: string | null;
  data?: Record<string, unknown>;
}

/** What a rule's audit function sees of the request and of the change's result. */
export interface AuditInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  value: unknown;
}

export interface RouteRule {
  permission: Permission;
  /** Body fields that need a permission of their own (top-level keys). */
  fields?: Record<string, Permission>;
  /** The audit entry of a successful call (GET: when it answers 200). */
  audit?: (i: AuditInput) => AuditOf | null;
  /** What the docs say beside the rule. */
  note?: string;
  /**
   * A route of the API contract that may not be built yet: its rule is here so that it is
   * not refused when it lands (the table's test does not ask that it exists).
   */
  planned?: true;
}

/** Routes outside authentication (sign-in): listed so that every /v1 route is in the table. */
export const PUBLIC_ROUTES: Record<string, string> = {
  'POST /v1/sessions': 'sign in (throttled; same-origin only)',
};

const idOf = (v: unknown): string | null => {
  const o = v as { id?: unknown; row?: { id?: unknown } } | null;
  if (typeof o?.id === 'string') return o.id;
  if (typeof o?.row?.id === 'string') return o.row.id;
  return null;
};
const fieldsOf = (body: Record<string, unknown>) => ({ fields: Object.keys(body ?? {}).sort() });
const exported =
  (kind: string) =>
  ({ query }: AuditInput): AuditOf => ({ type: 'export.downloaded', subject: kind, data: { kind, from: query['from'] ?? null, to: query['to'] ?? null } });

export const ROUTE_RULES: Record<string, RouteRule> = {
  // Who you are
  'GET /v1/me': { permission: 'account' },
  'GET /v1/roles': { permission: 'account' },
  'DELETE /v1/sessions/current': { permission: 'account', note: 'a console session only' },

  // Users and the audit log
  'GET /v1/users': { permission: 'users.read' },
  'POST /v1/users': { permission: 'users.manage' },
  'PATCH /v1/users/:id': { permission: 'users.manage' },
  'DELETE /v1/users/:id': { permission: 'users.manage' },
  'POST /v1/users/:id/link': { permission: 'users.manage', note: 'a new invitation, or a password reset for a user who has a password' },
  'GET /v1/audit-log': { permission: 'audit' },

  // Orders
  'GET /v1/orders': { permission: 'orders.read' },
  'GET /v1/orders/:id': { permission: 'orders.read' },
  'GET /v1/orders/:id/events': { permission: 'orders.read' },
  'GET /v1/orders/:id/payments': { permission: 'orders.read' },
  'GET /v1/orders/:id/refunds': { permission: 'orders.read' },
  'POST /v1/orders': {
    permission: 'orders.create',
    note: 'without `orders.price`, catalog-priced items only (checked where orders are created): 403 otherwise',
  },
  'POST /v1/orders/:id/bill': { permission: 'orders.create' },
  'POST /v1/orders/:id/reorder': { permission: 'orders.create' },
  'POST /v1/orders/:id/shipping-address': { permission: 'orders.status' },
  'POST /v1/orders/:id/status': { permission: 'orders.status' },
  'POST /v1/orders/:id/cancel': { permission: 'orders.status' },
  'POST /v1/orders/:id/refunds': { permission: 'orders.money' },
  'POST /v1/orders/:id/review': { permission: 'orders.money' },
  'POST /v1/orders/:id/record-payment': {
    permission: 'orders.money',
    note: 'money the staff took (cash on delivery, a bank transfer); never the customer',
    audit: ({ params, value, body }) => ({
      type: 'payment.recorded',
      subject: params['id'] ?? null,
      data: { payment_id: idOf((value as { payment?: unknown } | null)?.payment), method: body['method'] ?? null, amount: body['amount'] ?? null },
    }),
  },
  'POST /v1/orders/:id/record-payment/:payment_id/void': {
    permission: 'payments.void',
    audit: ({ params, body }) => ({
      type: 'payment.voided',
      subject: params['id'] ?? null,
      data: { payment_id: params['payment_id'] ?? null, reason: body['reason'] ?? null },
    }),
  },
  'GET /v1/orders/:id/ledger': { permission: 'money.read' },

  // Catalog
  'GET /v1/products': { permission: 'catalog.read' },
  'GET /v1/products/:id': { permission: 'catalog.read' },
  'POST /v1/products': { permission: 'catalog.write', audit: ({ value, body }) => ({ type: 'product.created', subject: idOf(value), data: fieldsOf(body) }) },
  'PATCH /v1/products/:id': {
    permission: 'catalog.write',
    audit: ({ params, body }) => ({ type: 'product.updated', subject: params['id'] ?? null, data: fieldsOf(body) }),
  },

  // Bookings
  'GET /v1/bookings': { permission: 'bookings.read' },
  'GET /v1/bookings/:id': { permission: 'bookings.read' },
  'POST /v1/bookings/:id/cancel': { permission: 'bookings.write' },
  'GET /v1/booking-services': { permission: 'bookings.read' },
  'GET /v1/booking-services/:id': { permission: 'bookings.read' },
  'POST /v1/booking-services': { permission: 'bookings.write' },
  'PATCH /v1/booking-services/:id': { permission: 'bookings.write' },

  // Conversations and messages
  'GET /v1/messages': { permission: 'conversations' },
  'POST /v1/flows/send': { permission: 'conversations' },

  // Money
  'GET /v1/ledger/balances': { permission: 'money.read' },
  'GET /v1/ledger/transactions': { permission: 'money.read' },
  'GET /v1/events': { permission: 'money.read' },
  'GET /v1/reconciliations': { permission: 'reconciliation' },
  'POST /v1/reconciliations': { permission: 'reconciliation' },
  'GET /v1/reconciliations/:id': { permission: 'reconciliation' },
  'GET /v1/reconciliations/:id/items': { permission: 'reconciliation' },
  'POST /v1/reconciliations/:id/rerun': { permission: 'reconciliation' },
  'GET /v1/exports/orders.csv': { permission: 'exports', audit: exported('orders') },
  'GET /v1/exports/payments.csv': { permission: 'exports', audit: exported('payments') },
  'GET /v1/exports/refunds.csv': { permission: 'exports', audit: exported('refunds') },

  // Settings
  'GET /v1/settings/payments': { permission: 'settings' },
  'PATCH /v1/settings/payments': { permission: 'settings', audit: ({ body }) => ({ type: 'payment_policy.changed', data: fieldsOf(body) }) },
  'GET /v1/settings/providers': { permission: 'settings' },
  'PUT /v1/settings/providers/:provider': {
    permission: 'credentials',
    audit: ({ params }) => ({ type: 'provider_credentials.replaced', subject: params['provider'] ?? null, data: { provider: params['provider'] } }),
  },
  'GET /v1/settings/whatsapp': { permission: 'settings' },
  'PATCH /v1/settings/whatsapp': {
    permission: 'settings',
    fields: { access_token: 'credentials' },
    audit: ({ body }) => (typeof body['access_token'] === 'string' ? { type: 'whatsapp_token.replaced', data: {} } : null),
  },
  'GET /v1/settings/booking': { permission: 'bookings.read' },
  'PATCH /v1/settings/booking': { permission: 'settings' },
  'GET /v1/flows/keys': { permission: 'settings' },
  'POST /v1/flows/keys': { permission: 'settings' },
  'GET /v1/flows/keywords': { permission: 'settings' },
  'PUT /v1/flows/keywords/:keyword': { permission: 'settings' },
  'DELETE /v1/flows/keywords/:keyword': { permission: 'settings' },

  // Webhook endpoints
  'GET /v1/webhook-endpoints': { permission: 'webhooks' },
  'POST /v1/webhook-endpoints': { permission: 'webhooks' },
  'GET /v1/webhook-endpoints/:id': { permission: 'webhooks' },
  'PATCH /v1/webhook-endpoints/:id': { permission: 'webhooks' },
  'DELETE /v1/webhook-endpoints/:id': { permission: 'webhooks' },
  'POST /v1/webhook-endpoints/:id/rotate-secret': { permission: 'webhooks' },
  'POST /v1/webhook-endpoints/:id/test': { permission: 'webhooks' },
  'GET /v1/webhook-endpoints/:id/attempts': { permission: 'webhooks' },
  'GET /v1/webhook-endpoints/:id/deliveries': { permission: 'webhooks' },
  'POST /v1/webhook-endpoints/:id/replay': { permission: 'webhooks' },

  // API keys
  'GET /v1/api-keys': { permission: 'api_keys' },
  'POST /v1/api-keys': { permission: 'api_keys', audit: ({ value }) => ({ type: 'api_key.created', subject: idOf(value) }) },
  'POST /v1/api-keys/:id/rotate': {
    permission: 'api_keys',
    audit: ({ params, value }) => ({ type: 'api_key.rotated', subject: params['id'] ?? null, data: { new_key_id: idOf(value) } }),
  },
  'POST /v1/api-keys/:id/revoke': { permission: 'api_keys', audit: ({ params }) => ({ type: 'api_key.revoked', subject: params['id'] ?? null }) },

  // Routes of the contract ("The merchant's front office") being built beside this table.
  'GET /v1/settings/business': { permission: 'account', note: 'everyone: the console shows money and times as the business writes them' },
  'PATCH /v1/settings/business': { permission: 'settings' },
  'GET /v1/settings/auto-replies': { permission: 'conversations', note: 'agents see what the customer was told automatically' },
  'PUT /v1/settings/auto-replies': { permission: 'settings' },
  'GET /v1/customers': { permission: 'customers' },
  'GET /v1/customers/:id': { permission: 'customers' },
  'PATCH /v1/customers/:id': { permission: 'customers' },
  'GET /v1/customers/:id/export': {
    permission: 'customers.erase',
    audit: ({ params }) => ({ type: 'export.downloaded', subject: params['id'] ?? null, data: { kind: 'customer', customer_id: params['id'] ?? null } }),
  },
  'POST /v1/customers/:id/erase': {
    permission: 'customers.erase',
    audit: ({ params, value }) =>
      (value as { already?: boolean } | null)?.already
        ? null
        : { type: 'customer.erased', subject: params['id'] ?? null, data: { customer_id: params['id'] ?? null } },
  },
  'GET /v1/stream': {
    permission: 'account',
    note: 'every role: the stream carries types and ids only, and the objects are read through their own routes, where these rules apply',
  },
  'GET /v1/conversations': { permission: 'conversations' },
  'GET /v1/conversations/:id': { permission: 'conversations' },
  'GET /v1/conversations/:id/messages': { permission: 'conversations' },
  'POST /v1/conversations/:id/read': { permission: 'conversations' },
  'POST /v1/conversations/:id/assign': { permission: 'conversations' },
  'POST /v1/conversations/:id/close': { permission: 'conversations' },
  'POST /v1/conversations/:id/reopen': { permission: 'conversations' },
  'POST /v1/conversations/:id/notes': { permission: 'conversations' },
  'POST /v1/messages': { permission: 'conversations' },
  'GET /v1/messages/:id/media': { permission: 'conversations', note: 'the file a customer sent' },
  'GET /v1/templates': { permission: 'conversations', note: 'what the composer offers outside the 24-hour window' },
  'POST /v1/uploads': { permission: 'conversations' },
  'GET /v1/quick-replies': { permission: 'conversations', note: 'everyone who works the inbox uses them' },
  'POST /v1/quick-replies': { permission: 'settings', note: 'saved answers are managed by the owner and admins' },
  'PATCH /v1/quick-replies/:id': { permission: 'settings' },
  'DELETE /v1/quick-replies/:id': { permission: 'settings' },
  'GET /v1/checkout-links': { permission: 'catalog.read' },
  'POST /v1/checkout-links': { permission: 'catalog.write', note: 'the link takes money from anyone who has it: owner and admin' },
  'GET /v1/checkout-links/:id': { permission: 'catalog.read' },
  'PATCH /v1/checkout-links/:id': { permission: 'catalog.write' },
  'POST /v1/catalog/sync': { permission: 'catalog.write' },
  'GET /v1/catalog/syncs': { permission: 'catalog.read' },
  'GET /v1/catalog/syncs/:id': { permission: 'catalog.read' },
  'GET /v1/settings/catalog': { permission: 'catalog.read' },
  'PATCH /v1/settings/catalog': { permission: 'settings' },
  'POST /v1/reconciliations/:id/apply': { permission: 'reconciliation', planned: true },
  'GET /v1/reports/daily': { permission: 'orders.read', note: 'order counts and revenue by day: what the orders an agent may read add up to' },
  'GET /v1/reports/reminders': {
    permission: 'orders.read',
    note: 'reminders of unpaid bills and the orders paid after one: what the orders an agent may read add up to',
  },
  'GET /v1/webhook-deliveries': { permission: 'webhooks' },
};

/** The rule of a request's route (HEAD is answered by the GET route). */
export function ruleFor(method: string, url: string | undefined): RouteRule | undefined {
  if (!url) return undefined;
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return ROUTE_RULES[`${m} ${url}`];
}
