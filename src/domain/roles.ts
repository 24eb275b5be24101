// Who may do what: the roles of console users, the permissions, and which roles hold each.
// Pure data, so that the HTTP layer (one check for every /v1 route, modules/users), the
// use cases (an agent's order takes catalog prices only) and the docs (docs/roles.md,
// rendered from this) read one table. The route → permission table is in
// modules/users/users.route-rules.ts.

export const ROLES = ['owner', 'admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export interface PermissionRule {
  /** The console roles that hold it. */
  roles: readonly Role[];
  /** Whether an API key holds it (API keys act as the owner, except for managing users). */
  apiKey: boolean;
  description: string;
}

const ALL: readonly Role[] = ['owner', 'admin', 'agent'];
const STAFF: readonly Role[] = ['owner', 'admin'];
const OWNER: readonly Role[] = ['owner'];

export const PERMISSIONS = {
  account: { roles: ALL, apiKey: true, description: 'who you are (`GET /v1/me`), the role table, signing out' },
  'orders.read': { roles: ALL, apiKey: true, description: 'read orders, their events, payments and refunds' },
  'orders.create': {
    roles: ALL,
    apiKey: true,
    description: 'create orders and send bills (agents: catalog-priced items only, see `orders.price`)',
  },
  'orders.price': {
    roles: STAFF,
    apiKey: true,
    description: 'put amounts of your own on an order: items with `amount` or `sale_amount`, `discount`, `tax`, `shipping`',
  },
  'orders.status': { roles: ALL, apiKey: true, description: "change an order's status (WhatsApp order_status), cancel it" },
  'orders.money': { roles: STAFF, apiKey: true, description: 'refunds, payment reviews, recording payments taken by staff' },
  'payments.void': { roles: OWNER, apiKey: true, description: 'void a payment recorded by staff (a mistake): the order is unpaid again' },
  'catalog.read': { roles: ALL, apiKey: true, description: 'read products' },
  'catalog.write': { roles: STAFF, apiKey: true, description: 'create and change products' },
  'bookings.read': { roles: ALL, apiKey: true, description: 'read bookings and booking services' },
  'bookings.write': { roles: STAFF, apiKey: true, description: 'manage booking services, cancel bookings' },
  conversations: { roles: ALL, apiKey: true, description: 'conversations, messages, sending messages and flows' },
  customers: { roles: ALL, apiKey: true, description: 'read and update customers' },
  'customers.erase': { roles: OWNER, apiKey: true, description: "erase a customer's personal data, or export all of it" },
  'money.read': { roles: STAFF, apiKey: true, description: 'ledger balances and transactions, the event log' },
  reconciliation: { roles: STAFF, apiKey: true, description: 'settlement reports: upload, read, apply' },
  settings: {
    roles: STAFF,
    apiKey: true,
    description: 'business, payment, WhatsApp (except its access token), booking and Flows settings',
  },
  credentials: { roles: OWNER, apiKey: true, description: 'payment provider credentials and the WhatsApp access token (write-only)' },
  webhooks: { roles: OWNER, apiKey: true, description: 'webhook endpoints, their deliveries, replays and secrets' },
  api_keys: { roles: OWNER, apiKey: true, description: 'create, list, rotate and revoke API keys' },
  exports: { roles: OWNER, apiKey: true, description: 'CSV exports of orders, payments and refunds' },
  audit: { roles: OWNER, apiKey: true, description: 'the audit log' },
  'users.read': { roles: OWNER, apiKey: true, description: 'list the console users' },
  'users.manage': { roles: OWNER, apiKey: false, description: 'invite users, change their roles, remove them (never with an API key)' },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

/** Who is asking: a console user with a role, or an API key (which acts as the owner). */
export interface Principal {
  kind: 'user' | 'api_key';
  role: Role;
}

export function allows(p: Principal, permission: Permission): boolean {
  const rule: PermissionRule = PERMISSIONS[permission];
  return p.kind === 'api_key' ? rule.apiKey : rule.roles.includes(p.role);
}

export function permissionsOf(p: Principal): Permission[] {
  return PERMISSION_NAMES.filter((name) => allows(p, name));
}

export const isRole = (s: unknown): s is Role => typeof s === 'string' && (ROLES as readonly string[]).includes(s);
