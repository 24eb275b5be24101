// The WhatsApp client's side of the Flows data endpoint, for tests: requests encrypted
// with Node's crypto exactly as the app does (random AES-128 key and 16-byte IV, the key
// wrapped with RSA-OAEP-SHA256, AES-128-GCM with the tag appended), signed with the app
// secret, and our answers decrypted with the same key and the inverted IV. Also a check
// of each answered screen against flows/*.flow.json, so code and Flow JSON cannot drift.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'vitest';
import type { FlowEnvelope } from '../../src/adapters/flows/flow-crypto.ts';
import { encryptFlowRequest } from '../../packages/sandbox/src/phone/flow-client.crypto.ts';
import { whatsappAppSecret } from '../../src/modules/whatsapp/whatsapp.numbers.ts';
import type { ManualClock } from '../../src/adapters/clock/clock.ts';
import { runUntilIdle } from './pay.ts';
import { startTestServer, type TestServer } from './server.ts';

export interface FlowReply {
  status: number;
  contentType: string | null;
  text: string;
  /** The decrypted JSON (for 200 and 427 answers). */
  json?: any;
}

export interface SendOptions {
  /** Encrypt with this public key instead of the merchant's. */
  publicKey?: string;
  /** 'none' sends no X-Hub-Signature-256; 'wrong' signs with another secret. */
  signature?: 'good' | 'none' | 'wrong';
  /** Change the encrypted envelope after signing would be too late: this runs before. */
  tamper?: (e: FlowEnvelope) => FlowEnvelope;
  /** Raw bytes to encrypt instead of JSON.stringify(payload). */
  plaintext?: Buffer;
  /** Send this body as is (no encryption). */
  rawBody?: string;
  merchantId?: string;
}

export async function flowClient(s: TestServer, merchantId: string, publicKey: string) {
  const secret = await whatsappAppSecret(s.ctx, s.ctx.db);
  const sign = (body: string, key = secret) => `sha256=${crypto.createHmac('sha256', key).update(body).digest('hex')}`;
  async function send(payload: unknown, o: SendOptions = {}): Promise<FlowReply> {
    const enc = encryptFlowRequest(payload, o.publicKey ?? publicKey, o.plaintext ? { plaintext: o.plaintext } : {});
    const envelope = o.tamper ? o.tamper(enc.envelope) : enc.envelope;
    const body = o.rawBody ?? JSON.stringify(envelope);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (o.signature !== 'none') headers['x-hub-signature-256'] = o.signature === 'wrong' ? sign(body, 'not-the-app-secret') : sign(body);
    const res = await fetch(`${s.base}/flows/endpoint/${o.merchantId ?? merchantId}`, { method: 'POST', headers, body });
    const text = await res.text();
    const out: FlowReply = { status: res.status, contentType: res.headers.get('content-type'), text };
    if (res.status === 200 || res.status === 427) out.json = decrypt(text, enc.aesKey, enc.iv);
    return out;
  }
  return {
    send,
    /** INIT / BACK / data_exchange with a token; expects 200 and returns the decrypted answer. */
    async step(token: string, action: 'INIT' | 'BACK' | 'data_exchange', screen?: string, data: Record<string, unknown> = {}): Promise<any> {
      const r = await send({ version: '3.0', action, flow_token: token, ...(screen ? { screen } : {}), data });
      expect(r.status, r.text).toBe(200);
      expect(r.contentType).toMatch(/^text\/plain/);
      return r.json;
    },
  };
}

/** Decrypts an answer as the client does: same key, every IV bit inverted, tag at the end. */
export function decrypt(b64: string, key: Buffer, iv: Buffer): unknown {
  const data = Buffer.from(b64, 'base64');
  const d = crypto.createDecipheriv('aes-128-gcm', key, Buffer.from(iv.map((b) => ~b & 0xff)));
  d.setAuthTag(data.subarray(-16));
  return JSON.parse(Buffer.concat([d.update(data.subarray(0, -16)), d.final()]).toString('utf8'));
}

type Decl = { type: string };
const flowJson = (file: string) => JSON.parse(fs.readFileSync(new URL(`../../flows/${file}`, import.meta.url), 'utf8'));

/** Asserts an answered screen exists in the Flow JSON and its data matches the declared model. */
export function expectMatchesFlowJson(file: string, answer: { screen: string; data: Record<string, unknown> }, from?: string): void {
  const flow = flowJson(file);
  const screen = flow.screens.find((x: any) => x.id === answer.screen);
  expect(screen, `screen ${answer.screen} in ${file}`).toBeTruthy();
  if (from && from !== answer.screen) expect(flow.routing_model[from], `routing ${from} → ${answer.screen}`).toContain(answer.screen);
  const declared = screen.data as Record<string, Decl>;
  const { error_message, ...data } = answer.data;
  if (error_message !== undefined) expect(typeof error_message).toBe('string');
  expect(Object.keys(data).sort()).toEqual(Object.keys(declared).sort());
  for (const [k, d] of Object.entries(declared)) {
    const v = data[k];
    if (d.type === 'array') expect(Array.isArray(v), k).toBe(true);
    else expect(typeof v, k).toBe(d.type);
  }
}

/**
 * The set-up the flow e2e tests share (order-food, book-appointment): a sandbox server on a
 * manual clock, the merchant's Flows keys and an encrypting client, and the customer's first
 * message, so the 24-hour window is open for the flow message and the bill. `prepare` runs
 * before that message (catalog or booking settings). Call start() in beforeAll.
 */
export function flowHarness(o: { file: string; flow: string; clock: ManualClock; customer: string }) {
  const h = {
    s: undefined as unknown as TestServer,
    client: undefined as unknown as FlowClient,
    async start(hello: string, prepare: (s: TestServer) => Promise<void> = async () => {}): Promise<{ s: TestServer; client: FlowClient }> {
      const s = (h.s = await startTestServer({ clock: o.clock }));
      const keys = await s.api('/v1/flows/keys', { body: {} });
      h.client = await flowClient(s, s.merchantId, keys.body.public_key);
      await prepare(s);
      const { phone_number_id } = (await s.api('/v1/settings/whatsapp')).body;
      const hi = await fetch(`${s.base}/sandbox/customers/${o.customer}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone_number_id, type: 'text', text: { body: hello } }),
      });
      expect(hi.status, await hi.text()).toBe(201);
      await h.drain();
      return { s, client: h.client };
    },
    /** POST /v1/flows/send for this flow; expects 201 and returns the token. */
    async newToken(wa = o.customer): Promise<string> {
      const r = await h.s.api('/v1/flows/send', { body: { wa_id: wa, flow: o.flow } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.flow_token;
    },
    /** One step, checked against the Flow JSON (screen, routing from `from`, data model). */
    async step(token: string, action: 'INIT' | 'BACK' | 'data_exchange', screen?: string, data: Record<string, unknown> = {}): Promise<any> {
      const a = await h.client.step(token, action, screen, data);
      if (a.screen !== 'SUCCESS') expectMatchesFlowJson(o.file, a, action === 'data_exchange' ? screen : undefined);
      return a;
    },
    /** Runs the jobs, moving the clock past the retry backoffs. */
    async drain(): Promise<void> {
      for (let i = 0; i < 4; i++) {
        await runUntilIdle(h.s, 100);
        o.clock.advance(3_000);
      }
    },
  };
  return h;
}

export type FlowClient = Awaited<ReturnType<typeof flowClient>>;
