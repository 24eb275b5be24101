// A client of GET /v1/stream for tests: reads the server-sent events as they come, keeps
// them, and waits for one that matches.
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: any;
}

export interface SseClient {
  status: number;
  headers: Headers;
  events: SseEvent[];
  /** The last `id:` received (an event's, or the stream's start position). */
  lastId: string | undefined;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  waitFor(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function openStream(base: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(`${base}/v1/stream`, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const client: SseClient = {
    status: res.status,
    headers: res.headers,
    events,
    lastId: undefined,
    ended: Promise.resolve(),
    async waitFor(pred, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(pred);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => [e.event, e.data]))}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, 50);
          waiters.add(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
    close: () => abort.abort(),
  };
  if (res.status !== 200 || !res.body) return client;
  client.ended = (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let id: string | undefined;
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (id !== undefined) client.lastId = id;
          if (data) events.push({ id, event, data: JSON.parse(data) });
          for (const w of waiters) w();
          waiters.clear();
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return client;
}
