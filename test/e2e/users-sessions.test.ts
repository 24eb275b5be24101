// Console sign-in: the session cookie, the same 401 for an unknown email and a wrong
// password, sign-out, rotation at login, idle and absolute expiry on the test clock,
// revocation by a password reset and by removal, the same-origin rule for cookie-made
// changes (sign-in included), and the one-time links (GET changes nothing; used once;
// late is refused).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { issueResetLink } from '../../src/modules/users/index.ts';
import { findUserByEmail } from '../../src/modules/users/index.ts';
import { expectError } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { acceptLink, consoleClient, DEMO_OWNER, demoOwner, PASSWORD, postLinkForm, signIn, userWithRole, type ConsoleClient } from '../support/users.ts';

let s: TestServer;
const clock = new ManualClock(new Date());
let owner: ConsoleClient;

beforeAll(async () => {
  // Throttling has its own test (users-throttle.test.ts): here the owner signs in often.
  s = await startTestServer({ clock, env: { RATE_LIMIT_LOGINS_PER_ACCOUNT: '1000', RATE_LIMIT_LOGINS_PER_ADDRESS: '1000' } });
  owner = await demoOwner(s);
});
// The clock moves by days in some tests: each test starts with a fresh owner session.
beforeEach(async () => {
  if (owner) owner = consoleClient(s, (await signIn(s, DEMO_OWNER, PASSWORD)).cookie!);
});
afterAll(async () => {
  await s?.close();
});

