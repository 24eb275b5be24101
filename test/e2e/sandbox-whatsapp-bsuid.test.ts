// The Cloud API double speaks BSUIDs (whatsapp.md §2): every inbound message carries the
// sender's user_id (from_user_id, contacts[].user_id), a username user shares no phone (no
// `from`, no wa_id), a send may name its recipient by BSUID (`recipient`) and is then answered
// with contacts[].user_id, statuses carry recipient_user_id, and what Meta refuses for a BSUID
// (authentication templates, 131062) is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { newCustomer, useWaHarness, type WaHarness } from '../support/wa-sandbox.ts';

let h: WaHarness;
const wa = useWaHarness();
beforeAll(() => {
  ({ h } = wa);
});
let n = 0;
const username = () => `IN.U${process.pid}S${++n}`;

describe('BSUIDs in the WhatsApp double', () => {
  it('a phone user: from and wa_id, plus from_user_id and user_id', async () => {
    const to = newCustomer();
    const wamid = await h.customerSays(to, 'Hello');
    await h.drain();
    const m = h.inbound().find((x) => x.id === wamid);
    expect(m.from).toBe(to);
    expect(m.from_user_id).toMatch(/^IN\.[A-Z0-9]{20}$/);
    const hit = h.receiver.hits.find((x) => JSON.stringify(x.body).includes(wamid))!;
    const contact = hit.body.entry[0].changes[0].value.contacts[0];
    expect(contact).toMatchObject({ wa_id: to, user_id: m.from_user_id });
  });

  it('a username user: no phone anywhere; sent to by recipient; statuses name the BSUID only', async () => {
    const who = username();
    const wamid = await h.customerSays(who, 'Hi from a username');
    await h.drain();
    const m = h.inbound().find((x) => x.id === wamid);
    expect(m.from).toBeUndefined();
    expect(m.from_user_id).toBe(who);
    const hit = h.receiver.hits.find((x) => JSON.stringify(x.body).includes(wamid))!;
    const contact = hit.body.entry[0].changes[0].value.contacts[0];
    expect(contact.wa_id).toBeUndefined();
    expect(contact.user_id).toBe(who);
    expect(contact.profile.username).toMatch(/^user_/);

    const sent = await h.send({ recipient: who, type: 'text', text: { body: 'Hello, username user' } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.contacts).toEqual([{ input: who, user_id: who }]);
    await h.settle(10_000);
    const st = h.statuses().filter((s) => s.id === sent.body.messages[0].id);
    expect(st.map((s) => s.status)).toContain('delivered');
    for (const s of st) {
      expect(s.recipient_user_id).toBe(who);
      expect(s.recipient_id).toBeUndefined();
    }
  });

  it('refuses an unknown BSUID and an authentication template to a BSUID (131062); to wins over recipient', async () => {
    const who = username();
    await h.customerSays(who);
    const unknown = await h.send({ recipient: `IN.NOBODY${process.pid}`, type: 'text', text: { body: 'x' } });
    expect(unknown.body.error.code).toBe(131009);
    const otp = await h.send({
      recipient: who,
      type: 'template',
      template: { name: 'login_code', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '123456' }] }] },
    });
    expect(otp.status).toBe(400);
    expect(otp.body.error.code).toBe(131062);
    const to = newCustomer();
    await h.customerSays(to);
    const both = await h.send({ to, recipient: who, type: 'text', text: { body: 'to wins' } });
    expect(both.status).toBe(200);
    expect(both.body.contacts).toEqual([{ input: to, wa_id: to }]);
  });
});
