// A fresh embedded folder starts from the migrated template (built by `npm install`'s prepare
// step) instead of initdb and every migration; the folder is then an ordinary database that
// keeps what is written to it, and a folder that already holds data is never replaced.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations } from '../../src/platform/store/migrate.ts';
import { openStore } from '../../src/platform/store/open.ts';
import { buildTemplate, readTemplate, templatePath } from '../../src/platform/store/pglite-template.ts';
import { dbKind } from '../support/db.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-template-test-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.skipIf(dbKind === 'postgres')('the migrated PGlite template', () => {
  it('is keyed by the PGlite version and the migrations, and built once', async () => {
    expect(path.basename(templatePath())).toMatch(/^pglite-template-[0-9a-f]{16}\.tar$/);
    const built = await buildTemplate();
    expect(built.size).toBeGreaterThan(1_000_000);
    expect(readTemplate()?.size).toBe(built.size);
  });

  it('a fresh folder starts from it: every migration is recorded, and what is written stays', async () => {
    await buildTemplate();
    const dir = tempDir();
    const db = await openStore({ dataDir: dir });
    const names = (await db.query<{ name: string }>('select name from chatcart_migrations order by name')).map((r) => r.name);
    expect(names).toEqual(listMigrations().map((m) => m.name));
    await db.exec(`create table template_probe (v text); insert into template_probe values ('kept')`);
    await db.close();

    const again = await openStore({ dataDir: dir });
    expect(await again.query('select v from template_probe')).toEqual([{ v: 'kept' }]);
    await again.close();
  });

  it('a folder that already holds a database is opened as it is, never replaced by the template', async () => {
    const dir = tempDir();
    const first = await openStore({ dataDir: dir });
    await first.exec(`create table mine (v int); insert into mine values (42)`);
    await first.close();
    const reopened = await openStore({ dataDir: dir });
    expect(await reopened.query('select v from mine')).toEqual([{ v: 42 }]);
    await reopened.close();
  });
});
