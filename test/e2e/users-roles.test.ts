// The role table, from the table itself: every /v1 route the product registers has a rule
// (default deny), and every route answers each principal — an owner, an admin and an agent
// signed in to the console, and an API key — 403 forbidden exactly when the rule's
// permission is not theirs. A request that passes authorization may still fail validation
// (400) or find nothing (404): here only 403 versus not 403 matters. Probe bodies carry an
// unknown field, so an allowed change is refused by validation and nothing is changed.
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRoutes } from '../../src/composition/routes.ts';
import { allows, type Principal } from '../../src/domain/roles.ts';
import { PUBLIC_ROUTES, ROUTE_RULES } from '../../src/modules/users/index.ts';
import { createMetrics } from '../../src/platform/http/metrics.ts';
import type { App } from '../../src/platform/http/app.ts';
import type { AppContext } from '../../src/platform/context.ts';
import { expectError } from '../support/e2e.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { consoleClient, DEMO_OWNER, demoOwner, PASSWORD, signIn, userWithRole, type ConsoleClient } from '../support/users.ts';

/** Every route under /v1 as fastify registers it (`METHOD /v1/path/:param`), HEAD aside. */
async function registeredV1Routes(ctx: AppContext): Promise<string[]> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const routes: string[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) if (r.url.startsWith('/v1/') && m !== 'HEAD') routes.push(`${m} ${r.url}`);
  });
  await registerRoutes(app as unknown as App, { ctx, authHook: async () => {}, metrics: createMetrics(ctx) });
  await app.ready();
  await app.close();
  return routes;
}

let s: TestServer;
let routes: string[];
const who: Record<string, { principal: Principal; client: () => ConsoleClient | null }> = {};
let owner: ConsoleClient;
let admin: ConsoleClient;
let agent: ConsoleClient;

beforeAll(async () => {
  s = await startTestServer({ env: { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '1000000', RATE_LIMIT_LOGINS_PER_ACCOUNT: '1000' } });
  routes = await registeredV1Routes(s.ctx);
  owner = await demoOwner(s);
  const a = await userWithRole(s, owner, 'admin');
  const g = await userWithRole(s, owner, 'agent');
  admin = a.client;
  agent = g.client;
  const emails = { owner: DEMO_OWNER, admin: a.email, agent: g.email };
  for (const role of ['owner', 'admin', 'agent'] as const) {
    who[role] = { principal: { kind: 'user', role }, client: () => ({ owner, admin, agent })[role] };
  }
  who['API key'] = { principal: { kind: 'api_key', role: 'owner' }, client: () => null };
  // Signing out is one of the routes: the session comes back for the next request.
  reSignIn = async (role) => {
    const c = consoleClient(s, (await signIn(s, emails[role], PASSWORD)).cookie!);
    if (role === 'owner') owner = c;
    else if (role === 'admin') admin = c;
    else agent = c;
  };
}, 120_000);
afterAll(async () => {
  await s?.close();
});
let reSignIn: (role: 'owner' | 'admin' | 'agent') => Promise<void>;

describe('the route table', () => {
  it('has a rule for every /v1 route the product registers (or lists it as public)', () => {
    expect(routes.length).toBeGreaterThan(50);
    const missing = routes.filter((r) => !ROUTE_RULES[r] && !PUBLIC_ROUTES[r]);
    expect(missing).toEqual([]);
  });

  it('names only routes that exist (or routes of the contract still being built)', () => {
    const stale = [...Object.keys(ROUTE_RULES).filter((r) => !ROUTE_RULES[r]!.planned), ...Object.keys(PUBLIC_ROUTES)].filter((r) => !routes.includes(r));
    expect(stale).toEqual([]);
  });

  it('is served at GET /v1/roles', async () => {
    const r = await agent.call('/v1/roles');
    expect(r.status).toBe(200);
    expect(r.body.roles.map((x: any) => x.role)).toEqual(['owner', 'admin', 'agent']);
    expect(r.body.routes.find((x: any) => x.route === 'POST /v1/users')).toMatchObject({ permission: 'users.manage' });
    expect(r.body.permissions.find((p: any) => p.name === 'users.manage')).toMatchObject({ roles: ['owner'], api_key: false });
  });
});

const fill = (path: string) =>
  path
    .replace(/:provider/g, 'sandbox')
    .replace(/:keyword/g, 'probe')
    .replace(/:[a-z_]+/g, 'zzz_0000000000');

/** GET /v1/stream stays open when allowed: its status, and the body only of a refusal. */
async function streamStatus(url: string, client: ConsoleClient | null): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = client ? { cookie: `chatcart_session=${client.cookie}` } : { authorization: `Bearer ${s.demoKey}` };
  const res = await fetch(s.base + url, { headers });
  if (res.status === 200) {
    await res.body?.cancel();
    return { status: 200, body: null, headers: res.headers };
  }
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe('every route × role', () => {
  const cases = () =>
    Object.entries(ROUTE_RULES).flatMap(([route, rule]) => Object.keys({ owner: 1, admin: 1, agent: 1, 'API key': 1 }).map((name) => ({ route, rule, name })));

  it('403 exactly when the role lacks the permission', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const { route, rule, name } of cases()) {
      if (!routes.includes(route)) continue;
      const [method = 'GET', path = ''] = route.split(' ');
      const url = fill(path);
      const body = method === 'GET' || method === 'DELETE' ? undefined : { __probe: true };
      const client = who[name]!.client();
      const r =
        route === 'GET /v1/stream' ? await streamStatus(url, client) : client ? await client.call(url, { method, body }) : await s.api(url, { method, body });
      const allowed = allows(who[name]!.principal, rule.permission);
      expected.push(`${route} as ${name}: ${allowed ? 'allowed' : '403'}`);
      outcomes.push(`${route} as ${name}: ${r.status === 403 ? '403' : 'allowed'}`);
      if (r.status === 403) expectError(r, 403, 'forbidden');
      if (r.status === 401) throw new Error(`${route} as ${name}: 401 ${JSON.stringify(r.body)}`);
      if (route === 'DELETE /v1/sessions/current' && client) await reSignIn(name as 'owner' | 'admin' | 'agent');
    }
    expect(outcomes).toEqual(expected);
  }, 120_000);
});