describe('the demo owner and its one-time link', () => {
  it('the first sandbox start made the owner; the link was used once and now answers a page that says so', async () => {
    const me = await owner.call('/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      object: 'me',
      user: { id: expect.stringMatching(/^usr_/), email: DEMO_OWNER, role: 'owner' },
      api_key: null,
      merchant: { id: s.merchantId, name: 'Demo Shop' },
      role: 'owner',
    });
    expect(me.body.permissions).toEqual(expect.arrayContaining(['users.manage', 'api_keys', 'credentials', 'audit']));
    const again = await fetch(s.demo!.consoleLink);
    expect(again.status).toBe(404);
    expect(await again.text()).toMatch(/used already/);
  });

  it('the cookie is HttpOnly, SameSite=Lax, Path=/, and not Secure over http', async () => {
    const r = await signIn(s, DEMO_OWNER, PASSWORD);
    expect(r.status).toBe(201);
    const c = r.headers.getSetCookie().find((x) => x.startsWith('chatcart_session='))!;
    expect(c).toMatch(/; HttpOnly/);
    expect(c).toMatch(/; SameSite=Lax/);
    expect(c).toMatch(/; Path=\//);
    expect(c).not.toMatch(/Secure/);
    expect(r.cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('signing in', () => {
  it('answers 201 with the user, the merchant and the permissions', async () => {
    const r = await signIn(s, ' Owner@Demo.ChatCart.local ', PASSWORD);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      user: { email: DEMO_OWNER, role: 'owner' },
      merchant: { id: s.merchantId },
      session: { id: expect.stringMatching(/^ses_/) },
    });
  });

  it('an unknown email and a wrong password get the same 401', async () => {
    const wrong = await signIn(s, DEMO_OWNER, 'not the password');
    const unknown = await signIn(s, 'nobody@example.com', 'not the password');
    const a = expectError(wrong, 401, 'unauthorized');
    const b = expectError(unknown, 401, 'unauthorized');
    expect(a.message).toBe(b.message);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(wrong.cookie).toBeUndefined();
    expect(unknown.cookie).toBeUndefined();
  });

  it('a user invited but not yet joined cannot sign in (same 401)', async () => {
    const r = await owner.call('/v1/users', { body: { email: 'pending@example.com', role: 'agent' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'invited', invitation: { kind: 'invitation', url: expect.stringContaining('/console/invite/') } });
    expectError(await signIn(s, 'pending@example.com', ''.padEnd(10, 'x')), 401, 'unauthorized');
  });

  it('signing out ends the session: its cookie no longer works', async () => {
    const r = await signIn(s, DEMO_OWNER, PASSWORD);
    const c = consoleClient(s, r.cookie!);
    expect((await c.call('/v1/me')).status).toBe(200);
    const out = await c.call('/v1/sessions/current', { method: 'DELETE' });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/chatcart_session=;.*Max-Age=0/);
    expectError(await c.call('/v1/me'), 401, 'unauthorized');
  });

  it('a login rotates the session: the cookie the browser came with stops working', async () => {
    const first = await signIn(s, DEMO_OWNER, PASSWORD);
    const second = await signIn(s, DEMO_OWNER, PASSWORD, { cookie: first.cookie! });
    expect(second.status).toBe(201);
    expect(second.cookie).not.toBe(first.cookie);
    expectError(await consoleClient(s, first.cookie!).call('/v1/me'), 401, 'unauthorized');
    expect((await consoleClient(s, second.cookie!).call('/v1/me')).status).toBe(200);
  });

  it('an API key and a cookie on one request: the key decides (a key made for the merchant acts as the owner)', async () => {
    const r = await s.api('/v1/me', { headers: { cookie: `chatcart_session=${owner.cookie}` } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ user: null, api_key: { id: expect.stringMatching(/^key_/) }, role: 'owner' });
    expect(r.body.permissions).not.toContain('users.manage');
  });
});

describe('expiry on the clock', () => {
  it('a session unused for 12 hours ends; one in use lives on', async () => {
    const r = await signIn(s, DEMO_OWNER, PASSWORD);
    const c = consoleClient(s, r.cookie!);
    clock.advance(11 * 3600_000);
    expect((await c.call('/v1/me')).status).toBe(200);
    clock.advance(11 * 3600_000);
    expect((await c.call('/v1/me')).status).toBe(200);
    clock.advance(12 * 3600_000 + 1000);
    expectError(await c.call('/v1/me'), 401, 'unauthorized');
  });

  it('a session ends 7 days after login even when used all along', async () => {
    const r = await signIn(s, DEMO_OWNER, PASSWORD);
    const c = consoleClient(s, r.cookie!);
    for (let h = 0; h < 7 * 24 - 6; h += 6) {
      clock.advance(6 * 3600_000);
      expect((await c.call('/v1/me')).status).toBe(200);
    }
    clock.advance(6 * 3600_000);
    expectError(await c.call('/v1/me'), 401, 'unauthorized');
  });
});

describe('the same-origin rule for cookie-made changes', () => {
  it('no Origin or a foreign one: 403, sign-in included; Sec-Fetch-Site: same-origin passes', async () => {
    expectError(await signIn(s, DEMO_OWNER, PASSWORD, { origin: null }), 403, 'forbidden');
    expectError(await signIn(s, DEMO_OWNER, PASSWORD, { origin: 'https://evil.example' }), 403, 'forbidden');
    const body = { retailer_id: 'origin-check', name: 'Origin check', price: 100, currency: 'INR' };
    expectError(await owner.call('/v1/products', { body, origin: null }), 403, 'forbidden');
    expectError(await owner.call('/v1/products', { body, origin: 'https://evil.example' }), 403, 'forbidden');
    expectError(await owner.call('/v1/sessions/current', { method: 'DELETE', origin: 'http://localhost.evil.example' }), 403, 'forbidden');
    const viaFetchMetadata = await owner.call('/v1/products', { body, origin: null, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(viaFetchMetadata.status).toBe(201);
    // Reads need no Origin.
    expect((await owner.call('/v1/products', { origin: null })).status).toBe(200);
  });

  it('requests with an API key are not affected', async () => {
    const r = await s.api('/v1/products', { body: { retailer_id: 'key-no-origin', name: 'Keyed', price: 100, currency: 'INR' } });
    expect(r.status).toBe(201);
  });
});

describe('one-time links', () => {
  it('GET shows a form and changes nothing (twice); the POST uses it; a second POST is refused', async () => {
    const inv = await owner.call('/v1/users', { body: { email: 'twice@example.com', role: 'agent' } });
    const url: string = inv.body.invitation.url;
    for (let i = 0; i < 2; i++) {
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(page.headers.get('cache-control')).toBe('no-store');
      const html = await page.text();
      expect(html).toContain('twice@example.com');
      expect(html).toMatch(/<form method="post">/);
    }
    const cookie = await acceptLink(s, url, PASSWORD);
    expect((await consoleClient(s, cookie).call('/v1/me')).body.user).toMatchObject({ email: 'twice@example.com', role: 'agent' });
    const again = await postLinkForm(s, url, 'another password');
    expect(again.status).toBe(404);
    expect(await again.text()).toMatch(/used already/);
    expect((await signIn(s, 'twice@example.com', 'another password')).status).toBe(401);
    expect((await signIn(s, 'twice@example.com', PASSWORD)).status).toBe(201);
  });

  it('the form refuses a post from another origin, a short password and two different ones, without using the link', async () => {
    const inv = await owner.call('/v1/users', { body: { email: 'careful@example.com', role: 'agent' } });
    const url: string = inv.body.invitation.url;
    expect((await postLinkForm(s, url, PASSWORD, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await postLinkForm(s, url, PASSWORD, { origin: null })).status).toBe(403);
    expect((await postLinkForm(s, url, 'short')).status).toBe(400);
    const differ = await postLinkForm(s, url, PASSWORD, { confirm: `${PASSWORD}!` });
    expect(differ.status).toBe(400);
    expect(await differ.text()).toMatch(/differ/);
    await acceptLink(s, url, PASSWORD);
  });

  it('an invitation is refused after 72 hours', async () => {
    const inv = await owner.call('/v1/users', { body: { email: 'late@example.com', role: 'agent' } });
    const url: string = inv.body.invitation.url;
    expect(new Date(inv.body.invitation.expires_at).getTime() - clock.now().getTime()).toBe(72 * 3600_000);
    clock.advance(72 * 3600_000 + 1000);
    expect((await fetch(url)).status).toBe(404);
    expect((await postLinkForm(s, url, PASSWORD)).status).toBe(404);
  });

  it('a reset link (1 h) sets a new password and ends every session of the user; a late one is refused', async () => {
    const agent = await userWithRole(s, owner, 'agent');
    const other = consoleClient(s, (await signIn(s, agent.email, PASSWORD)).cookie!);
    const user = (await findUserByEmail(s.ctx.db, agent.email))!;
    const late = await s.ctx.db.transaction((tx) => issueResetLink(s.ctx, tx, { source: 'cli', id: 'test' }, user));
    expect(late.url).toContain('/console/reset/');
    clock.advance(3600_000 + 1000);
    expect((await postLinkForm(s, late.url, 'a brand new password')).status).toBe(404);
    const link = await s.ctx.db.transaction((tx) => issueResetLink(s.ctx, tx, { source: 'cli', id: 'test' }, user));
    // Not a reset link's path for an invitation and the other way round.
    expect((await fetch(link.url.replace('/reset/', '/invite/'))).status).toBe(404);
    const fresh = await acceptLink(s, link.url, 'a brand new password');
    expectError(await agent.client.call('/v1/me'), 401, 'unauthorized');
    expectError(await other.call('/v1/me'), 401, 'unauthorized');
    expect((await consoleClient(s, fresh).call('/v1/me')).status).toBe(200);
    expect((await signIn(s, agent.email, PASSWORD)).status).toBe(401);
    expect((await signIn(s, agent.email, 'a brand new password')).status).toBe(201);
  });
});

describe('managing users', () => {
  it('the owner makes a new link for a user who lost theirs: a fresh invitation, or a reset that ends the sessions', async () => {
    const inv = await owner.call('/v1/users', { body: { email: 'lost@example.com', role: 'agent' } });
    const again = await owner.call(`/v1/users/${inv.body.id}/link`, { method: 'POST' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ kind: 'invitation', url: expect.stringContaining('/console/invite/'), user: { id: inv.body.id, status: 'invited' } });
    expect((await fetch(inv.body.invitation.url)).status).toBe(404); // the older link stopped working
    const cookie = await acceptLink(s, again.body.url, PASSWORD);
    const reset = await owner.call(`/v1/users/${inv.body.id}/link`, { method: 'POST' });
    expect(reset.body).toMatchObject({ kind: 'reset', url: expect.stringContaining('/console/reset/') });
    expect(new Date(reset.body.expires_at).getTime() - clock.now().getTime()).toBe(3600_000);
    await acceptLink(s, reset.body.url, 'the new password!');
    expectError(await consoleClient(s, cookie).call('/v1/me'), 401, 'unauthorized');
    expectError(await owner.call('/v1/users/usr_00000000000000000000000000/link', { method: 'POST' }), 404, 'not_found');
    expectError(await s.api(`/v1/users/${inv.body.id}/link`, { method: 'POST' }), 403, 'forbidden');
  });

  it('removing a user ends its sessions; its email can be invited again', async () => {
    const agent = await userWithRole(s, owner, 'agent');
    expect((await agent.client.call('/v1/orders')).status).toBe(200);
    const del = await owner.call(`/v1/users/${agent.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expectError(await agent.client.call('/v1/orders'), 401, 'unauthorized');
    expect((await owner.call('/v1/users', { body: { email: agent.email, role: 'agent' } })).status).toBe(201);
  });

  it('a replayed invitation (same Idempotency-Key) answers the user without the link: the link is kept only hashed', async () => {
    const headers = { 'idempotency-key': 'invite-once' };
    const first = await owner.call('/v1/users', { body: { email: 'replay@example.com', role: 'agent' }, headers });
    expect(first.status).toBe(201);
    expect(first.body.invitation.url).toMatch(/\/console\/invite\//);
    const again = await owner.call('/v1/users', { body: { email: 'replay@example.com', role: 'agent' }, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toMatchObject({ id: first.body.id, invitation: { kind: 'invitation', url: null } });
    const token = first.body.invitation.url.split('/').pop();
    const stored = await s.ctx.db.query<{ n: number }>(`select count(*)::int as n from idempotency_keys where response_body::text like $1`, [`%${token}%`]);
    expect(stored[0]!.n).toBe(0);
  });

  it('emails are unique across the installation, whatever their case', async () => {
    const r = await owner.call('/v1/users', { body: { email: 'OWNER@demo.chatcart.local', role: 'agent' } });
    expectError(r, 409, 'conflict');
  });

  it('the last owner can be neither demoted nor removed; with a second owner both work', async () => {
    const me = (await owner.call('/v1/me')).body.user.id;
    expectError(await owner.call(`/v1/users/${me}`, { method: 'PATCH', body: { role: 'admin' } }), 409, 'conflict');
    expectError(await owner.call(`/v1/users/${me}`, { method: 'DELETE' }), 409, 'conflict');
    const second = await userWithRole(s, owner, 'owner');
    const demoted = await second.client.call(`/v1/users/${me}`, { method: 'PATCH', body: { role: 'admin' } });
    expect(demoted.status).toBe(200);
    expect(demoted.body.role).toBe('admin');
    // The change takes effect at once: the former owner's session now acts as an admin.
    expectError(await owner.call('/v1/users'), 403, 'forbidden');
    expectError(await second.client.call(`/v1/users/${second.id}`, { method: 'DELETE' }), 409, 'conflict');
    expect((await second.client.call(`/v1/users/${me}`, { method: 'PATCH', body: { role: 'owner' } })).status).toBe(200);
    expect((await owner.call('/v1/users')).status).toBe(200);
    expect((await owner.call(`/v1/users/${second.id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('API keys never manage users (they may list them)', async () => {
    expectError(await s.api('/v1/users', { body: { email: 'bykey@example.com', role: 'agent' } }), 403, 'forbidden');
    const list = await s.api('/v1/users');
    expect(list.status).toBe(200);
    expect(list.body.data.map((u: any) => u.email)).toContain(DEMO_OWNER);
    expect(list.body.data[0]).not.toHaveProperty('password_hash');
  });

  it("another merchant's key sees none of this merchant's users", async () => {
    const agent = await userWithRole(s, owner, 'agent');
    const { otherMerchant } = await import('../support/e2e.ts');
    const other = await otherMerchant(s, 'Users Other');
    expect((await s.api(`/v1/users/${agent.id}`, { method: 'PATCH', body: { name: 'x' }, key: other.key })).status).toBe(403);
    const list = await s.api('/v1/users', { key: other.key });
    expect(list.body.data).toEqual([]);
  });
});

describe('agents bill catalog-priced items only', () => {
  it('an order of catalog items is made; amounts of its own are 403 forbidden', async () => {
    const agent = await userWithRole(s, owner, 'agent');
    const base = { customer: { wa_id: '919876543210', name: 'Asha' }, currency: 'INR', payment: { method: 'payment_link', provider: 'sandbox' } };
    const ok = await agent.client.call('/v1/orders', { body: { ...base, items: [{ retailer_id: 'masala-chai', quantity: 1 }] } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    for (const extra of [
      { items: [{ name: 'Gift wrap', amount: 5000, quantity: 1 }] },
      { items: [{ retailer_id: 'masala-chai', sale_amount: 100, quantity: 1 }] },
      { items: [{ retailer_id: 'masala-chai', quantity: 1 }], discount: { amount: 100 } },
      { items: [{ retailer_id: 'masala-chai', quantity: 1 }], shipping: { amount: 100 } },
    ]) {
      const e = expectError(await agent.client.call('/v1/orders', { body: { ...base, ...extra } }), 403, 'forbidden');
      expect(e.details.permission).toBe('orders.price');
    }
    const admin = await userWithRole(s, owner, 'admin');
    const adHoc = await admin.client.call('/v1/orders', { body: { ...base, items: [{ name: 'Gift wrap', amount: 5000, quantity: 1 }] } });
    expect(adHoc.status).toBe(201);
  });

  it('the WhatsApp access token is an owner-only field; an admin may change the rest', async () => {
    const admin = await userWithRole(s, owner, 'admin');
    expect((await admin.client.call('/v1/settings/whatsapp', { method: 'PATCH', body: { throughput_per_second: 50 } })).status).toBe(200);
    const e = expectError(await admin.client.call('/v1/settings/whatsapp', { method: 'PATCH', body: { access_token: 'EAAG-a-new-token' } }), 403, 'forbidden');
    expect(e.details.permission).toBe('credentials');
  });
});

describe('changes made from a session carry the user as actor', () => {
  it("the order's events name usr_…", async () => {
    const r = await owner.call('/v1/orders', {
      body: {
        customer: { wa_id: '919876543210' },
        currency: 'INR',
        items: [{ retailer_id: 'masala-chai', quantity: 1 }],
        payment: { method: 'payment_link', provider: 'sandbox' },
      },
    });
    expect(r.status).toBe(201);
    const ev = await owner.call(`/v1/orders/${r.body.id}/events`);
    expect(ev.body.data[0].actor).toMatch(/^usr_/);
  });
});
