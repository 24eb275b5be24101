// The ports that come from configuration: the database (PostgreSQL or the locked
// embedded folder) and the secret box. Used by the server and the CLI alike.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { createSecretBox } from '../adapters/secrets/secret-box.ts';
import type { Config } from '../config.ts';
import { initSystemSetting } from '../modules/merchants/index.ts';
import type { SecretBox } from '../platform/ports.ts';
import type { Db } from '../platform/store/db.ts';
import { SANDBOX_MIGRATIONS } from '@chatcart/sandbox';
import { PRODUCT_MIGRATIONS, type MigrationSet } from '../platform/store/migrate.ts';
import { openStore } from '../platform/store/open.ts';

/** Every migration set this build has: the product's, then the sandbox doubles'. */
export const ALL_MIGRATIONS: readonly MigrationSet[] = [PRODUCT_MIGRATIONS, SANDBOX_MIGRATIONS];

/** The migrations a server in this mode applies: the doubles' tables only where the doubles run. */
export const migrationsFor = (mode: Config['CHATCART_MODE']): readonly MigrationSet[] => (mode === 'sandbox' ? ALL_MIGRATIONS : [PRODUCT_MIGRATIONS]);

export async function openDbFromConfig(cfg: Config, log?: Logger): Promise<Db> {
  return openStore({
    databaseUrl: cfg.DATABASE_URL,
    poolSize: cfg.DATABASE_POOL_SIZE,
    preparedStatements: cfg.DATABASE_PREPARED_STATEMENTS,
    dataDir: cfg.CHATCART_DATA_DIR,
    migrations: migrationsFor(cfg.CHATCART_MODE),
    warn: (msg, err) => log?.warn({ err }, msg),
    onLockCompromised: (e) => {
      log?.fatal({ err: e }, 'lost the lock on the embedded database folder; stopping to avoid a second writer');
      process.exit(1);
    },
  });
}

/**
 * The secret box. Live mode requires CHATCART_ENCRYPTION_KEY (config enforces it); a
 * sandbox without one generates a key once and keeps it in the database, which is
 * fine for demo data and never used in live mode.
 */
export async function secretBoxFor(cfg: Config, db: Db): Promise<SecretBox> {
  const previous = (cfg.CHATCART_ENCRYPTION_KEYS_PREVIOUS ?? '')
    .split(',')
    .filter(Boolean)
    .map((k) => Buffer.from(k.trim(), 'base64'));
  if (cfg.CHATCART_ENCRYPTION_KEY) return createSecretBox(Buffer.from(cfg.CHATCART_ENCRYPTION_KEY, 'base64'), previous);
  const stored = await initSystemSetting(db, 'sandbox_encryption_key', crypto.randomBytes(32).toString('base64'));
  return createSecretBox(Buffer.from(stored, 'base64'), previous);
}
