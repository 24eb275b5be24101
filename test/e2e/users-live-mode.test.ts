// One database, first used in sandbox mode, then started live: the demo merchant's users
// can neither sign in nor keep a session nor use a one-time link (the demo merchant is
// inert in live mode); a user of a real merchant signs in, and the cookie is Secure when
// the public URL is https.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, findUserByEmail, hashPassword, issueResetLink } from '../../src/modules/users/index.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { expectError, otherMerchant } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { consoleClient, DEMO_OWNER, demoOwner, PASSWORD, signIn } from '../support/users.ts';

const LIVE_ENV = {
  CHATCART_MODE: 'live',
  WHATSAPP_APP_SECRET: 'live-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'live-verify-token',
  CHATCART_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
};

let db: TestDb;
let live: TestServer;
let demoCookie: string;
let resetUrl: string;

beforeAll(async () => {
  db = await openTestDb();
  const sandbox = await startTestServer({ db });
  try {
    demoCookie = (await demoOwner(sandbox)).cookie;
    const other = await otherMerchant(sandbox, 'Real shop');
    const hash = await hashPassword(PASSWORD);
    const made = await db.transaction((tx) =>
      createUser(sandbox.ctx, tx, { source: 'cli', id: 'test' }, other.merchantId, { email: 'real@example.com', role: 'owner' }, hash),
    );
    expect(made.ok).toBe(true);
    const owner = (await findUserByEmail(db, DEMO_OWNER))!;
    resetUrl = (await db.transaction((tx) => issueResetLink(sandbox.ctx, tx, { source: 'cli', id: 'test' }, owner))).path;
  } finally {
    await sandbox.close();
  }
  live = await startTestServer({ db, env: { ...LIVE_ENV, PUBLIC_URL: 'https://shop.example.com' } });
});
afterAll(async () => {
  await live?.close();
  await db?.close();
});

describe('console users in live mode', () => {
  it("the demo merchant's owner cannot sign in, its session is dead, its link does not work", async () => {
    const r = await signIn(live, DEMO_OWNER, PASSWORD, { origin: 'https://shop.example.com' });
    expectError(r, 401, 'unauthorized');
    expect(r.cookie).toBeUndefined();
    expectError(await consoleClient(live, demoCookie).call('/v1/me'), 401, 'unauthorized');
    expect((await fetch(live.base + resetUrl)).status).toBe(403);
  });

  it("a real merchant's user signs in; the cookie is Secure behind https", async () => {
    const r = await signIn(live, 'real@example.com', PASSWORD, { origin: 'https://shop.example.com' });
    expect(r.status).toBe(201);
    expect(r.headers.getSetCookie().find((c) => c.startsWith('chatcart_session='))).toMatch(/; Secure/);
    expect((await consoleClient(live, r.cookie!).call('/v1/me')).body.user.email).toBe('real@example.com');
  });
});
