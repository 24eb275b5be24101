// Media a customer sends: an image from the sandbox phone is fetched through the Graph media
// endpoint (GET /{media_id}, then its url with the token), verified against WhatsApp's sha256,
// stored in the database and served to the merchant inline with nosniff and a sandbox CSP;
// an HTML document (or HTML bytes declared as an image) only as an attachment with a generated
// name; a sha256 mismatch → failed, never stored; over the cap → too_large; another merchant
// 404; location and contacts shown as such; on PostgreSQL a second server on the same
// database serves what the first fetched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { openPostgres } from '../../src/platform/store/db.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { otherMerchant } from '../support/e2e.ts';
import { dbKind } from '../support/db.ts';

const DOC_CAP = 200_000;
let s: TestServer;
let pnid: string;
const clock = new ManualClock(new Date());

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');

let n = 0;
const newWa = () => `9197${String(process.pid % 1000).padStart(3, '0')}${String(++n).padStart(5, '0')}`;

/** The customer sends; the webhook and the media job run; the message as the API shows it. */
async function send(type: string, value: unknown, wa = newWa()) {
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type, [type]: value }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  await runUntilIdle(s, 100);
  const list = await s.api(`/v1/messages?wa_id=${wa}`);
  expect(list.status).toBe(200);
  const m = list.body.data.find((x: any) => x.direction === 'inbound');
  expect(m).toBeDefined();
  return m;
}

const get = (path: string, key = s.demoKey) => fetch(`${s.base}${path}`, { headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  s = await startTestServer({ clock, env: { WHATSAPP_MEDIA_MAX_DOCUMENT_BYTES: String(DOC_CAP) } });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
});
afterAll(async () => {
  await s?.close();
});

