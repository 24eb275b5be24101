// The console's typed client is generated from /openapi.json: a route or schema change
// without `npm run console:types` leaves console/src/api/schema.d.ts stale, and fails here.
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { consoleTypes, SCHEMA_FILE } from '../../scripts/console-types.ts';

it('console/src/api/schema.d.ts matches /openapi.json (npm run console:types)', async () => {
  const fresh = await consoleTypes();
  expect(fs.readFileSync(SCHEMA_FILE, 'utf8') === fresh, 'console/src/api/schema.d.ts is stale: run npm run console:types').toBe(true);
});
