// Console users in end-to-end tests: a browser-like client that keeps the session cookie
// and sends the console's own Origin on changes, one-time links accepted through their
// form, and users of each role made through the API as the owner does it.
import { expect } from 'vitest';
import type { TestServer } from './server.ts';

export interface Res {
  status: number;
  body: any;
  headers: Headers;
}

/** The value of the session cookie a response sets ('' when it clears it), or undefined. */
export function sessionCookieOf(res: { headers: Headers }): string | undefined {
  for (const c of res.headers.getSetCookie()) {
    const m = /^chatcart_session=([^;]*)/.exec(c);
    if (m) return m[1]!;
  }
  return undefined;
}

export interface ConsoleClient {
  cookie: string;
  /** A request with the cookie; changes carry Origin: the server's own unless `origin` says otherwise (null: none). */
  call(path: string, init?: { method?: string; body?: unknown; origin?: string | null; headers?: Record<string, string> }): Promise<Res>;
}

export function consoleClient(s: TestServer, cookie: string): ConsoleClient {
  return {
    cookie,
    async call(path, init = {}) {
      const method = init.method ?? (init.body !== undefined ? 'POST' : 'GET');
      const headers: Record<string, string> = { cookie: `chatcart_session=${cookie}`, ...(init.headers ?? {}) };
      const origin = init.origin === undefined ? (method === 'GET' ? null : s.base) : init.origin;
      if (origin) headers.origin = origin;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(s.base + path, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body, headers: res.headers };
    },
  };
}

/** POST /v1/sessions as the console does it. */
export async function signIn(
  s: TestServer,
  email: string,
  password: string,
  o: { origin?: string | null; cookie?: string; forwardedFor?: string } = {},
): Promise<Res & { cookie: string | undefined }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const origin = o.origin === undefined ? s.base : o.origin;
  if (origin) headers.origin = origin;
  if (o.cookie) headers.cookie = `chatcart_session=${o.cookie}`;
  if (o.forwardedFor) headers['x-forwarded-for'] = o.forwardedFor;
  const res = await fetch(`${s.base}/v1/sessions`, { method: 'POST', headers, body: JSON.stringify({ email, password }) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers, cookie: sessionCookieOf(res) };
}

/** Posts a one-time link's form (from the server's own origin unless told otherwise). */
export async function postLinkForm(s: TestServer, url: string, password: string, o: { origin?: string | null; confirm?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const origin = o.origin === undefined ? s.base : o.origin;
  if (origin) headers.origin = origin;
  const path = new URL(url).pathname;
  return fetch(s.base + path, {
    method: 'POST',
    headers,
    body: new URLSearchParams({ password, confirm: o.confirm ?? password }).toString(),
    redirect: 'manual',
  });
}

/** Accepts a link with `password`: the session cookie it signs in with. */
export async function acceptLink(s: TestServer, url: string, password: string): Promise<string> {
  const res = await postLinkForm(s, url, password);
  expect(res.status, await res.clone().text()).toBe(303);
  expect(res.headers.get('location')).toBe('/console');
  const cookie = sessionCookieOf(res);
  expect(cookie).toBeTruthy();
  return cookie!;
}

export const DEMO_OWNER = 'owner@demo.chatcart.local';
export const PASSWORD = 'correct horse battery staple';

/** The demo owner, signed in through the first start's one-time link (once per server). */
export async function demoOwner(s: TestServer): Promise<ConsoleClient> {
  expect(s.demo?.consoleLink).toBeTruthy();
  return consoleClient(s, await acceptLink(s, s.demo!.consoleLink, PASSWORD));
}

let seq = 0;

/** A new user of `role`, invited by `owner` and signed in through the invitation. */
export async function userWithRole(s: TestServer, owner: ConsoleClient, role: 'owner' | 'admin' | 'agent', email?: string) {
  const address = email ?? `${role}${++seq}.${Date.now()}@example.com`;
  const r = await owner.call('/v1/users', { body: { email: address, role, name: `A ${role}` } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const cookie = await acceptLink(s, r.body.invitation.url, PASSWORD);
  return { id: r.body.id as string, email: address, client: consoleClient(s, cookie) };
}
