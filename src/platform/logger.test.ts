import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const log = createLogger('info', { write: (s: string) => void lines.push(s) });
  return { log, records: () => lines.map((l) => JSON.parse(l) as Record<string, any>), raw: () => lines.join('') };
}

const SECRETS = ['Bearer cc_test_abcdefghijklmnop', 'cc_live_supersecretkey', 'EAAGsecretaccesstoken', '919876543210'];

describe('createLogger redaction', () => {
  it('redacts the authorization header of a request', () => {
    const c = capture();
    c.log.info({ req: { method: 'GET', url: '/v1/orders', headers: { authorization: SECRETS[0], 'user-agent': 'curl' } } }, 'request');
    const [r] = c.records();
    expect(r!.req.headers.authorization).toBe('[redacted]');
    expect(r!.req.headers['user-agent']).toBe('curl');
    expect(r!.req.url).toBe('/v1/orders');
    expect(c.raw()).not.toContain('cc_test_abcdefghijklmnop');
  });

  it("redacts the console's session cookie", () => {
    const c = capture();
    c.log.info({ req: { method: 'GET', url: '/v1/me', headers: { cookie: 'chatcart_session=sessiontokenvalue' } } }, 'request');
    expect(c.records()[0]!.req.headers.cookie).toBe('[redacted]');
    expect(c.raw()).not.toContain('sessiontokenvalue');
  });

  it('redacts api keys, access tokens and wa_ids one level down', () => {
    const c = capture();
    c.log.info(
      {
        merchant: { id: 'mer_1', api_key: SECRETS[1] },
        whatsapp: { access_token: SECRETS[2], phone_number_id: '123' },
        customer: { wa_id: SECRETS[3], name: 'Asha' },
        headers: { authorization: SECRETS[0] },
      },
      'nested',
    );
    const [r] = c.records();
    expect(r!.merchant).toEqual({ id: 'mer_1', api_key: '[redacted]' });
    expect(r!.whatsapp).toEqual({ access_token: '[redacted]', phone_number_id: '123' });
    expect(r!.customer).toEqual({ wa_id: '[redacted]', name: 'Asha' });
    expect(r!.headers.authorization).toBe('[redacted]');
    for (const s of SECRETS) expect(c.raw()).not.toContain(s);
  });

  it('redacts the same names at the top level of a log object', () => {
    const c = capture();
    c.log.info({ authorization: SECRETS[0], api_key: SECRETS[1], access_token: SECRETS[2], wa_id: SECRETS[3], order: 'ord_1' }, 'top level');
    const [r] = c.records();
    expect(r).toMatchObject({
      authorization: '[redacted]',
      api_key: '[redacted]',
      access_token: '[redacted]',
      wa_id: '[redacted]',
      order: 'ord_1',
      msg: 'top level',
    });
    for (const s of SECRETS) expect(c.raw()).not.toContain(s);
  });

  it('redacts phone numbers in message payloads (to, from, customer_wa_id)', () => {
    const c = capture();
    c.log.warn({ message: { to: SECRETS[3], from: '15550001111', type: 'text' }, order: { customer_wa_id: SECRETS[3] } }, 'send');
    const [r] = c.records();
    expect(r!.message).toEqual({ to: '[redacted]', from: '[redacted]', type: 'text' });
    expect(r!.order.customer_wa_id).toBe('[redacted]');
    expect(c.raw()).not.toContain(SECRETS[3]);
  });

  it('respects the level and tags the service', () => {
    const c = capture();
    c.log.debug({ api_key: 'x' }, 'hidden');
    c.log.error('shown');
    const recs = c.records();
    expect(recs.map((r) => r.msg)).toEqual(['shown']);
    expect(recs[0]!.svc).toBe('chatcart');
  });
});
