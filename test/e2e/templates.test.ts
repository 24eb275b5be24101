// GET /v1/templates: the merchant's templates as the (sandbox) Graph API lists them, with
// their status, category, body and parameter count; roles; no number is a 409, not a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, otherMerchant } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { demoOwner, userWithRole } from '../support/users.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('GET /v1/templates', () => {
  it("lists the WABA's templates from WhatsApp, approved ones with their parameters", async () => {
    const r = await s.api('/v1/templates');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const byName = (n: string, l = 'en_US') => r.body.data.find((t: any) => t.name === n && t.language === l);
    expect(byName('hello_world')).toEqual({
      object: 'template',
      name: 'hello_world',
      language: 'en_US',
      status: 'approved',
      category: 'utility',
      body: 'Hello World',
      body_parameters: 0,
      reason: null,
      updated_at: expect.any(String),
    });
    expect(byName('order_update', 'en_GB')).toMatchObject({ status: 'approved', body_parameters: 2 });
    expect(byName('login_code')).toMatchObject({ category: 'authentication' });
    const names = r.body.data.map((t: any) => `${t.name}:${t.language}`);
    expect(names).toEqual([...names].sort());
    expect((await s.api('/v1/templates?status=approved')).body.data.every((t: any) => t.status === 'approved')).toBe(true);
    expectError(await s.api('/v1/templates?status=%00'), 400, 'validation_error');
  });

  it('agents read them (the composer offers them); a merchant without a number gets 409', async () => {
    const owner = await demoOwner(s);
    const agent = await userWithRole(s, owner, 'agent');
    expect((await agent.client.call('/v1/templates')).status).toBe(200);
    const other = await otherMerchant(s);
    const r = await s.api('/v1/templates', { key: other.key });
    expect([200, 409]).toContain(r.status);
    if (r.status === 409) expectError(r, 409, 'conflict');
  });
});
