import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { idempotencyOf, responseSerializer } from './openapi.ts';

const schema = z.object({ id: z.string(), amount: z.number().int(), note: z.string().nullable().optional() });
const serialize = (strict: boolean) => responseSerializer(strict)({ schema, method: 'GET', url: '/v1/things/:id', httpStatus: '200' });

describe('response serializer', () => {
  it('strict: an answer that matches its schema goes out as it is', () => {
    expect(serialize(true)({ id: 'thg_1', amount: 5, note: null })).toBe('{"id":"thg_1","amount":5,"note":null}');
    expect(serialize(true)({ id: 'thg_1', amount: 5 })).toBe('{"id":"thg_1","amount":5}');
  });

  it('strict: a wrong type, a missing field or a field the schema does not declare is drift', () => {
    expect(() => serialize(true)({ id: 'thg_1', amount: '5' })).toThrow(/GET \/v1\/things\/:id \(200\).*amount/s);
    expect(() => serialize(true)({ id: 'thg_1' })).toThrow(/amount/);
    expect(() => serialize(true)({ id: 'thg_1', amount: 5, secret: 'x' })).toThrow(/drops or changes a field/);
  });

  it('lenient (production): the presenter’s object as JSON, drift or not, nothing dropped', () => {
    expect(serialize(false)({ id: 'thg_1', amount: '5', secret: 'x' })).toBe('{"id":"thg_1","amount":"5","secret":"x"}');
  });
});

describe('Idempotency-Key of a route', () => {
  it('is taken by changes behind authentication, required where the route config says so, never by reads or public routes', () => {
    expect(idempotencyOf({ method: 'POST', url: '/v1/orders' }, true)).toBe('optional');
    expect(idempotencyOf({ method: 'PATCH', url: '/v1/products/:id' }, true)).toBe('optional');
    expect(idempotencyOf({ method: 'POST', url: '/v1/orders/:id/refunds', config: { idempotencyKey: 'required' } }, true)).toBe('required');
    expect(idempotencyOf({ method: 'DELETE', url: '/v1/sessions/current', config: { idempotencyKey: 'none' } }, true)).toBe('none');
    expect(idempotencyOf({ method: 'GET', url: '/v1/orders' }, true)).toBe('none');
    expect(idempotencyOf({ method: 'POST', url: '/v1/sessions' }, false)).toBe('none');
  });
});
