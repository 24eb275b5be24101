// Names for PostgreSQL prepared statements (db.ts, pg only). An unnamed statement is parsed
// and planned on every execution; a named one is parsed once per connection and its plan is
// cached by the server (pgbench's `-M prepared`, which the orders benchmark compares with).
//
// The names are bounded, because every name lives on every pooled connection (a server-side
// prepared statement with its plan, a few KiB to tens of KiB each, until the session ends)
// and most of our SQL is static text but some is not: multi-row inserts with a variable
// number of rows, filters assembled from the query string, IN lists. So a text is only named
// once it has been seen PREPARE_AFTER times (a one-off text never is), and at most
// MAX_NAMED distinct texts are ever named by one handle (past that, new texts stay unnamed,
// as before). The counts of not-yet-named texts are bounded too (MAX_COUNTED, then they
// start over), so a stream of distinct dynamic texts costs bounded memory in the process.
import crypto from 'node:crypto';

export interface StatementNameLimits {
  /** Uses of a text before it is named (the first uses go unnamed). */
  prepareAfter: number;
  /** Distinct texts named by one handle, at most (so prepared statements per connection). */
  maxNamed: number;
  /** Texts counted while waiting to be named, at most (then the counts start over). */
  maxCounted: number;
}

export const DEFAULT_STATEMENT_NAME_LIMITS: StatementNameLimits = { prepareAfter: 3, maxNamed: 256, maxCounted: 4096 };

export class StatementNames {
  private readonly named = new Map<string, string>();
  private readonly seen = new Map<string, number>();

  constructor(private readonly limits: StatementNameLimits = DEFAULT_STATEMENT_NAME_LIMITS) {}

  /** The name to prepare `sql` under, or undefined to send it unnamed (this time). */
  nameFor(sql: string): string | undefined {
    const name = this.named.get(sql);
    if (name !== undefined || this.named.size >= this.limits.maxNamed) return name;
    const n = (this.seen.get(sql) ?? 0) + 1;
    if (n < this.limits.prepareAfter) {
      if (this.seen.size >= this.limits.maxCounted) this.seen.clear();
      this.seen.set(sql, n);
      return undefined;
    }
    this.seen.delete(sql);
    // From the text alone, so the same SQL has the same name on every connection and in every
    // process (and pg's own per-connection check that a name always means one text holds).
    const fresh = `cc_${crypto.createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    this.named.set(sql, fresh);
    return fresh;
  }

  /** How many texts have a name. */
  get size(): number {
    return this.named.size;
  }
}
