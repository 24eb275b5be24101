// One open stream: reads from its position whenever its merchant's wake-up comes (from any
// node, platform/stream-wake.ts), and at each heartbeat in case a wake-up was lost. Each
// read is one indexed query from the stream's own position, so a client that resumes with
// Last-Event-ID and one that never left read the same rows.
//
// A slow client slows only itself: the loop waits for the socket to drain before the next
// read (memory stays bounded), and a client that does not drain within DRAIN_MS is cut
// (it resumes from its Last-Event-ID). The session, key and role are checked again at every
// wake-up and heartbeat: a revoked session or key, or a changed role, ends the stream.
import type { ServerResponse } from 'node:http';
import type { AppContext } from '../../platform/context.ts';
import { STREAM_EVENT_PREFIXES } from '../events/index.ts';
import { formatPosition, type StreamPosition } from './stream.position.ts';
import { presentStreamRow } from './stream.present.ts';
import { heldBack, readStream } from './stream.repository.ts';

export const STREAM_LIMITS = {
  heartbeatMs: 15_000,
  batch: 200,
  drainMs: 30_000,
  /** Stream reads at once on this node: the rest wait, so streams never hold the pool business requests need. */
  concurrentReads: 3,
  /** The session or key is checked at most this often (and at every heartbeat). */
  authEveryMs: 1000,
  /** How soon to look again when committed rows wait behind a transaction still running. */
  heldRetryMs: [25, 50, 100, 250, 500, 1000],
};

/** A counting semaphore: at most `n` holders, the others wait in order. */
class Gate {
  private held = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly n: () => number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held >= this.n()) await new Promise<void>((r) => this.waiting.push(r));
    else this.held++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.held--;
    }
  }
}
const reads = new Gate(() => STREAM_LIMITS.concurrentReads);

export interface OpenStream {
  ctx: AppContext;
  merchantId: string;
  from: StreamPosition;
  res: ServerResponse;
  /** Whether the stream may stay open (its session or key still valid, its role unchanged). */
  stillAllowed: () => Promise<boolean>;
  onEnd?: () => void;
}

export function serveStream(s: OpenStream): void {
  const { ctx, res } = s;
  let pos = s.from;
  let ended = false;
  let running = false;
  let again = false;
  let held = 0;
  let retry: NodeJS.Timeout | undefined;
  let authAt = 0;
  let authRecheck: NodeJS.Timeout | undefined;
  /**
   * Whether the stream may go on. A wake-up may be a revocation (they wake the merchant's
   * streams), so a check skipped for being too soon after the last one is made later.
   */
  const allowed = async (): Promise<boolean> => {
    const now = Date.now();
    if (now - authAt < STREAM_LIMITS.authEveryMs) {
      authRecheck ??= setTimeout(
        () => {
          authRecheck = undefined;
          void pump();
        },
        authAt + STREAM_LIMITS.authEveryMs - now,
      );
      return true;
    }
    authAt = now;
    return s.stillAllowed();
  };

  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(beat);
    clearTimeout(retry);
    clearTimeout(authRecheck);
    unsubscribe?.();
    if (!res.writableEnded) res.end();
    s.onEnd?.();
  };
  const write = async (chunk: string): Promise<void> => {
    if (ended) return;
    if (res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        end();
        resolve();
      }, STREAM_LIMITS.drainMs);
      res.once('drain', () => {
        clearTimeout(t);
        resolve();
      });
      res.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
  };

  const pump = async (): Promise<void> => {
    if (ended) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        if (ctx.stream?.isClosed || !(await allowed())) return end();
        for (;;) {
          const rows = await reads.run(() => readStream(ctx.db, s.merchantId, pos, STREAM_EVENT_PREFIXES, STREAM_LIMITS.batch));
          let out = '';
          for (const r of rows) {
            pos = { tx: r.tx, id: r.id };
            const m = presentStreamRow(r);
            out += `id: ${formatPosition(pos)}\nevent: ${m.type}\ndata: ${JSON.stringify(m.data)}\n\n`;
          }
          if (out) await write(out);
          if (ended || rows.length < STREAM_LIMITS.batch) break;
        }
        if (!ended && (await reads.run(() => heldBack(ctx.db, s.merchantId, pos, STREAM_EVENT_PREFIXES)))) {
          clearTimeout(retry);
          retry = setTimeout(() => void pump(), STREAM_LIMITS.heldRetryMs[Math.min(held++, STREAM_LIMITS.heldRetryMs.length - 1)]);
        } else held = 0;
      } while (again && !ended);
    } catch (e) {
      ctx.log.warn({ err: e }, 'a stream read failed: the stream ends (the client resumes from its last id)');
      end();
    } finally {
      running = false;
    }
  };

  // A comment at every heartbeat keeps proxies from closing an idle connection.
  const beat = setInterval(() => {
    void write(': heartbeat\n\n').then(pump);
  }, STREAM_LIMITS.heartbeatMs);
  const unsubscribe = ctx.stream?.subscribe(s.merchantId, () => void pump());
  res.on('close', end);
  res.on('error', end);
  void write(`retry: 2000\nid: ${formatPosition(pos)}\n\n`).then(pump);
}
