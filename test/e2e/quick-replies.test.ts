// Quick replies (saved answers) over HTTP: create, list by shortcut with a prefix and a cursor,
// change, delete; shortcuts normalized and unique per merchant; hostile strings; another
// merchant's are 404; agents read them, owners and admins manage them.
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNo5xx, expectValidation, useServerWithOther, type otherMerchant } from '../support/e2e.ts';
import type { TestServer } from '../support/server.ts';
import { demoOwner, userWithRole, type ConsoleClient } from '../support/users.ts';

let s: TestServer;
let other: Awaited<ReturnType<typeof otherMerchant>>;
const h = useServerWithOther();
let owner: ConsoleClient;
let admin: Awaited<ReturnType<typeof userWithRole>>;
let agent: Awaited<ReturnType<typeof userWithRole>>;

beforeAll(async () => {
  ({ s, other } = h);
  owner = await demoOwner(s);
  admin = await userWithRole(s, owner, 'admin');
  agent = await userWithRole(s, owner, 'agent');
});

describe('quick replies', () => {
  it('create (normalized shortcut), list by shortcut, prefix, cursor, change, delete', async () => {
    const created = await s.api('/v1/quick-replies', {
      body: { shortcut: '/Thanks', text: 'Thank you for your order! 🙏' },
      headers: { 'idempotency-key': 'qr-1' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ object: 'quick_reply', shortcut: 'thanks', text: 'Thank you for your order! 🙏' });
    expect(created.body.id).toMatch(/^qrp_/);
    // The same key again is the same answer, not a second row (nor a 409).
    const again = await s.api('/v1/quick-replies', {
      body: { shortcut: '/Thanks', text: 'Thank you for your order! 🙏' },
      headers: { 'idempotency-key': 'qr-1' },
    });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(created.body.id);
    // Unique per merchant, compared normalized.
    expectError(await s.api('/v1/quick-replies', { body: { shortcut: 'THANKS', text: 'x' } }), 409, 'conflict');
    for (const sc of ['hours', 'hours-weekend', 'delivery', 'track_order'])
      expect((await s.api('/v1/quick-replies', { body: { shortcut: sc, text: `About ${sc}` } })).status).toBe(201);

    const all = (await s.api('/v1/quick-replies')).body;
    expect(all.data.map((q: any) => q.shortcut)).toEqual(['delivery', 'hours', 'hours-weekend', 'thanks', 'track_order']);
    expect((await s.api('/v1/quick-replies?prefix=/HO')).body.data.map((q: any) => q.shortcut)).toEqual(['hours', 'hours-weekend']);
    const p1 = (await s.api('/v1/quick-replies?limit=2')).body;
    expect(p1).toMatchObject({ has_more: true });
    const p2 = (await s.api(`/v1/quick-replies?limit=2&starting_after=${p1.data[1].shortcut}`)).body;
    expect(p2.data.map((q: any) => q.shortcut)).toEqual(['hours-weekend', 'thanks']);

    const changed = await s.api(`/v1/quick-replies/${created.body.id}`, { method: 'PATCH', body: { shortcut: 'ty', text: 'Thanks!' } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ shortcut: 'ty', text: 'Thanks!' });
    expectError(await s.api(`/v1/quick-replies/${created.body.id}`, { method: 'PATCH', body: { shortcut: 'hours' } }), 409, 'conflict');
    // Its own shortcut again is no conflict.
    expect((await s.api(`/v1/quick-replies/${created.body.id}`, { method: 'PATCH', body: { shortcut: 'TY' } })).status).toBe(200);

    const del = await s.api(`/v1/quick-replies/${created.body.id}`, { method: 'DELETE' });
    expect(del.body).toEqual({ id: created.body.id, object: 'quick_reply', deleted: true });
    expectError(await s.api(`/v1/quick-replies/${created.body.id}`, { method: 'DELETE' }), 404, 'not_found');
    expectError(await s.api(`/v1/quick-replies/${created.body.id}`, { method: 'PATCH', body: { text: 'x' } }), 404, 'not_found');
  });

  it('hostile and invalid input is a 400, never a 500; text is kept exactly', async () => {
    expectValidation(await s.api('/v1/quick-replies', { body: { shortcut: 'a b', text: 'x' } }), 'shortcut');
    expectValidation(await s.api('/v1/quick-replies', { body: { shortcut: "x'; drop table quick_replies; --", text: 'x' } }), 'shortcut');
    expectValidation(await s.api('/v1/quick-replies', { body: { shortcut: '%', text: 'x' } }), 'shortcut');
    expectValidation(await s.api('/v1/quick-replies', { body: { shortcut: '/', text: 'x' } }), 'shortcut');
    expectValidation(await s.api('/v1/quick-replies', { body: { shortcut: 'x'.repeat(33), text: 'x' } }), 'shortcut');
    expectValidation(await s.api('/v1/quick-replies', { body: { shortcut: 'ok', text: '   ' } }), 'text');
    expectValidation(await s.api('/v1/quick-replies', { body: { shortcut: 'ok', text: 'x'.repeat(4097) } }), 'text');
    expectValidation(await s.api('/v1/quick-replies', { body: { shortcut: 'ok', text: 'a\u0000b' } }), 'text');
    expectError(await s.api('/v1/quick-replies', { body: { shortcut: 'ok', text: 'x', extra: 1 } }), 400, 'validation_error');
    expect((await s.api('/v1/quick-replies?prefix=%25_')).body.data).toEqual([]);
    const weird = '<script>alert(1)</script> ‮RTL 🧪 %_\\ \'"';
    const r = await s.api('/v1/quick-replies', { body: { shortcut: 'weird', text: weird } });
    expect(r.status).toBe(201);
    expect(r.body.text).toBe(weird);
    expect((await s.api('/v1/quick-replies?prefix=we')).body.data[0].text).toBe(weird);
    expectError(await s.api('/v1/quick-replies/not-an-id', { method: 'PATCH', body: { text: 'x' } }), 400, 'validation_error');
    await expectNo5xx(s);
  });

  it("another merchant's quick replies are not found, and never listed", async () => {
    const theirs = await s.api('/v1/quick-replies', { body: { shortcut: 'theirs', text: 'Theirs' }, key: other.key });
    expect(theirs.status).toBe(201);
    expect((await s.api('/v1/quick-replies', { body: { shortcut: 'theirs', text: 'Mine' } })).status).toBe(201);
    expectError(await s.api(`/v1/quick-replies/${theirs.body.id}`, { method: 'PATCH', body: { text: 'x' } }), 404, 'not_found');
    expectError(await s.api(`/v1/quick-replies/${theirs.body.id}`, { method: 'DELETE' }), 404, 'not_found');
    expect((await s.api('/v1/quick-replies?limit=500')).body.data.map((q: any) => q.id)).not.toContain(theirs.body.id);
  });

  it('agents read them; owners and admins manage them', async () => {
    const list = await agent.client.call('/v1/quick-replies');
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThan(0);
    expectError(await agent.client.call('/v1/quick-replies', { body: { shortcut: 'agent', text: 'x' } }), 403, 'forbidden');
    const id = list.body.data[0].id;
    expectError(await agent.client.call(`/v1/quick-replies/${id}`, { method: 'PATCH', body: { text: 'x' } }), 403, 'forbidden');
    expectError(await agent.client.call(`/v1/quick-replies/${id}`, { method: 'DELETE' }), 403, 'forbidden');
    const made = await admin.client.call('/v1/quick-replies', { body: { shortcut: 'by-admin', text: 'From an admin' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.created_by).toBe(admin.id);
    expect((await owner.call(`/v1/quick-replies/${made.body.id}`, { method: 'DELETE' })).status).toBe(200);
  });
});
