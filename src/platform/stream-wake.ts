// Wake-ups for the live stream (GET /v1/stream): "something of merchant M changed, read
// again". Never the change itself: a stream reads its rows from the database, from its own
// position, so a lost or duplicated wake-up costs latency, never an event.
//
// After a transaction that changed something a stream shows has committed, `changed(M)` is
// called (store/db.ts afterCommit). Wake-ups are coalesced per node: the merchants changed
// in the next few milliseconds go out together, as one NOTIFY on PostgreSQL, sent on a pool
// connection in its own short transaction, outside any business transaction. (A NOTIFY
// inside every business transaction would take PostgreSQL's one notify-queue lock at each
// commit and serialize the commits of the whole server.) Every node LISTENs on one
// dedicated session and wakes its own streams of the merchants named. On PGlite (one
// process) the wake-up stays in the process.
import type { Db, Queryable, Tx } from './store/db.ts';
import { afterCommit } from './store/db.ts';

export const STREAM_CHANNEL = 'chatcart_stream';
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD = 7000;

export type WakeListener = () => void;

export class StreamWake {
  private readonly listeners = new Map<string, Set<WakeListener>>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private listening: Promise<{ close(): Promise<void> } | undefined> | undefined;
  private closed = false;
  /** Wake-ups sent (NOTIFY statements, or local rounds on PGlite), for tests and metrics. */
  sent = 0;

  constructor(
    private readonly db: Db,
    private readonly opts: { coalesceMs?: number; warn?: (msg: string, e: unknown) => void } = {},
  ) {}

  /** A change of this merchant has committed: wake its streams, on every node. */
  changed(merchantId: string): void {
    if (this.closed) return;
    this.pending.add(merchantId);
    this.timer ??= setTimeout(() => void this.flush(), this.opts.coalesceMs ?? 10);
  }

  /** Sends the wake-ups waiting for their window now (before the process closes its database). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const merchants = [...this.pending];
    this.pending = new Set();
    if (merchants.length === 0) return;
    if (!this.db.listen || !this.db.notify) {
      this.sent++;
      for (const m of merchants) this.deliver(m);
      return;
    }
    // Several NOTIFYs when the names do not fit in one payload.
    const payloads: string[] = [];
    let cur = '';
    for (const m of merchants) {
      if (cur && cur.length + m.length + 1 > MAX_PAYLOAD) {
        payloads.push(cur);
        cur = '';
      }
      cur = cur ? `${cur},${m}` : m;
    }
    if (cur) payloads.push(cur);
    const notify = this.db.notify;
    await Promise.all(
      payloads.map((p) => {
        this.sent++;
        return notify(STREAM_CHANNEL, p).catch((e) => {
          // The listeners of this node still hear it; other nodes catch up at their next heartbeat.
          this.opts.warn?.('could not send the stream wake-up', e);
          for (const m of p.split(',')) this.deliver(m);
        });
      }),
    );
  }

  private deliver(merchantId: string): void {
    for (const fn of this.listeners.get(merchantId) ?? []) fn();
  }

  /** Calls `fn` on every wake-up of this merchant (from any node) until the returned function is called. */
  subscribe(merchantId: string, fn: WakeListener): () => void {
    let set = this.listeners.get(merchantId);
    if (!set) this.listeners.set(merchantId, (set = new Set()));
    set.add(fn);
    if (this.db.listen && !this.listening && !this.closed) {
      this.listening = this.db
        .listen(
          STREAM_CHANNEL,
          (payload) => {
            for (const m of payload.split(',')) this.deliver(m);
          },
          // Lost notifications while the session was down: everyone reads again.
          () => this.wakeAll(),
        )
        .catch((e) => {
          this.opts.warn?.('could not LISTEN for stream wake-ups (streams fall back to polling)', e);
          this.listening = undefined;
          return undefined;
        });
    }
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(merchantId);
    };
  }

  /** Resolves once this node listens (PostgreSQL), so that a test does not race the LISTEN. */
  async ready(): Promise<void> {
    await this.listening;
  }

  wakeAll(): void {
    for (const set of this.listeners.values()) for (const fn of set) fn();
  }

  /** Number of merchants with a stream open on this node. */
  get merchantsListening(): number {
    return this.listeners.size;
  }

  /** True once the node shuts down: its streams end (woken one last time by close). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends what is pending, ends this node's streams and stops listening. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    this.wakeAll();
    const l = await this.listening;
    await l?.close();
  }
}

/**
 * Wakes this merchant's streams once `q`'s transaction commits (at once when `q` is not a
 * transaction). `wake` is the context's StreamWake, absent in contexts that serve no stream.
 */
export function wakeAfterCommit(wake: StreamWake | undefined, q: Queryable, merchantId: string): void {
  if (!wake) return;
  if ((q as Partial<Tx>).inTransaction === true) afterCommit(q as Tx, () => wake.changed(merchantId));
  else wake.changed(merchantId);
}
