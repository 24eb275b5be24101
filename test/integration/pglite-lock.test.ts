// Only one process may open an embedded database folder. These tests use their own
// temporary folders, so they run the same whatever TEST_DATABASE_URL says.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { newId } from '../../src/domain/ids.ts';
import type { Db } from '../../src/platform/store/db.ts';
import { getMerchant, insertMerchant } from '../../src/modules/merchants/merchants.repository.ts';
import { DataDirInUseError, openStore } from '../../src/platform/store/open.ts';
import { runCli } from '../support/cli.ts';
import { PROJECT_ROOT } from '../support/context.ts';

// Child processes boot tsx (and PGlite) each time: slow on a loaded machine, so allow
// generous time. Nothing here asserts on speed.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const dirs: string[] = [];
const open: Db[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-lock-'));
  dirs.push(d);
  return d;
}
async function openTracked(dataDir: string): Promise<Db> {
  const db = await openStore({ dataDir });
  open.push(db);
  return db;
}
async function closeTracked(db: Db): Promise<void> {
  open.splice(open.indexOf(db), 1);
  await db.close();
}

afterAll(async () => {
  for (const db of open) await db.close().catch(() => {});
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// The same whatever TEST_DATABASE_URL says: runs once, in the embedded run.
describe.skipIf(process.env.TEST_DATABASE_URL)('the embedded database lock', () => {
  it('refuses a second open of the same folder, allows it after close, and keeps the data', async () => {
    const dir = tmpDir();
    const first = await openTracked(dir);
    expect(first.kind).toBe('pglite');
    const id = newId('mer');
    await insertMerchant(first, { id, name: 'Persisted', now: new Date('2026-03-01T00:00:00Z') });

    const second = openStore({ dataDir: dir });
    await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(openStore({ dataDir: dir })).rejects.toThrow(/in use by another chatcart process/);
    // The refused open did not disturb the holder.
    expect((await getMerchant(first, id))!.name).toBe('Persisted');

    await closeTracked(first);
    const reopened = await openTracked(dir);
    const m = await getMerchant(reopened, id);
    expect(m!.name).toBe('Persisted');
    expect(m!.created_at).toEqual(new Date('2026-03-01T00:00:00Z'));
    // Reopening applied no migration twice.
    const names = await reopened.query<{ name: string }>(`select name from chatcart_migrations`);
    expect(new Set(names.map((n) => n.name)).size).toBe(names.length);
    await closeTracked(reopened);
  });

  it('two folders can be open at once', async () => {
    const a = await openTracked(tmpDir());
    const b = await openTracked(tmpDir());
    expect(await a.query(`select 1 as x`)).toEqual([{ x: 1 }]);
    expect(await b.query(`select 2 as x`)).toEqual([{ x: 2 }]);
    await closeTracked(a);
    await closeTracked(b);
  });

  it('a CLI process started while the folder is held exits 1 with one line saying it is in use', async () => {
    const dir = tmpDir();
    const held = await openTracked(dir);
    const r = await runCli(['migrate'], { CHATCART_DATA_DIR: dir });
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/in use/);
    expect(lines[0]).toContain(dir);
    expect(r.stdout).toBe('');
    await closeTracked(held);

    // Once released, the same command works.
    const ok = await runCli(['migrate'], { CHATCART_DATA_DIR: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`migrated embedded PGlite at ${dir}`);
  });

  it('after its holder is killed with -9, the folder opens at once (the dead pid frees the lock) and keeps what was committed', async () => {
    const dir = tmpDir();
    const id = newId('mer');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/hold-data-dir.ts', dir, id], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
    });
    // While it lives, the folder is refused.
    await expect(openStore({ dataDir: dir })).rejects.toBeInstanceOf(DataDirInUseError);
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(fs.existsSync(path.join(dir, 'chatcart.lock'))).toBe(true);

    const db = await openTracked(dir);
    expect((await getMerchant(db, id))?.name).toBe('Written before the crash');
    // And the new holder is protected in turn.
    await expect(openStore({ dataDir: dir })).rejects.toBeInstanceOf(DataDirInUseError);
    await closeTracked(db);
  });
});
