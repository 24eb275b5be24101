// Runs the real `chatcart` command in a child process with a clean environment,
// from the project root wherever the checkout is.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/store/db.ts';
import { openStore } from '../../src/store/open.ts';
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
 * Where a CLI test runs the command: a fresh embedded folder always, and a fresh PostgreSQL
 * schema too when TEST_DATABASE_URL is set. `open` reaches the same data from the test
 * (after the command has exited: the embedded folder is locked while a process holds it).
 * Folders and schemas are removed by `cleanup()` (call it in afterAll).
 */
export interface CliTarget {
  name: string;
  env(): Promise<Record<string, string>>;
  open(env: Record<string, string>): Promise<Db>;
}

export function cliTargets(prefix = 'chatcart-cli-'): { targets: CliTarget[]; cleanup(): Promise<void> } {
  const cleanups: (() => Promise<void> | void)[] = [];
  const targets: CliTarget[] = [
    {
      name: 'embedded PGlite',
      env: async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
        return { CHATCART_DATA_DIR: dir };
      },
      open: (env) => openStore({ dataDir: env.CHATCART_DATA_DIR! }),
    },
  ];
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
