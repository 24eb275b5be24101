// This server's own addresses: the origin of its public URL, and the port it listens on at
// 127.0.0.1, localhost and [::1]. The sandbox doubles post their webhooks only there
// (packages/sandbox/src/own-origins.ts checks a target against them).

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
