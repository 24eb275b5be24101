// Our webhook verifier against the official SDK as the oracle:
// Razorpay.validateWebhookSignature(body, signature, secret).
import fc from 'fast-check';
import Razorpay from 'razorpay';
import { describe, expect, it } from 'vitest';
import { createRazorpayAdapter } from './razorpay.adapter.ts';
import { signRazorpayBody, verifyRazorpaySignature } from './razorpay.signature.ts';

const oracle = (body: string, sig: string, secret: string) => Razorpay.validateWebhookSignature(body, sig, secret);
const ours = (body: string, sig: string, secret: string) => verifyRazorpaySignature(Buffer.from(body, 'utf8'), sig, [secret]) === 'ok';
const body = JSON.stringify({
  entity: 'event',
  event: 'payment.captured',
  payload: { payment: { entity: { id: 'pay_X', amount: 100, description: 'chai/ "masala" ₹' } } },
  created_at: 1,
});

describe('razorpay webhook signature', () => {
  it('agrees with the SDK on valid signatures', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ minLength: 1, maxLength: 64 }), (b, secret) => {
        const sig = signRazorpayBody(b, secret);
        expect(oracle(b, sig, secret)).toBe(true);
        expect(ours(b, sig, secret)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with the SDK on invalid ones: other secret, changed body, changed or odd signature', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.nat(63),
        (b, secret, other, i) => {
          const sig = signRazorpayBody(b, secret);
          const flipped = sig.slice(0, i) + (sig[i] === '0' ? '1' : '0') + sig.slice(i + 1);
          const variants: [string, string, string][] = [
            [b, sig, other],
            [`${b} `, sig, secret],
            [b, flipped, secret],
            [b, sig.slice(0, i), secret],
            [b, sig.toUpperCase(), secret],
            [b, `sha256=${sig}`, secret],
            [b, '', secret],
          ];
          for (const [bb, ss, kk] of variants) expect(ours(bb, ss, kk), `${ss}`).toBe(oracle(bb, ss, kk));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a re-serialised body (the raw bytes are what is signed)', () => {
    const wire = body.replace(/\//g, '\\/');
    const sig = signRazorpayBody(wire, 'whsec_test_1');
    expect(ours(wire, sig, 'whsec_test_1')).toBe(true);
    const again = JSON.stringify(JSON.parse(wire));
    expect(again).not.toBe(wire);
    expect(ours(again, sig, 'whsec_test_1')).toBe(oracle(again, sig, 'whsec_test_1'));
    expect(ours(again, sig, 'whsec_test_1')).toBe(false);
  });

  it('tries every secret (rotation) and tells missing and malformed from mismatch', () => {
    const raw = Buffer.from(body);
    const sig = signRazorpayBody(raw, 'old-secret-1');
    expect(verifyRazorpaySignature(raw, sig, ['new-secret-2', 'old-secret-1'])).toBe('ok');
    expect(verifyRazorpaySignature(raw, sig, ['new-secret-2'])).toBe('mismatch');
    expect(verifyRazorpaySignature(raw, sig, [])).toBe('mismatch');
    expect(verifyRazorpaySignature(raw, undefined, ['old-secret-1'])).toBe('missing');
    expect(verifyRazorpaySignature(raw, '  ', ['old-secret-1'])).toBe('missing');
    expect(verifyRazorpaySignature(raw, sig.slice(1), ['old-secret-1'])).toBe('malformed');
    expect(verifyRazorpaySignature(raw, 'zz'.repeat(32), ['old-secret-1'])).toBe('malformed');
  });

  it('the adapter answers 400 for a missing or malformed header, 401 for a mismatch, and parses a good one', () => {
    const a = createRazorpayAdapter({ baseUrl: 'http://127.0.0.1:9' });
    const raw = Buffer.from(body);
    const sig = signRazorpayBody(raw, 'secret-one');
    const now = new Date();
    expect(a.verifyWebhook(raw, {}, ['secret-one'], now)).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    expect(a.verifyWebhook(raw, { 'x-razorpay-signature': 'abc' }, ['secret-one'], now)).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    expect(a.verifyWebhook(raw, { 'x-razorpay-signature': sig }, ['secret-two'], now)).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    const ok = a.verifyWebhook(raw, { 'x-razorpay-signature': sig, 'x-razorpay-event-id': 'evt_abc' }, ['secret-two', 'secret-one'], now);
    expect(ok).toMatchObject({ ok: true, value: [{ eventId: 'evt_abc', kind: 'payment.captured', providerPaymentId: 'pay_X' }] });
    // Without the event id header the body's hash is the dedupe key: stable for the same bytes.
    const a1 = a.verifyWebhook(raw, { 'x-razorpay-signature': sig }, ['secret-one'], now);
    const a2 = a.verifyWebhook(raw, { 'x-razorpay-signature': sig }, ['secret-one'], now);
    expect(a1.ok && a2.ok && a1.value[0]!.eventId === a2.value[0]!.eventId && a1.value[0]!.eventId.startsWith('body_sha256_')).toBe(true);
    const notJson = Buffer.from('not json');
    expect(a.verifyWebhook(notJson, { 'x-razorpay-signature': signRazorpayBody(notJson, 'secret-one') }, ['secret-one'], now)).toMatchObject({
      ok: false,
      error: { kind: 'malformed' },
    });
  });
});
