// A merchant's webhook endpoint for tests: a node:http server on 127.0.0.1:0 that
// records every request and answers from a script (status, hang, redirect…), and a
// Standard Webhooks check with the npm reference library at a chosen "receiver time"
// (the server signs with its ManualClock's time).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  json: any;
  headers: http.IncomingHttpHeaders;
  /** What this request was answered with. */
  answered: number | 'hang';
  /** Date.now() when the request arrived. */
  at: number;
}

export type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order; then `fallback`. */
  script: Answer[];
  fallback: Answer;
  byId(id: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(fallback: Answer = { status: 200, body: 'ok' }): Promise<Receiver> {
  const sockets = new Set<Socket>();
  const r: Receiver = {
    url: '',
    received: [],
    script: [],
    fallback,
    byId: (id) => r.received.filter((x) => x.id === id),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = r.script.shift() ?? r.fallback;
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        /* not JSON */
      }
      r.received.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
        json,
        headers: req.headers,
        answered: answer === 'hang' ? 'hang' : answer.status,
        at: Date.now(),
      });
      if (answer === 'hang') return; // never answers: the sender's timeout ends it
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...(answer.headers ?? {}) });
      res.end(answer.body ?? '');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}

/** Verifies with the standardwebhooks library as a receiver whose clock reads `atMs`. */
export function verifyAt(secret: string, x: Pick<Received, 'body' | 'headers'>, atMs: number): unknown {
  const spy = vi.spyOn(Date, 'now').mockReturnValue(atMs);
  try {
    return new Webhook(secret).verify(x.body, x.headers as Record<string, string>);
  } finally {
    spy.mockRestore();
  }
}
