// Sign-in throttling, counted before any password is hashed: per account (whatever the
// client address) and per client address (whatever the account). Behind one proxy
// (TRUST_PROXY=1) the address is the one the proxy appends to X-Forwarded-For.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { DEMO_OWNER, demoOwner, PASSWORD, signIn, userWithRole } from '../support/users.ts';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ env: { TRUST_PROXY: '1', RATE_LIMIT_LOGINS_PER_ACCOUNT: '3', RATE_LIMIT_LOGINS_PER_ADDRESS: '5' } });
});
afterAll(async () => {
  await s?.close();
});

describe('sign-in throttling', () => {
  it('per account: the 4th attempt in a row is 429 even with the right password, from any address', async () => {
    const owner = await demoOwner(s);
    const agent = await userWithRole(s, owner, 'agent');
    for (let i = 0; i < 3; i++) expectError(await signIn(s, agent.email, 'wrong password', { forwardedFor: `10.0.0.${i + 1}` }), 401, 'unauthorized');
    const r = await signIn(s, agent.email, PASSWORD, { forwardedFor: '10.0.0.9' });
    expectError(r, 429, 'rate_limited');
    expect(r.body.error.message).toMatch(/account/);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account is not affected.
    expect((await signIn(s, DEMO_OWNER, PASSWORD, { forwardedFor: '10.0.1.1' })).status).toBe(201);
  });

  it('per account also for an email nobody has (no way to tell them apart)', async () => {
    for (let i = 0; i < 3; i++) expectError(await signIn(s, 'ghost@example.com', 'wrong password', { forwardedFor: `10.0.2.${i + 1}` }), 401, 'unauthorized');
    expectError(await signIn(s, 'ghost@example.com', 'wrong password', { forwardedFor: '10.0.2.9' }), 429, 'rate_limited');
  });

  it('per address: the 6th attempt from one address is 429, whichever accounts it tries', async () => {
    for (let i = 0; i < 5; i++) expectError(await signIn(s, `someone${i}@example.com`, 'wrong password', { forwardedFor: '192.0.2.7' }), 401, 'unauthorized');
    const r = await signIn(s, DEMO_OWNER, PASSWORD, { forwardedFor: '192.0.2.7' });
    expectError(r, 429, 'rate_limited');
    expect(r.body.error.message).toMatch(/address/);
    // The owner signs in from elsewhere.
    expect((await signIn(s, DEMO_OWNER, PASSWORD, { forwardedFor: '192.0.2.8' })).status).toBe(201);
  });
});
