// POST /v1/uploads (multipart) and image/document messages: a file known by its bytes, stored
// in the database, served to WhatsApp at an unguessable link with safe headers (only PNG and
// JPEG inline), sent with POST /v1/messages {image|document: {upload_id}}; hostile files,
// sizes, roles and another merchant's upload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/adapters/clock/clock.ts';
import { expectError, expectNo5xx, otherMerchant } from '../support/e2e.ts';
import { runUntilIdle } from '../support/pay.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { demoOwner, userWithRole } from '../support/users.ts';

let s: TestServer;
let pnid: string;
const clock = new ManualClock(new Date());
const wa = `9194${String(process.pid % 1000).padStart(3, '0')}54321`;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function upload(bytes: Buffer, type: string, name: string, o: { key?: string; field?: string } = {}) {
  const form = new FormData();
  form.append(o.field ?? 'file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${s.base}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${o.key ?? s.demoKey}` }, body: form });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}

async function drain() {
  for (let i = 0; i < 3; i++) {
    await runUntilIdle(s, 100);
    clock.advance(2_000);
  }
}

beforeAll(async () => {
  s = await startTestServer({ clock });
  pnid = (await s.api('/v1/settings/whatsapp')).body.phone_number_id;
  const r = await fetch(`${s.base}/sandbox/customers/${wa}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: pnid, type: 'text', text: { body: 'Can you send the invoice?' } }),
  });
  expect(r.status).toBe(201);
  await drain();
});
afterAll(async () => {
  await s?.close();
});

const linkOf = (m: any) => (m.content?.image ?? m.content?.document)?.link as string;

describe('uploads', () => {
  it('an image and a document, known by their bytes; sent by upload_id; WhatsApp fetches them with safe headers', async () => {
    const img = await upload(PNG, 'application/octet-stream', '../../etc/photo.png');
    expect(img.status, JSON.stringify(img.body)).toBe(201);
    expect(img.body).toMatchObject({ object: 'upload', kind: 'image', mime_type: 'image/png', size: PNG.length, filename: null });
    expect(img.body.upload_id).toBe(img.body.id);
    expect(img.body.id).toMatch(/^upl_/);
    const doc = await upload(PDF, 'application/pdf', 'C:\\Users\\me\\Invoice <42>.pdf');
    expect(doc.status, JSON.stringify(doc.body)).toBe(201);
    expect(doc.body).toMatchObject({ kind: 'document', mime_type: 'application/pdf', filename: 'Invoice 42.pdf' });

    const sentImg = await s.api('/v1/messages', {
      body: { customer: { wa_id: wa }, type: 'image', image: { upload_id: img.body.id, caption: 'Your order 📦' } },
    });
    expect(sentImg.status, JSON.stringify(sentImg.body)).toBe(201);
    const sentDoc = await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'document', document: { upload_id: doc.body.id } } });
    expect(sentDoc.status, JSON.stringify(sentDoc.body)).toBe(201);
    await drain();
    const msgs = (await s.api(`/v1/messages?wa_id=${wa}`)).body.data;
    const i = msgs.find((m: any) => m.id === sentImg.body.id);
    const d = msgs.find((m: any) => m.id === sentDoc.body.id);
    expect(i.status).not.toBe('failed');
    expect(d.content.document.filename).toBe('Invoice 42.pdf');
    // The link names a token, never a file name.
    expect(linkOf(i)).toMatch(/\/media\/[A-Za-z0-9_-]{43}$/);

    const pic = await fetch(`${s.base}${new URL(linkOf(i)).pathname}`);
    expect(pic.status).toBe(200);
    expect(pic.headers.get('content-type')).toBe('image/png');
    expect(pic.headers.get('x-content-type-options')).toBe('nosniff');
    expect(pic.headers.get('content-security-policy')).toContain('sandbox');
    expect(pic.headers.get('content-disposition')).toBeNull();
    expect(Buffer.from(await pic.arrayBuffer()).equals(PNG)).toBe(true);
    const pdf = await fetch(`${s.base}${new URL(linkOf(d)).pathname}`);
    expect(pdf.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(pdf.headers.get('content-disposition')).not.toContain('Invoice');
    expect((await fetch(`${s.base}/media/${'a'.repeat(43)}`)).status).toBe(404);
    expect((await fetch(`${s.base}/media/..%2F..%2Fetc`)).status).toBe(400);
  });

  it('refuses what is not an image or document, too big, empty, or not multipart (4xx, never 500)', async () => {
    expectError(await upload(Buffer.from('<html><script>alert(1)</script></html>'), 'image/png', 'x.png'), 415, 'unsupported_media_type');
    expectError(await upload(Buffer.from('MZ\x90\x00'), 'application/pdf', 'x.pdf'), 415, 'unsupported_media_type');
    expectError(await upload(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]), 'image/png', 'big.png'), 413, 'payload_too_large');
    expectError(await upload(Buffer.alloc(0), 'image/png', 'empty.png'), 400, 'validation_error');
    expectError(await upload(PNG, 'image/png', 'x.png', { field: 'other' }), 400, 'validation_error');
    expectError(await s.api('/v1/uploads', { body: { file: 'x' } }), 415, 'unsupported_media_type');
    const broken = await fetch(`${s.base}/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.demoKey}`, 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz\r\nContent-Disposition: form-data; name="file"\r\n\r\nno end',
    });
    expect(broken.status).toBe(400);
    await expectNo5xx(s);
  });

  it('messages: a kind mismatch is 400, another merchant’s upload 404, both or neither source 400', async () => {
    const img = await upload(PNG, 'image/png', 'p.png');
    expectError(
      await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'document', document: { upload_id: img.body.id } } }),
      400,
      'validation_error',
    );
    const other = await otherMerchant(s);
    const theirs = await upload(PNG, 'image/png', 'p.png', { key: other.key });
    expect(theirs.status).toBe(201);
    expectError(await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'image', image: { upload_id: theirs.body.id } } }), 404, 'not_found');
    expectError(
      await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'image', image: { upload_id: img.body.id, url: 'https://example.com/a.png' } } }),
      400,
      'validation_error',
    );
    expectError(await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'image', image: {} } }), 400, 'validation_error');
    expectError(
      await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'image', image: { url: 'javascript:alert(1)' } } }),
      400,
      'validation_error',
    );
    const byUrl = await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'image', image: { url: 'https://example.com/a.png' } } });
    expect(byUrl.status, JSON.stringify(byUrl.body)).toBe(201);
  });

  it('outside the 24-hour window an image is 422 window_closed; agents may upload', async () => {
    const img = await upload(PNG, 'image/png', 'p.png');
    clock.advance(25 * 3600_000);
    expectError(await s.api('/v1/messages', { body: { customer: { wa_id: wa }, type: 'image', image: { upload_id: img.body.id } } }), 422, 'window_closed');
    const owner = await demoOwner(s);
    const agent = await userWithRole(s, owner, 'agent');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'a.png');
    const res = await fetch(`${s.base}/v1/uploads`, {
      method: 'POST',
      headers: { cookie: `chatcart_session=${agent.client.cookie}`, origin: s.base },
      body: form,
    });
    expect(res.status, await res.clone().text()).toBe(201);
  });
});
