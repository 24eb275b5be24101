// Our signatures checked by the reference implementation (npm standardwebhooks).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, sign, webhookHeaders } from './signing.ts';

afterEach(() => vi.useRealTimers());

describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ id: 'evt_01', type: 'order.paid', data: { amount: 100, note: 'ünïcødé ✓' } });
  const now = () => Math.floor(Date.now() / 1000);

  it('issues whsec_ secrets of 24 random bytes', () => {
    const s = newWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(24);
    expect(newWebhookSecret()).not.toBe(s);
  });

  it('verifies with the standardwebhooks library', () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders({ id: 'evt_01', timestamp: now(), body, secrets: [secret] });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('evt_01', new Date(now() * 1000), body));
  });

  it('during a rotation carries both signatures, and each secret verifies alone', () => {
    const [next, old] = [newWebhookSecret(), newWebhookSecret()];
    const headers = webhookHeaders({ id: 'evt_02', timestamp: now(), body, secrets: [next, old] });
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(headers['webhook-signature']!.split(' ').every((s) => s.startsWith('v1,'))).toBe(true);
    expect(new Webhook(next).verify(body, headers)).toBeTruthy();
    expect(new Webhook(old).verify(body, headers)).toBeTruthy();
  });

  it('fails for a wrong secret, a changed body or id, and stale or future timestamps', () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders({ id: 'evt_03', timestamp: now(), body, secrets: [secret] });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(body.replace('100', '101'), headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_04' })).toThrow(/No matching signature/);
    const stale = webhookHeaders({ id: 'evt_03', timestamp: now() - 301, body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(body, stale)).toThrow(/too old/);
    const future = webhookHeaders({ id: 'evt_03', timestamp: now() + 301, body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(body, future)).toThrow(/too new/);
  });

  it('signs id.timestamp.body with the base64-decoded key', () => {
    // A fixed vector: key bytes 0..23.
    const secret = `whsec_${Buffer.from(Array.from({ length: 24 }, (_, i) => i)).toString('base64')}`;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(1_700_000_000_000));
    expect(sign(secret, 'msg_1', 1_700_000_000, '{}')).toBe(new Webhook(secret).sign('msg_1', new Date(1_700_000_000_000), '{}'));
    expect(() => webhookHeaders({ id: 'a.b', timestamp: 1, body: '', secrets: [secret] })).toThrow();
  });
});
