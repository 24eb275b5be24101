// Runs the real `chatcart` command in a child process with a clean environment,
// from the project root wherever the checkout is.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/platform/store/db.ts';
import { listMigrations } from '../../src/platform/store/migrate.ts';
import { openStore } from '../../src/platform/store/open.ts';
import { createSchema, pgUrl } from './db.ts';
import { cleanEnv, PROJECT_ROOT } from './context.ts';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['bin/chatcart.js', ...args], { cwd: PROJECT_ROOT, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Where a CLI test runs the command: a fresh embedded folder, or a fresh PostgreSQL schema
 * when TEST_DATABASE_URL is set. `open` reaches the same data from the test
 * (after the command has exited: the embedded folder is locked while a process holds it).
 * Folders and schemas are removed by `cleanup()` (call it in afterAll).
 */
export interface CliTarget {
  name: string;
  env(): Promise<Record<string, string>>;
  open(env: Record<string, string>): Promise<Db>;
}

/**
 * An embedded folder already initialised and migrated, built once per set of migrations
 * and copied for each test: creating a PGlite folder costs seconds in every command's
 * first run, which tests about something else need not pay again.
 */
async function migratedDataDirTemplate(): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (const m of listMigrations()) hash.update(`${m.name}\n${m.sql}\n`);
  const dir = path.join(os.tmpdir(), `chatcart-datadir-template-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(dir, 'ready'))) return dir;
  const building = `${dir}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  const db = await openStore({ dataDir: building });
  await db.close();
  fs.writeFileSync(path.join(building, 'ready'), '');
  try {
    fs.renameSync(building, dir);
  } catch {
    fs.rmSync(building, { recursive: true, force: true }); // another worker finished first
  }
  return dir;
}

/** `fresh: true` starts from an empty folder (for tests of the first run itself). */
export function cliTargets(prefix = 'chatcart-cli-', opts: { fresh?: boolean } = {}): { targets: CliTarget[]; cleanup(): Promise<void> } {
  const cleanups: (() => Promise<void> | void)[] = [];
  const targets: CliTarget[] = [];
  // The embedded target is the same whatever TEST_DATABASE_URL says: it runs in the embedded
  // run (CI runs the suite once per database), and the PostgreSQL run adds only its own target.
  if (!pgUrl)
    targets.push({
      name: 'embedded PGlite',
      env: async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
        if (!opts.fresh) {
          fs.cpSync(await migratedDataDirTemplate(), dir, { recursive: true, filter: (src) => !/chatcart\.lock|ready$/.test(path.basename(src)) });
        }
        return { CHATCART_DATA_DIR: dir };
      },
      open: (env) => openStore({ dataDir: env.CHATCART_DATA_DIR! }),
    });
  const url = pgUrl;
  if (url) {
    targets.push({
      name: 'PostgreSQL',
      env: async () => {
        const s = await createSchema(url);
        cleanups.push(() => s.drop());
        // An embedded folder that must stay untouched while DATABASE_URL is set.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
        return { DATABASE_URL: s.url, CHATCART_DATA_DIR: path.join(dir, 'unused') };
      },
      // Migrates too, so a test may write through `open` before the first command runs.
      open: (env) => openStore({ databaseUrl: env.DATABASE_URL!, dataDir: env.CHATCART_DATA_DIR!, poolSize: 2 }),
    });
  }
  return {
    targets,
    cleanup: async () => {
      for (const c of cleanups.reverse()) await c();
    },
  };
}
