// `chatcart keys reencrypt`: after CHATCART_ENCRYPTION_KEY rotates, every sealed column
// (SEALED_COLUMNS) is moved to the new key, reads the same afterwards, and the old key
// can be dropped. A value under a key nobody configured stops the run with a clear error.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, keyId, sealedKeyId } from '../../src/adapters/secrets/secret-box.ts';
import { onboardMerchant } from '../../src/composition/onboarding.ts';
import { openProviderAccount, setProviderAccount } from '../../src/modules/payments/payments.provider-accounts.ts';
import { reencryptSecrets } from '../../src/modules/merchants/merchants.secrets-reencrypt.ts';
import { storeFlowKeys } from '../../src/modules/flows/flows.keys.ts';
import { createEndpoint } from '../../src/modules/events/webhooks.endpoints.ts';
import { updateWhatsAppSettings } from '../../src/modules/whatsapp/whatsapp.settings.ts';
import { countSealedByKey, SEALED_COLUMNS } from '../../src/modules/merchants/sealed-secrets.repository.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { testContext, type TestContext } from '../support/context.ts';
import { runCli } from '../support/cli.ts';

const oldKey = crypto.randomBytes(32);
const newKey = crypto.randomBytes(32);
let db: TestDb;
let before: TestContext;
let merchantId: string;
const flowPem = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

beforeAll(async () => {
  db = await openTestDb();
  before = { ...testContext(db, { mode: 'live' }), secrets: createSecretBox(oldKey), webhookAllowPrivate: true };
  await db.transaction(async (tx) => {
    const { merchant } = await onboardMerchant(before, tx, 'Reencrypt Shop');
    merchantId = merchant.id;
    await setProviderAccount(before, tx, merchantId, 'razorpay', { credentials: { key_id: 'rzp_test_x', key_secret: 'sek' }, webhookSecret: 'whsec_a' });
    const wa = await updateWhatsAppSettings(before, tx, merchantId, { phone_number_id: '1098765432', access_token: 'EAAG-token' });
    expect(wa.ok).toBe(true);
    const ep = await createEndpoint(before, tx, { source: 'cli', id: 'test' }, merchantId, { url: 'http://127.0.0.1:9/crm' });
    expect(ep.ok).toBe(true);
    const fk = await storeFlowKeys(before, tx, merchantId, { publicKeyPem: 'pem', privateKeyPem: flowPem }, { rotate: false });
    expect(fk.ok).toBe(true);
  });
}, 60_000);
afterAll(() => db?.close());

describe('keys reencrypt', () => {
  it('finds a sealed value in every listed column', async () => {
    for (const col of SEALED_COLUMNS) {
      expect(await countSealedByKey(db, col), `${col.table}.${col.column}`).toEqual({ [keyId(oldKey)]: 1 });
    }
  });

  it('refuses to run without the old key, naming it, and changes nothing', async () => {
    const ctx = { ...before, secrets: createSecretBox(newKey) };
    const r = await reencryptSecrets(ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(keyId(oldKey));
    for (const col of SEALED_COLUMNS) expect(await countSealedByKey(db, col)).toEqual({ [keyId(oldKey)]: 1 });
  });

  it('a dry run counts and changes nothing', async () => {
    const ctx = { ...before, secrets: createSecretBox(newKey, [oldKey]) };
    const r = await reencryptSecrets(ctx, { dryRun: true });
    expect(r.ok && r.value.total).toBe(0);
    for (const col of SEALED_COLUMNS) expect(await countSealedByKey(db, col)).toEqual({ [keyId(oldKey)]: 1 });
  });

  it('moves every value to the new key; they read the same with the new key alone; a second run does nothing', async () => {
    const ctx = { ...before, secrets: createSecretBox(newKey, [oldKey]) };
    const r = await reencryptSecrets(ctx);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.total).toBe(SEALED_COLUMNS.length);
    for (const col of SEALED_COLUMNS) expect(await countSealedByKey(db, col)).toEqual({ [keyId(newKey)]: 1 });

    const onlyNew = { ...before, secrets: createSecretBox(newKey) };
    const acct = await openProviderAccount(onlyNew, db, merchantId, 'razorpay');
    expect(acct?.credentials).toMatchObject({ key_id: 'rzp_test_x', key_secret: 'sek' });
    expect(acct?.webhookSecrets).toEqual(['whsec_a']);
    const [wa] = await db.query<{ access_token: string }>(`select access_token from whatsapp_numbers where merchant_id = $1`, [merchantId]);
    expect(sealedKeyId(wa!.access_token)).toBe(keyId(newKey));
    expect(onlyNew.secrets.open(wa!.access_token)).toBe('EAAG-token');
    const [fk] = await db.query<{ private_key: string }>(`select private_key from flow_keys where merchant_id = $1`, [merchantId]);
    expect(onlyNew.secrets.open(fk!.private_key)).toBe(flowPem);

    const again = await reencryptSecrets(ctx);
    expect(again.ok && again.value.total).toBe(0);
  });
});

// On an embedded folder: runs once, in the embedded run.
describe.skipIf(process.env.TEST_DATABASE_URL)('chatcart keys reencrypt (the command)', () => {
  it('runs on a fresh embedded database and reports every sealed column', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-reencrypt-'));
    try {
      const r = await runCli(['keys', 'reencrypt', '--json'], { CHATCART_DATA_DIR: dir });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { total: number; columns: { table: string; column: string }[] };
      expect(out.total).toBe(0);
      expect(out.columns.map((c) => `${c.table}.${c.column}`)).toEqual(SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
