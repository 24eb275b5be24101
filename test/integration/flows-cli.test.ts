// `chatcart flows keygen|pubkey` as a person runs it (separate processes, real exit
// codes), on a fresh embedded folder and, with TEST_DATABASE_URL, a fresh PostgreSQL
// schema: the public key on stdout as SPKI PEM, the private key sealed at rest and
// matching it, an existing pair kept unless --rotate.
import crypto from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSecretBox } from '../../src/adapters/secrets/secret-box.ts';
import { getSystemSetting } from '../../src/modules/merchants/merchants.repository.ts';
import { cliTargets, runCli } from '../support/cli.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

const cli = runCli;

const { targets, cleanup: cleanupTargets } = cliTargets('chatcart-flows-cli-');
cleanups.push(cleanupTargets);

describe.each(targets)('chatcart flows on $name', (target) => {
  it('keygen prints an SPKI public key, seals the private key, and keeps a pair unless --rotate', async () => {
    const env = await target.env();
    const m = await cli(['merchants', 'create', '--name', 'Kitchen', '--json'], env);
    expect(m.code, m.stderr).toBe(0);
    const merchantId = JSON.parse(m.stdout).id as string;

    const gen = await cli(['flows', 'keygen', '--merchant', merchantId], env);
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    expect(crypto.createPublicKey(gen.stdout).asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(gen.stderr).toContain('whatsapp_business_encryption');

    const again = await cli(['flows', 'keygen', '--merchant', merchantId], env);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('--rotate');
    const shown = await cli(['flows', 'pubkey', '--merchant', merchantId], env);
    expect(shown.stdout).toBe(gen.stdout);

    const rotated = await cli(['flows', 'keygen', '--merchant', merchantId, '--rotate', '--json'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    const j = JSON.parse(rotated.stdout);
    expect(j.merchant_id).toBe(merchantId);
    expect(j.public_key).not.toBe(gen.stdout);
    expect(j.endpoint_url).toMatch(new RegExp(`/flows/endpoint/${merchantId}$`));

    // At rest: sealed, and the opened private key is the pair of the printed public key.
    const db = await target.open(env);
    try {
      const [row] = await db.query<{ public_key_pem: string; private_key: string }>(
        `select public_key_pem, private_key from flow_keys where merchant_id = $1`,
        [merchantId],
      );
      expect(row!.public_key_pem).toBe(j.public_key);
      expect(row!.private_key).toMatch(/^v1\./);
      const box = createSecretBox(Buffer.from((await getSystemSetting<string>(db, 'sandbox_encryption_key'))!, 'base64'));
      const priv = crypto.createPrivateKey(box.open(row!.private_key));
      const secret = crypto.randomBytes(16);
      const wrapped = crypto.publicEncrypt({ key: j.public_key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, secret);
      expect(crypto.privateDecrypt({ key: priv, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped).equals(secret)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('refuses an unknown merchant and an unknown subcommand with exit 2', async () => {
    const env = await target.env();
    const r = await cli(['flows', 'keygen', '--merchant', 'mer_nope'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('chatcart: no merchant mer_nope\n');
    expect(r.stdout).toBe('');
    const bad = await cli(['flows', 'frobnicate'], env);
    expect(bad.code).toBe(2);
  });
});
