// The console's session cookie, and the check that a cookie-authenticated change comes
// from the console's own origin (docs/users.md). Plain headers, no plugin: one cookie is
// read and written, and the rules are easier to see here than in a plugin's options.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'chatcart_session';

/** The session token a request presents, if any (the last one wins, as browsers send the most specific path first). */
export function sessionTokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    if (/^[A-Za-z0-9_-]{20,100}$/.test(value) && found === undefined) found = value;
  }
  return found;
}

/** HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site posts), Secure when the public URL is https. */
export function setSessionCookie(reply: FastifyReply, publicUrl: string, token: string, maxAgeSeconds: number): void {
  const secure = publicUrl.startsWith('https:') ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure}`);
}

export function clearSessionCookie(reply: FastifyReply, publicUrl: string): void {
  const secure = publicUrl.startsWith('https:') ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const changesState = (method: string): boolean => !SAFE_METHODS.has(method.toUpperCase());

/**
 * Whether a request comes from the console's own origin: its Origin is the server's own
 * (the public URL's, or the one the request was sent to), or the browser says
 * Sec-Fetch-Site: same-origin. A cookie rides along on any request the browser makes, so a
 * change authenticated by it must prove it was made by our own pages (SameSite=Lax alone
 * leaves same-site sibling hosts and top-level form posts in older browsers).
 */
export function fromOwnOrigin(req: FastifyRequest, publicUrl: string): boolean {
  if (req.headers['sec-fetch-site'] === 'same-origin') return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    if (origin === new URL(publicUrl).origin) return true;
  } catch {
    /* a placeholder public URL in a test context */
  }
  const host = req.headers.host;
  return typeof host === 'string' && origin === `${req.protocol}://${host}`;
}
