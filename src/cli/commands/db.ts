import path from 'node:path';
import type { Config } from '../../config.ts';
import { copyDatabase } from '../../platform/store/copy.ts';
import { openPostgres, redactUrl } from '../../platform/store/db.ts';
import { openStore } from '../../platform/store/open.ts';
import { ALL_MIGRATIONS } from '../../composition/ports.ts';
import { flags, required, UsageError } from '../args.ts';

export async function runDb(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, { to: { type: 'string' } });
  if (positionals[0] !== 'copy') throw new UsageError('usage: chatcart db copy --to postgres://USER@HOST:PORT/DB');
  const to = required(values.to, 'to');
  if (!/^postgres(ql)?:\/\//.test(to)) throw new UsageError('--to must be a postgres:// URL');
  if (cfg.DATABASE_URL) throw new UsageError('DATABASE_URL is set: db copy reads the embedded database in CHATCART_DATA_DIR; unset DATABASE_URL');
  // Every set: an embedded folder that was ever started in sandbox mode holds the doubles' tables too.
  const source = await openStore({ dataDir: cfg.CHATCART_DATA_DIR, migrations: ALL_MIGRATIONS });
  const target = await openPostgres(to, { max: 2 });
  try {
    const counts = await copyDatabase(source, target, { onTable: (t, n) => process.stderr.write(`  ${t}: ${n} rows\n`), migrations: ALL_MIGRATIONS });
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `copied ${total} rows from ${path.resolve(cfg.CHATCART_DATA_DIR)} to ${redactUrl(to)}\nstart chatcart with DATABASE_URL set to that URL to use it\n`,
    );
  } finally {
    await target.close();
    await source.close();
  }
  return 0;
}
