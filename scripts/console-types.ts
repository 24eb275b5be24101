// The console's typed client comes from /openapi.json: this builds the app (sandbox mode,
// an in-memory database, no port), takes its OpenAPI document and writes
// console/src/api/schema.d.ts with openapi-typescript. `--check` exits 1 when the
// committed file differs (a test runs it, so a route change without regenerating fails).
//   node --import tsx scripts/console-types.ts [--check]
import fs from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/main.ts';
import { openPglite } from '../src/platform/store/db.ts';
import { migrate } from '../src/platform/store/migrate.ts';

export const SCHEMA_FILE = path.resolve(import.meta.dirname, '../console/src/api/schema.d.ts');

export async function openapiDocument(): Promise<Record<string, unknown>> {
  const db = await openPglite(undefined);
  await migrate(db);
  const cfg = loadConfig({ CHATCART_MODE: 'sandbox', PORT: '0', HOST: '127.0.0.1', CHATCART_JOBS: 'off', LOG_LEVEL: 'silent' });
  const running = await startServer(cfg, { db, listen: false, log: pino({ level: 'silent' }) });
  try {
    await running.app.ready();
    return running.app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await running.close({ graceMs: 0 });
    await db.close();
  }
}

export async function consoleTypes(): Promise<string> {
  const doc = await openapiDocument();
  const ast = await openapiTS(doc as never, { alphabetize: true });
  return `// Generated from /openapi.json by scripts/console-types.ts: do not edit (npm run console:types).\n${astToString(ast)}`;
}

if (process.argv[1] === import.meta.filename) {
  const text = await consoleTypes();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
    if (current !== text) {
      console.error(`${path.relative(process.cwd(), SCHEMA_FILE)} is stale: run npm run console:types`);
      process.exit(1);
    }
  } else {
    fs.writeFileSync(SCHEMA_FILE, text);
    console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
  }
}
