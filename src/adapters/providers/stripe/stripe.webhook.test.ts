import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { signatureHeaderWellFormed, verifyStripeWebhook } from './stripe.webhook.ts';

const now = new Date('2030-01-01T00:00:00Z');
const t = Math.floor(now.getTime() / 1000);
const SECRET = 'whsec_unit_secret_1';
const event = {
  id: 'evt_1',
  object: 'event',
  type: 'payment_intent.succeeded',
  created: t,
  data: {
    object: {
      id: 'pi_1',
      object: 'payment_intent',
      amount: 500,
      amount_received: 500,
      currency: 'usd',
      status: 'succeeded',
      metadata: { chatcart_reference_id: 'ref-1' },
    },
  },
};
const payload = JSON.stringify(event, null, 2);
const sign = (body: string, secret = SECRET, timestamp = t) => Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
const verify = (body: string, sig: string | undefined, secrets = [SECRET]) =>
  verifyStripeWebhook(Buffer.from(body), sig === undefined ? {} : { 'stripe-signature': sig }, secrets, now);

describe('verifyStripeWebhook', () => {
  it('accepts the SDK helper’s signature and normalizes the event', () => {
    expect(verify(payload, sign(payload))).toEqual({
      ok: true,
      value: [
        {
          eventId: 'evt_1',
          providerType: 'payment_intent.succeeded',
          kind: 'payment.captured',
          occurredAt: now,
          providerPaymentId: 'pi_1',
          referenceId: 'ref-1',
          amount: 500,
          currency: 'USD',
          reason: undefined,
        },
      ],
    });
  });

  it.each([
    ['a wrong secret', () => verify(payload, sign(payload, 'whsec_other')), 'signature does not match'],
    ['a stale timestamp (301 s)', () => verify(payload, sign(payload, SECRET, t - 301)), 'signature timestamp outside the tolerance'],
    ['a truncated body', () => verify(payload.slice(0, -2), sign(payload)), 'signature does not match'],
    ['a re-serialized body', () => verify(JSON.stringify(event), sign(payload)), 'signature does not match'],
    ['no secrets at all', () => verify(payload, sign(payload), []), 'signature does not match'],
  ])('refuses %s with 401', (_label, run, reason) => {
    expect(run()).toEqual({ ok: false, error: { kind: 'unauthorized', reason } });
  });

  it('300 s old is still inside the tolerance', () => {
    expect(verify(payload, sign(payload, SECRET, t - 300)).ok).toBe(true);
  });

  it.each([undefined, '', 'garbage', `t=${t}`, `v1=${'a'.repeat(64)}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${t},v1=xyz`, `t=${t},v0=${'a'.repeat(64)}`])(
    'a missing or malformed header (%j) is 400',
    (h) => {
      expect(verify(payload, h)).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    },
  );

  it('any of the secrets passes (rotation), and any v1 in the header', () => {
    expect(verify(payload, sign(payload, 'whsec_old'), ['whsec_new', 'whsec_old']).ok).toBe(true);
    const v1 = sign(payload, 'whsec_new').split(',')[1];
    expect(verify(payload, `${sign(payload, 'whsec_unrelated')},${v1}`, ['whsec_new']).ok).toBe(true);
  });

  it('a correctly signed body that is not a Stripe event is 400', () => {
    expect(verify('not json', sign('not json'))).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    const noType = JSON.stringify({ id: 'evt_2', data: { object: {} } });
    expect(verify(noType, sign(noType))).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it('an array header (duplicate headers) uses the first value', () => {
    expect(verifyStripeWebhook(Buffer.from(payload), { 'stripe-signature': [sign(payload), 'junk'] }, [SECRET], now).ok).toBe(true);
  });
});

describe('signatureHeaderWellFormed', () => {
  it('wants a numeric t and a 64-hex v1', () => {
    expect(signatureHeaderWellFormed(`t=${t},v1=${'ab'.repeat(32)},v0=zz`)).toBe(true);
    expect(signatureHeaderWellFormed(` t=${t}, v1=${'ab'.repeat(32)}`)).toBe(false);
    expect(signatureHeaderWellFormed(`t=${t},v1=${'ab'.repeat(31)}`)).toBe(false);
  });
});
