// Part of `prepare` (every `npm install`): builds the migrated PGlite template that a fresh
// embedded data folder starts from (src/platform/store/pglite-template.ts). Best effort: a
// failure only makes the first start slower, so it never fails the install.
import { buildTemplate, templatePath } from '../src/platform/store/pglite-template.ts';

const quiet = process.argv.includes('--quiet');
try {
  const started = performance.now();
  await buildTemplate();
  if (!quiet) console.log(`pglite template: ${templatePath()} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
} catch (e) {
  console.log(`pglite template: not built (${e instanceof Error ? e.message : String(e)}); a fresh embedded start runs initdb and the migrations instead`);
}
