// The authorization hook on its own: default deny for a route the table does not name,
// the route's permission by role, body fields with a permission of their own, HEAD as GET.
import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../domain/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { authorizationHooks } from './users.authorize.ts';

async function appAs(principal: Principal) {
  const app = Fastify();
  const hooks = authorizationHooks({} as AppContext);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    req.principal = { ...principal, id: principal.kind === 'api_key' ? 'key_1' : 'usr_1' };
  });
  app.addHook('onRequest', hooks.onRequest);
  app.addHook('preHandler', hooks.preHandler);
  const ok = async () => ({ ok: true });
  app.get('/v1/not-in-the-table', ok);
  app.get('/v1/orders', ok);
  app.post('/v1/users', ok);
  app.patch('/v1/settings/whatsapp', ok);
  app.get('/v1/audit-log', ok);
  await app.ready();
  return app;
}

const owner: Principal = { kind: 'user', role: 'owner' };
const admin: Principal = { kind: 'user', role: 'admin' };
const agent: Principal = { kind: 'user', role: 'agent' };
const key: Principal = { kind: 'api_key', role: 'owner' };

describe('authorizationHooks', () => {
  it('refuses a route the table does not name, whoever asks (default deny)', async () => {
    for (const p of [owner, key]) {
      const r = await (await appAs(p)).inject({ url: '/v1/not-in-the-table' });
      expect(r.statusCode).toBe(403);
      expect(r.json().error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/No role rule covers GET \/v1\/not-in-the-table/) });
    }
  });

  it("answers by the route's permission: 403 names it", async () => {
    expect((await (await appAs(agent)).inject({ url: '/v1/orders' })).statusCode).toBe(200);
    expect((await (await appAs(agent)).inject({ method: 'HEAD', url: '/v1/orders' })).statusCode).toBe(200);
    const refused = await (await appAs(admin)).inject({ url: '/v1/audit-log' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.details).toEqual({ permission: 'audit' });
    expect((await (await appAs(key)).inject({ url: '/v1/audit-log' })).statusCode).toBe(200);
    expect((await (await appAs(key)).inject({ method: 'POST', url: '/v1/users', payload: {} })).statusCode).toBe(403);
    expect((await (await appAs(owner)).inject({ method: 'POST', url: '/v1/users', payload: {} })).statusCode).toBe(200);
  });

  it('a body field with a permission of its own: the WhatsApp access token is the owner’s', async () => {
    const a = await appAs(admin);
    expect((await a.inject({ method: 'PATCH', url: '/v1/settings/whatsapp', payload: { throughput_per_second: 5 } })).statusCode).toBe(200);
    const r = await a.inject({ method: 'PATCH', url: '/v1/settings/whatsapp', payload: { access_token: 'EAAG…' } });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.details).toEqual({ permission: 'credentials' });
    expect((await (await appAs(owner)).inject({ method: 'PATCH', url: '/v1/settings/whatsapp', payload: { access_token: 'EAAG…' } })).statusCode).toBe(200);
  });
});
