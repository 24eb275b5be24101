// The audit log (GET /v1/audit-log, owner only): one entry per security-relevant change,
// with its actor (usr_… from a console session, key_… from an API key), the client
// address and the time; written with the change (a refused change leaves none, a replayed
// request adds none); never in the event log that webhooks are sent from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { consoleClient, DEMO_OWNER, demoOwner, PASSWORD, signIn, userWithRole, type ConsoleClient } from '../support/users.ts';

let s: TestServer;
let owner: ConsoleClient;
let ownerId: string;

beforeAll(async () => {
  s = await startTestServer();
  owner = await demoOwner(s);
  ownerId = (await owner.call('/v1/me')).body.user.id;
});
afterAll(async () => {
  await s?.close();
});

async function entries(type: string): Promise<any[]> {
  const r = await owner.call(`/v1/audit-log?type=${type}&limit=100`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data;
}

const byUser = (id: string) => ({ actor: id, address: expect.stringMatching(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/), created_at: expect.any(String) });

describe('the audit log', () => {
  it('sign-ins, failed sign-ins and sign-outs', async () => {
    expect((await signIn(s, DEMO_OWNER, 'wrong password')).status).toBe(401);
    const c = consoleClient(s, (await signIn(s, DEMO_OWNER, PASSWORD)).cookie!);
    expect((await c.call('/v1/sessions/current', { method: 'DELETE' })).status).toBe(204);
    const [failed] = await entries('session.login_failed');
    expect(failed).toMatchObject({ object: 'audit_entry', actor: null, subject: ownerId, data: { reason: 'wrong_password' } });
    expect((await entries('session.created'))[0]).toMatchObject({ ...byUser(ownerId), data: { how: 'password' } });
    expect((await entries('session.revoked'))[0]).toMatchObject({ ...byUser(ownerId), data: { reason: 'signed out' } });
  });

  it('invitations, joining, role changes and removals', async () => {
    const agent = await userWithRole(s, owner, 'agent');
    expect((await entries('user.invited'))[0]).toMatchObject({ ...byUser(ownerId), subject: agent.id, data: { email: agent.email, role: 'agent' } });
    expect((await entries('user.invitation_accepted'))[0]).toMatchObject({ actor: agent.id, subject: agent.id });
    expect((await owner.call(`/v1/users/${agent.id}`, { method: 'PATCH', body: { role: 'admin' } })).status).toBe(200);
    expect((await entries('user.role_changed'))[0]).toMatchObject({ ...byUser(ownerId), subject: agent.id, data: { from: 'agent', to: 'admin' } });
    expect((await owner.call(`/v1/users/${agent.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await entries('user.removed'))[0]).toMatchObject({ ...byUser(ownerId), subject: agent.id });
    expect((await entries('session.revoked'))[0]).toMatchObject({
      subject: agent.id,
      data: { reason: 'user removed', sessions: [expect.stringMatching(/^ses_/)] },
    });
  });

  it('API keys created, rotated and revoked, by a session and by a key', async () => {
    const made = await owner.call('/v1/api-keys', { body: { name: 'audit' } });
    expect(made.status).toBe(201);
    expect((await entries('api_key.created'))[0]).toMatchObject({ ...byUser(ownerId), subject: made.body.id });
    const rotated = await s.api(`/v1/api-keys/${made.body.id}/rotate`, { body: {} });
    expect(rotated.status).toBe(201);
    const keyId = (await s.api('/v1/me')).body.api_key.id;
    expect((await entries('api_key.rotated'))[0]).toMatchObject({ actor: keyId, subject: made.body.id, data: { new_key_id: rotated.body.id } });
    expect((await owner.call(`/v1/api-keys/${rotated.body.id}/revoke`, { method: 'POST' })).status).toBe(200);
    expect((await entries('api_key.revoked'))[0]).toMatchObject({ ...byUser(ownerId), subject: rotated.body.id });
  });

  it('provider credentials and the WhatsApp token replaced, payment policies changed (no secret in the entry)', async () => {
    const secret = 'very-secret-value-1';
    const put = await owner.call('/v1/settings/providers/sandbox', {
      method: 'PUT',
      body: { key_id: 'key_id_123', key_secret: secret, webhook_secret: secret },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await entries('provider_credentials.replaced'))[0]).toMatchObject({ ...byUser(ownerId), subject: 'sandbox' });
    expect((await owner.call('/v1/settings/whatsapp', { method: 'PATCH', body: { access_token: secret } })).status).toBe(200);
    expect(await entries('whatsapp_token.replaced')).toHaveLength(1);
    expect((await owner.call('/v1/settings/whatsapp', { method: 'PATCH', body: { throughput_per_second: 40 } })).status).toBe(200);
    expect(await entries('whatsapp_token.replaced')).toHaveLength(1);
    expect((await owner.call('/v1/settings/payments', { method: 'PATCH', body: { review: 'review' } })).status).toBe(200);
    expect((await entries('payment_policy.changed'))[0]).toMatchObject({ ...byUser(ownerId), data: { fields: ['review'] } });
    const all = JSON.stringify((await owner.call('/v1/audit-log?limit=100')).body);
    expect(all).not.toContain(secret);
  });

  it('products created and changed; a refused change and a replayed one add nothing', async () => {
    const headers = { 'idempotency-key': 'audit-product-1' };
    const body = { retailer_id: 'audit-tea', name: 'Audit tea', price: 1000, currency: 'INR' };
    const p = await owner.call('/v1/products', { body, headers });
    expect(p.status).toBe(201);
    expect((await owner.call('/v1/products', { body, headers })).headers.get('idempotent-replayed')).toBe('true');
    expect(await entries('product.created')).toHaveLength(1);
    expect((await entries('product.created'))[0]).toMatchObject({ ...byUser(ownerId), subject: p.body.id });
    expect((await owner.call(`/v1/products/${p.body.id}`, { method: 'PATCH', body: { price: -1 } })).status).toBe(400);
    expect((await owner.call(`/v1/products/prd_00000000000000000000000000`, { method: 'PATCH', body: { price: 5 } })).status).toBe(404);
    expect(await entries('product.updated')).toHaveLength(0);
    expect((await owner.call(`/v1/products/${p.body.id}`, { method: 'PATCH', body: { price: 1200, name: 'Audit tea 2' } })).status).toBe(200);
    expect((await entries('product.updated'))[0]).toMatchObject({ subject: p.body.id, data: { fields: ['name', 'price'] } });
  });

  it('exports downloaded', async () => {
    const r = await fetch(`${s.base}/v1/exports/orders.csv?from=2020-01-01&to=2020-02-01`, { headers: { cookie: `chatcart_session=${owner.cookie}` } });
    expect(r.status).toBe(200);
    await r.text();
    expect((await entries('export.downloaded'))[0]).toMatchObject({
      ...byUser(ownerId),
      subject: 'orders',
      data: { kind: 'orders', from: '2020-01-01', to: '2020-02-01' },
    });
  });

  it('is the owner’s only, paginated newest first, and none of it is in the event log', async () => {
    const admin = await userWithRole(s, owner, 'admin');
    expectError(await admin.client.call('/v1/audit-log'), 403, 'forbidden');
    const first = await owner.call('/v1/audit-log?limit=2');
    expect(first.body).toMatchObject({ object: 'list', has_more: true });
    expect(first.body.data).toHaveLength(2);
    const next = await owner.call(`/v1/audit-log?limit=2&starting_after=${first.body.data[1].id}`);
    expect(next.body.data[0].id < first.body.data[1].id).toBe(true);
    const events = await s.api('/v1/events?limit=100');
    const types = new Set(events.body.data.map((e: any) => e.type));
    for (const t of ['session.created', 'user.invited', 'api_key.created', 'product.created']) expect(types.has(t)).toBe(false);
  });
});
