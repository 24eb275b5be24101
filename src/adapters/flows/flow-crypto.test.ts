import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
// The client half is the sandbox phone's own implementation: these tests hold the two halves to each other.
import { decryptFlowResponse, encryptFlowRequest } from '../../../packages/sandbox/src/phone/flow-client.crypto.ts';
import { decryptFlowRequest, encryptFlowResponse, generateFlowKeyPair, invertIv, parseFlowEnvelope } from './flow-crypto.ts';

let pub: string;
let priv: crypto.KeyObject;
beforeAll(async () => {
  const pair = await generateFlowKeyPair();
  pub = pair.publicKeyPem;
  priv = crypto.createPrivateKey(pair.privateKeyPem);
});

// Meta's reference endpoint (examples/endpoint/nodejs/basic/src/encryption.js), restated
// independently so our code is checked against the algorithm, not against itself.
function metaDecrypt(body: { encrypted_aes_key: string; encrypted_flow_data: string; initial_vector: string }, key: crypto.KeyObject) {
  const aes = crypto.privateDecrypt(
    { key, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
    Buffer.from(body.encrypted_aes_key, 'base64'),
  );
  const data = Buffer.from(body.encrypted_flow_data, 'base64');
  const iv = Buffer.from(body.initial_vector, 'base64');
  const d = crypto.createDecipheriv('aes-128-gcm', aes, iv);
  d.setAuthTag(data.subarray(-16));
  return { json: JSON.parse(Buffer.concat([d.update(data.subarray(0, -16)), d.final()]).toString('utf-8')), aes, iv };
}
function metaEncrypt(response: unknown, aes: Buffer, iv: Buffer): string {
  const flipped: number[] = [];
  for (const [, b] of iv.entries()) flipped.push(~b);
  const c = crypto.createCipheriv('aes-128-gcm', aes, Buffer.from(flipped));
  return Buffer.concat([c.update(JSON.stringify(response), 'utf-8'), c.final(), c.getAuthTag()]).toString('base64');
}

describe('flow crypto', () => {
  it('makes a 2048-bit RSA pair with an SPKI public key', async () => {
    expect(pub.startsWith('-----BEGIN PUBLIC KEY-----')).toBe(true);
    expect(crypto.createPublicKey(pub).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('reads what the client sends and answers what Meta’s reference code reads', () => {
    const payload = { version: '3.0', action: 'ping' };
    const { envelope, aesKey, iv } = encryptFlowRequest(payload, pub);
    expect(metaDecrypt(envelope, priv).json).toEqual(payload);
    const r = decryptFlowRequest(parseFlowEnvelope(JSON.stringify(envelope))!, priv);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.payload).toEqual(payload);
    expect(r.value.aesKey.equals(aesKey)).toBe(true);
    const answer = encryptFlowResponse({ data: { status: 'active' } }, r.value.aesKey, r.value.iv);
    expect(answer).toBe(metaEncrypt({ data: { status: 'active' } }, aesKey, iv));
    expect(decryptFlowResponse(answer, aesKey, iv)).toEqual({ data: { status: 'active' } });
  });

  it('inverts every bit of the IV', () => {
    expect(invertIv(Buffer.from([0x00, 0xff, 0x0f, 0xa5])).toString('hex')).toBe('ff00f05a');
  });

  it('refuses a key wrapped with SHA-1 OAEP (the default elsewhere), a wrong key, tampering and non-JSON', () => {
    const { envelope } = encryptFlowRequest({ action: 'ping' }, pub);
    const sha1 = crypto.publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING }, crypto.randomBytes(16)).toString('base64');
    expect(decryptFlowRequest({ ...envelope, encrypted_aes_key: sha1 }, priv)).toEqual({ ok: false, error: 'key_unwrap_failed' });

    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(decryptFlowRequest(envelope, other.privateKey)).toEqual({ ok: false, error: 'key_unwrap_failed' });

    const data = Buffer.from(envelope.encrypted_flow_data, 'base64');
    for (const at of [0, data.length - 1]) {
      const bad = Buffer.from(data);
      bad[at]! ^= 0x01;
      expect(decryptFlowRequest({ ...envelope, encrypted_flow_data: bad.toString('base64') }, priv)).toEqual({ ok: false, error: 'authentication_failed' });
    }

    const notJson = encryptFlowRequest(null, pub, { plaintext: Buffer.from('{"action": ping') }).envelope;
    expect(decryptFlowRequest(notJson, priv)).toEqual({ ok: false, error: 'not_json' });

    const aes24 = crypto
      .publicEncrypt({ key: pub, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, crypto.randomBytes(24))
      .toString('base64');
    expect(decryptFlowRequest({ ...envelope, encrypted_aes_key: aes24 }, priv)).toEqual({ ok: false, error: 'bad_key_length' });
    expect(decryptFlowRequest({ ...envelope, initial_vector: crypto.randomBytes(12).toString('base64') }, priv)).toEqual({ ok: false, error: 'bad_iv' });
    expect(decryptFlowRequest({ ...envelope, initial_vector: 'not base64!' }, priv)).toEqual({ ok: false, error: 'malformed_envelope' });
  });

  it('parses only an object with the three string fields', () => {
    expect(parseFlowEnvelope('not json')).toBeUndefined();
    expect(parseFlowEnvelope('[]')).toBeUndefined();
    expect(parseFlowEnvelope(JSON.stringify({ encrypted_flow_data: 'a', encrypted_aes_key: 'b' }))).toBeUndefined();
    expect(parseFlowEnvelope(JSON.stringify({ encrypted_flow_data: 'a', encrypted_aes_key: 'b', initial_vector: 1 }))).toBeUndefined();
  });
});
