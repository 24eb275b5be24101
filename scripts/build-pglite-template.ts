// Part of `prepare` (every `npm install`): builds the migrated PGlite template that a fresh
// embedded data folder in sandbox mode (`npm start`) starts from (src/platform/store/pglite-template.ts). Best effort: a
// failure only makes the first start slower, so it never fails the install.
import { migrationsFor } from '../src/composition/ports.ts';
import { buildTemplate, templatePath } from '../src/platform/store/pglite-template.ts';

const quiet = process.argv.includes('--quiet');
try {
  const started = performance.now();
  await buildTemplate(migrationsFor('sandbox'));
  if (!quiet) console.log(`pglite template: ${templatePath(migrationsFor('sandbox'))} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
} catch (e) {
  console.log(`pglite template: not built (${e instanceof Error ? e.message : String(e)}); a fresh embedded start runs initdb and the migrations instead`);
}