describe('media a customer sends', () => {
  it('an image is fetched, verified and served inline with nosniff and a sandbox CSP', async () => {
    const m = await send('image', { data: PNG.toString('base64'), caption: 'Is this the one?' });
    expect(m.type).toBe('image');
    expect(m.media).toEqual({
      status: 'stored',
      kind: 'image',
      mime_type: 'image/png',
      size: PNG.length,
      caption: 'Is this the one?',
      note: null,
      url: `/v1/messages/${m.id}/media`,
    });
    const r = await get(m.media.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    expect(r.headers.get('content-disposition')).toBe('inline');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toMatch(/^sandbox\b/);
    expect(Buffer.from(await r.arrayBuffer())).toEqual(PNG);
    // The conversation messages API shows it too.
    const c = await s.api(`/v1/conversations/${m.conversation_id}/messages`);
    expect(c.body.data.find((x: any) => x.id === m.id).media.status).toBe('stored');
    // Without credentials: 401.
    expect((await fetch(`${s.base}${m.media.url}`)).status).toBe(401);
  });

  it('an HTML document is served only as an attachment with a generated name', async () => {
    const m = await send('document', { data: HTML.toString('base64'), mime_type: 'text/html', filename: '../../index.html"; x=".html' });
    expect(m.media).toMatchObject({ status: 'stored', kind: 'document', mime_type: 'text/html', size: HTML.length });
    const r = await get(m.media.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="${m.id}.bin"`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toMatch(/^sandbox\b/);
    expect(Buffer.from(await r.arrayBuffer())).toEqual(HTML);
  });

  it('HTML bytes declared as a JPEG image are not shown inline (the type comes from the bytes)', async () => {
    const m = await send('image', { data: HTML.toString('base64'), mime_type: 'image/jpeg' });
    expect(m.media.status).toBe('stored');
    const r = await get(m.media.url);
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="msg_[A-Za-z0-9_-]+\.bin"$/);
  });

  it("bytes that do not match WhatsApp's sha256 are failed, never stored", async () => {
    const m = await send('image', { data: PNG.toString('base64'), sha256: 'a'.repeat(64) });
    expect(m.media).toMatchObject({ status: 'failed', url: null });
    expect(m.media.note).toMatch(/sha256/);
    const r = await get(`/v1/messages/${m.id}/media`);
    expect(r.status).toBe(404);
    expect((await r.json()).error.code).toBe('not_found');
  });

  it('a file over the cap is too_large and not fetched', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(DOC_CAP + 1, 0x20)]);
    const m = await send('document', { data: big.toString('base64'), filename: 'big.pdf' });
    expect(m.media).toMatchObject({ status: 'too_large', url: null, size: big.length });
    expect((await get(`/v1/messages/${m.id}/media`)).status).toBe(404);
  });

  it('audio is fetched too; location and contacts are shown as such', async () => {
    const a = await send('audio', { data: Buffer.from('OggS\0fake-voice-note').toString('base64'), mime_type: 'audio/ogg' });
    expect(a.media).toMatchObject({ status: 'stored', kind: 'audio', mime_type: 'audio/ogg' });
    expect((await get(a.media.url)).headers.get('content-disposition')).toBe(`attachment; filename="${a.id}.ogg"`);
    const l = await send('location', { latitude: 12.9716, longitude: 77.5946, name: 'Shop', address: 'MG Road' });
    expect(l.type).toBe('location');
    expect(l.location).toEqual({ latitude: 12.9716, longitude: 77.5946, name: 'Shop', address: 'MG Road', url: null });
    expect(l.media).toBeNull();
    const c = await send('contacts', [{ name: { formatted_name: 'Asha Rao' }, phones: [{ phone: '+91 98450 00000', wa_id: '919845000000', type: 'CELL' }] }]);
    expect(c.type).toBe('contacts');
    expect(c.contacts).toEqual([{ name: 'Asha Rao', phones: [{ phone: '+91 98450 00000', wa_id: '919845000000', type: 'CELL' }] }]);
  });

  it("another merchant's media is 404; hostile ids are 400", async () => {
    const m = await send('image', { data: PNG.toString('base64') });
    const other = await otherMerchant(s, 'Media Other');
    const r = await get(m.media.url, other.key);
    expect(r.status).toBe(404);
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', 'msg_%00', `msg_${'x'.repeat(300)}`]) {
      const h = await get(`/v1/messages/${bad}/media`);
      expect(h.status, bad).toBe(400);
    }
  });

  it('a redacted message (retention, erasure) takes its media with it', async () => {
    const m = await send('image', { data: PNG.toString('base64') });
    expect((await get(m.media.url)).status).toBe(200);
    await s.ctx.db.query(`update whatsapp_messages set redacted_at = now() where id = $1`, [m.id]);
    expect((await get(m.media.url)).status).toBe(404);
    expect((await s.ctx.db.query(`select 1 from inbound_media where message_id = $1`, [m.id])).length).toBe(0);
  });

  it("the sandbox Graph media endpoint answers Meta's errors", async () => {
    const token = (await s.api('/v1/settings/whatsapp')).body.sandbox_access_token;
    const unknown = await fetch(`${s.base}/sandbox/graph/v27.0/1999999999999999`, { headers: { authorization: `Bearer ${token}` } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toMatchObject({ code: 100, error_subcode: 33 });
    const noToken = await fetch(`${s.base}/sandbox/graph/whatsapp_business/attachments/?mid=1&ext=1&hash=x`);
    expect(noToken.status).toBe(401);
    expect((await noToken.json()).error.code).toBe(190);
  });
});

describe.skipIf(dbKind !== 'postgres')('two servers on one PostgreSQL', () => {
  it('media fetched through one server is served by the second', async () => {
    const m = await send('image', { data: PNG.toString('base64') });
    expect(m.media.status).toBe('stored');
    const dbB = await openPostgres(s.db.url!, { max: 2 });
    const b = await startTestServer({ clock, db: Object.assign(dbB, { url: s.db.url }) });
    try {
      const r = await fetch(`${b.base}${m.media.url}`, { headers: { authorization: `Bearer ${s.demoKey}` } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await r.arrayBuffer())).toEqual(PNG);
    } finally {
      await b.close();
      await dbB.close();
    }
  });
});
