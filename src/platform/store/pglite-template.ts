// A migrated, empty PGlite database as a tarball, built once per (PGlite version, migrations)
// and kept in node_modules/.cache/chatcart (the `prepare` step of `npm install` builds it).
// A fresh embedded data folder starts from it instead of running initdb and every migration:
// initdb alone is most of a first start's time. Without the file (a production install that
// skipped prepare, a new migration since) the folder is made the slow way, which stays correct.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPglite } from './db.ts';
import { listMigrations, migrate, PRODUCT_MIGRATIONS, type MigrationSet } from './migrate.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'chatcart');

function pgliteVersion(): string {
  try {
    return (createRequire(import.meta.url)('@electric-sql/pglite/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Where the template for today's PGlite and these migration sets lives (it may not exist yet). */
export function templatePath(sets: readonly MigrationSet[] = [PRODUCT_MIGRATIONS]): string {
  const hash = crypto.createHash('sha256').update(`pglite ${pgliteVersion()}\n`);
  for (const set of sets) {
    hash.update(`set ${set.table}\n`);
    for (const m of listMigrations(set)) hash.update(`${m.name}\n${m.sql}\n`);
  }
  return path.join(CACHE_DIR, `pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** The template's bytes, or undefined when it has not been built for these migrations. */
export function readTemplate(sets: readonly MigrationSet[] = [PRODUCT_MIGRATIONS]): Blob | undefined {
  const file = templatePath(sets);
  try {
    return new Blob([fs.readFileSync(file)]);
  } catch {
    return undefined;
  }
}

/** Builds the template unless it exists; returns its bytes. Written aside and renamed, so a reader never sees half a file. */
export async function buildTemplate(sets: readonly MigrationSet[] = [PRODUCT_MIGRATIONS]): Promise<Blob> {
  const existing = readTemplate(sets);
  if (existing) return existing;
  const db = await openPglite(undefined);
  let blob: Blob;
  try {
    await migrate(db, sets);
    blob = await db.dumpDataDir();
  } finally {
    await db.close();
  }
  const file = templatePath(sets);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
  fs.renameSync(tmp, file);
  return blob;
}
