// The doubles post their webhooks only to the hosting server's own origins (SandboxContext's
// ownOrigins): they stand in for Meta and a PSP calling this server, never anything else (an
// SSRF guard of their own, since their targets are set over HTTP by whoever holds a sandbox token).

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
