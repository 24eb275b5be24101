import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERMISSION_NAMES, allows, permissionsOf } from '../../domain/roles.ts';
import { renderRolesMarkdown } from './users.roles-doc.ts';
import { ROUTE_RULES } from './users.route-rules.ts';

const DOC = new URL('../../../docs/roles.md', import.meta.url);

describe('docs/roles.md', () => {
  it('is exactly what the code renders (regenerate with `npm run docs:roles`)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderRolesMarkdown());
  });

  it('has one row per permission and per route', () => {
    const md = renderRolesMarkdown();
    for (const p of PERMISSION_NAMES) expect(md).toContain(`| \`${p}\` |`);
    for (const r of Object.keys(ROUTE_RULES)) expect(md).toContain(`| \`${r}\` |`);
  });
});

describe('the roles of the contract', () => {
  const owner = { kind: 'user', role: 'owner' } as const;
  const admin = { kind: 'user', role: 'admin' } as const;
  const agent = { kind: 'user', role: 'agent' } as const;
  const key = { kind: 'api_key', role: 'owner' } as const;

  it('the owner holds everything; an API key everything but managing users', () => {
    expect(permissionsOf(owner)).toEqual(PERMISSION_NAMES);
    expect(PERMISSION_NAMES.filter((p) => !allows(key, p))).toEqual(['users.manage']);
  });

  it('owner-only: provider credentials, webhook endpoints, users, API keys, exports, the audit log, erasure', () => {
    for (const p of ['credentials', 'webhooks', 'users.read', 'users.manage', 'api_keys', 'exports', 'audit', 'customers.erase'] as const) {
      expect([allows(admin, p), allows(agent, p)]).toEqual([false, false]);
    }
  });

  it('an admin: orders and their money, catalog, bookings, conversations, reconciliation, settings', () => {
    for (const p of ['orders.money', 'orders.price', 'catalog.write', 'bookings.write', 'conversations', 'reconciliation', 'settings'] as const) {
      expect(allows(admin, p)).toBe(true);
    }
  });

  it('an agent: conversations, customers, reading orders and bookings, order status, catalog-priced orders; nothing else', () => {
    expect(permissionsOf(agent).sort()).toEqual(
      ['account', 'orders.read', 'orders.create', 'orders.status', 'catalog.read', 'bookings.read', 'conversations', 'customers'].sort(),
    );
  });
});
