// Where the console's built bundle is (console/dist, made by Vite: `npm run console:build`,
// run by `prepare` on install), and building it when it is missing (the first `chatcart
// start` of a checkout whose install skipped it). A bundle that exists is never rebuilt at
// start: the first start stays fast.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const CONSOLE_ROOT = path.resolve(import.meta.dirname, '../../../console');
export const CONSOLE_DIST = path.join(CONSOLE_ROOT, 'dist');
export const CONSOLE_INDEX = path.join(CONSOLE_DIST, 'index.html');

export const consoleBuilt = (): boolean => fs.existsSync(CONSOLE_INDEX);

/** Vite's command-line entry, or null when dev dependencies are not installed (a production install). */
function viteBin(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('vite/package.json');
    const bin = path.join(path.dirname(pkg), 'bin', 'vite.js');
    return fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

export type BuildOutcome = 'present' | 'built' | 'no_vite' | 'failed';

/** Builds the bundle unless it is there (`force`: always). */
export function ensureConsoleBuilt(o: { force?: boolean; quiet?: boolean } = {}): BuildOutcome {
  if (!o.force && consoleBuilt()) return 'present';
  const vite = viteBin();
  if (!vite) return 'no_vite';
  const r = spawnSync(process.execPath, [vite, 'build', '--config', path.join(CONSOLE_ROOT, 'vite.config.ts'), ...(o.quiet ? ['--logLevel', 'warn'] : [])], {
    stdio: 'inherit',
    cwd: path.resolve(CONSOLE_ROOT, '..'),
  });
  return r.status === 0 && consoleBuilt() ? 'built' : 'failed';
}
