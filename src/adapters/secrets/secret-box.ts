// Secrets at rest: AES-256-GCM, one fresh 96-bit IV per value, and the key id in
// the output (`v1.<kid>.<iv>.<ciphertext+tag>`), so old values stay readable after
// CHATCART_ENCRYPTION_KEY rotates (keep the old key in CHATCART_ENCRYPTION_KEYS_PREVIOUS)
// and `chatcart keys reencrypt` can move them to the new key.
import crypto from 'node:crypto';
import type { SecretBox } from '../../platform/ports.ts';

export function keyId(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function createSecretBox(current: Buffer, previous: Buffer[] = []): SecretBox {
  if (current.length !== 32) throw new Error('encryption key must be 32 bytes');
  const keys = new Map<string, Buffer>();
  for (const k of [current, ...previous]) keys.set(keyId(k), k);
  const currentKeyId = keyId(current);
  return {
    currentKeyId,
    seal(plaintext) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(currentKeyId));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${currentKeyId}.${iv.toString('base64url')}.${ct.toString('base64url')}`;
    },
    open(sealed) {
      const [v, kid, ivB64, ctB64] = sealed.split('.');
      if (v !== 'v1' || !kid || !ivB64 || !ctB64) throw new Error('not a sealed secret');
      const key = keys.get(kid);
      if (!key) throw new Error(`no encryption key with id ${kid} is configured`);
      const buf = Buffer.from(ctB64, 'base64url');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(ivB64, 'base64url'));
      decipher.setAAD(Buffer.from(kid));
      decipher.setAuthTag(buf.subarray(buf.length - 16));
      return Buffer.concat([decipher.update(buf.subarray(0, buf.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}

export function sealedKeyId(sealed: string): string | undefined {
  return sealed.split('.')[1];
}
