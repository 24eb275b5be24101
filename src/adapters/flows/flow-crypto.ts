// The WhatsApp Flows data-endpoint encryption, `data_api_version` 3.0 (whatsapp.md §4,
// checked against Meta's examples/endpoint/nodejs/basic/src/encryption.js):
// - the client makes a random AES-128 key and a 16-byte IV, wraps the key with our RSA
//   public key (OAEP, SHA-256 for both the OAEP hash and MGF1: Node's `oaepHash: 'sha256'`),
//   and sends AES-128-GCM(JSON) with the 16-byte tag appended;
// - we answer with the same key, the IV with every bit inverted, and base64(ciphertext ‖ tag).
// This is the server half, for our endpoint. The client half (what the WhatsApp app does) is
// the sandbox phone's own (packages/sandbox/src/phone/flow-client.crypto.ts): two
// implementations of one protocol, which the round-trip tests hold to each other.
import crypto, { type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { err, type Result } from '../../domain/result.ts';

export const FLOW_AES_KEY_BYTES = 16;
export const FLOW_IV_BYTES = 16;
export const FLOW_TAG_BYTES = 16;
const CIPHER = 'aes-128-gcm';

export interface FlowEnvelope {
  encrypted_flow_data: string;
  encrypted_aes_key: string;
  initial_vector: string;
}

export interface DecryptedFlowRequest {
  /** The parsed JSON the client sent. */
  payload: unknown;
  aesKey: Buffer;
  iv: Buffer;
}

/** Why a request could not be decrypted: every one is Meta's HTTP 421. */
export type FlowDecryptFailure = 'malformed_envelope' | 'key_unwrap_failed' | 'bad_key_length' | 'bad_iv' | 'authentication_failed' | 'not_json';

export type FlowDecryptResult = Result<DecryptedFlowRequest, FlowDecryptFailure>;

const generateKeyPairAsync = promisify(crypto.generateKeyPair);

/** A 2048-bit RSA pair: SPKI PEM (`BEGIN PUBLIC KEY`, what Meta takes) and PKCS#8 PEM. */
export async function generateFlowKeyPair(): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  // Async: generating a 2048-bit key takes tens of milliseconds we do not spend on the event loop.
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

// Standard base64 as Meta sends it (padding optional). Buffer.from would silently skip
// stray characters, so the shape is checked first.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decode64(s: unknown): Buffer | undefined {
  if (typeof s !== 'string' || s.length === 0 || !BASE64.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

/** The three base64 fields of a request body, or undefined for anything else. */
export function parseFlowEnvelope(raw: Buffer | string): FlowEnvelope | undefined {
  let body: unknown;
  try {
    body = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const fields = [b['encrypted_flow_data'], b['encrypted_aes_key'], b['initial_vector']];
  if (!fields.every((f) => typeof f === 'string')) return undefined;
  return { encrypted_flow_data: fields[0] as string, encrypted_aes_key: fields[1] as string, initial_vector: fields[2] as string };
}

/**
 * Unwraps the AES key and decrypts the payload. The JSON is parsed only after GCM has
 * authenticated every byte, so nothing tampered with is ever looked at.
 */
export function decryptFlowRequest(env: FlowEnvelope, privateKey: KeyObject): FlowDecryptResult {
  const wrapped = decode64(env.encrypted_aes_key);
  const data = decode64(env.encrypted_flow_data);
  const iv = decode64(env.initial_vector);
  if (!wrapped || !data || !iv) return err('malformed_envelope');
  if (iv.length !== FLOW_IV_BYTES) return err('bad_iv');
  if (data.length <= FLOW_TAG_BYTES) return err('malformed_envelope');
  let aesKey: Buffer;
  try {
    aesKey = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped);
  } catch {
    return err('key_unwrap_failed');
  }
  if (aesKey.length !== FLOW_AES_KEY_BYTES) return err('bad_key_length');
  let plain: Buffer;
  try {
    const decipher = crypto.createDecipheriv(CIPHER, aesKey, iv, { authTagLength: FLOW_TAG_BYTES });
    decipher.setAuthTag(data.subarray(data.length - FLOW_TAG_BYTES));
    plain = Buffer.concat([decipher.update(data.subarray(0, data.length - FLOW_TAG_BYTES)), decipher.final()]);
  } catch {
    return err('authentication_failed');
  }
  try {
    return { ok: true, value: { payload: JSON.parse(plain.toString('utf8')), aesKey, iv } };
  } catch {
    return err('not_json');
  }
}

/** Every bit of the request IV inverted: the response IV. */
export function invertIv(iv: Buffer): Buffer {
  return Buffer.from(iv.map((b) => b ^ 0xff));
}

function gcmEncrypt(plain: Buffer, key: Buffer, iv: Buffer): Buffer {
  const cipher = crypto.createCipheriv(CIPHER, key, iv, { authTagLength: FLOW_TAG_BYTES });
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** The response body: base64(AES-128-GCM(JSON) ‖ tag) under the request's key and the inverted IV. */
export function encryptFlowResponse(body: unknown, aesKey: Buffer, iv: Buffer): string {
  return gcmEncrypt(Buffer.from(JSON.stringify(body), 'utf8'), aesKey, invertIv(iv)).toString('base64');
}
