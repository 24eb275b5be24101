// This server's own addresses: the origin of its public URL, and the port it listens on at
// 127.0.0.1, localhost and [::1]. The sandbox doubles post their webhooks only there: they
// stand in for Meta and a PSP calling this server, never anything else (an SSRF guard of
// their own, since their targets are set over HTTP by whoever holds a sandbox token).

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** The origins of a server with this public URL listening on this port (0: unknown, the public URL only). */
export function ownOriginsOf(publicUrl: string, port: number): Set<string> {
  const origins = new Set<string>();
  try {
    origins.add(new URL(publicUrl).origin);
  } catch {
    /* config has validated it; a test context's placeholder adds nothing */
  }
  if (port > 0) for (const host of LOOPBACK_HOSTS) origins.add(`http://${host}:${port}`);
  return origins;
}

/** Whether `raw` is an http(s) URL, without user info, on one of `origins`. */
export function isOwnUrl(origins: ReadonlySet<string>, raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username !== '' || url.password !== '') return false;
  return origins.has(url.origin);
}

/** For refusals: where a sandbox double may post. */
export function describeOwnOrigins(origins: ReadonlySet<string>): string {
  return [...origins].map((o) => `${o}/…`).join(', ');
}
