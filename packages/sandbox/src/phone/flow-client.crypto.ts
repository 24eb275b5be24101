// The WhatsApp client's half of the Flows data-endpoint encryption, `data_api_version` 3.0:
// a random AES-128 key and 16-byte IV per request, the key wrapped with the business's RSA
// public key (OAEP with SHA-256 for the hash and MGF1), AES-128-GCM with the 16-byte tag
// appended; the answer comes under the same key and the IV with every bit inverted. The
// endpoint's half is the product's (src/adapters/flows/flow-crypto.ts); tests hold the two
// to each other.
import crypto, { type KeyObject } from 'node:crypto';

const AES_KEY_BYTES = 16;
const IV_BYTES = 16;
const TAG_BYTES = 16;
const CIPHER = 'aes-128-gcm';

/** The request body the client POSTs to the endpoint. */
export interface FlowRequestEnvelope {
  encrypted_flow_data: string;
  encrypted_aes_key: string;
  initial_vector: string;
}

const invertIv = (iv: Buffer): Buffer => Buffer.from(iv.map((b) => b ^ 0xff));

function gcmEncrypt(plain: Buffer, key: Buffer, iv: Buffer): Buffer {
  const cipher = crypto.createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function gcmDecrypt(data: Buffer, key: Buffer, iv: Buffer): Buffer {
  const decipher = crypto.createDecipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
}

/** Encrypts a request as the WhatsApp client does; keep aesKey and iv to read the answer. */
export function encryptFlowRequest(
  payload: unknown,
  publicKey: string | KeyObject,
  opts: { aesKey?: Buffer; iv?: Buffer; plaintext?: Buffer } = {},
): { envelope: FlowRequestEnvelope; aesKey: Buffer; iv: Buffer } {
  const aesKey = opts.aesKey ?? crypto.randomBytes(AES_KEY_BYTES);
  const iv = opts.iv ?? crypto.randomBytes(IV_BYTES);
  const wrapped = crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, aesKey);
  // `plaintext` lets tests send bytes that are not JSON at all.
  const plain = opts.plaintext ?? Buffer.from(JSON.stringify(payload), 'utf8');
  return {
    envelope: {
      encrypted_flow_data: gcmEncrypt(plain, aesKey, iv).toString('base64'),
      encrypted_aes_key: wrapped.toString('base64'),
      initial_vector: iv.toString('base64'),
    },
    aesKey,
    iv,
  };
}

/** Decrypts our response as the client does (throws if it was not made with this key and IV). */
export function decryptFlowResponse(body: string, aesKey: Buffer, iv: Buffer): unknown {
  const data = Buffer.from(body, 'base64');
  if (data.length <= TAG_BYTES) throw new Error('response too short to carry a GCM tag');
  return JSON.parse(gcmDecrypt(data, aesKey, invertIv(iv)).toString('utf8'));
}
