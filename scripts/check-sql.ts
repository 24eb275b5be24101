// House rule: SQL lives only in *.repository.ts (and in the store platform: the handle,
// the migrations runner, `db copy`). This finds SQL text in string and template literals
// elsewhere under src/ and packages/*/src/ and fails on any file not in the recorded baseline below, which
// may only shrink: a baseline entry that no longer has SQL fails too, so it gets removed.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const BASELINE_FILE = path.join(ROOT, 'scripts/check-sql.baseline.txt');
const allowed = (f: string) => f.endsWith('.repository.ts') || f.startsWith('src/platform/store/') || f.endsWith('.test.ts');
const SQL =
  /\bselect\s+(pg_[a-z_]+\(|1\b)|\b(select\s[\s\S]{0,400}?\sfrom\s+[a-z_]+|insert\s+into\s+[a-z_]+|update\s+[a-z_]+\s+set\s|delete\s+from\s+[a-z_]+|create\s+(unique\s+)?(table|index)\s|alter\s+table\s)/i;
const LITERAL = /`(?:[^`\\]|\\.)*`|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g;

function* files(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (/\.(ts|js)$/.test(e.name)) yield path.relative(ROOT, p);
  }
}

const offenders = new Set<string>();
const roots = [path.join(ROOT, 'src'), ...fs.readdirSync(path.join(ROOT, 'packages')).map((p) => path.join(ROOT, 'packages', p, 'src'))];
for (const f of roots.flatMap((r) => [...files(r)])) {
  if (allowed(f)) continue;
  const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
  if ((text.match(LITERAL) ?? []).some((lit) => SQL.test(lit))) offenders.add(f);
}
const baseline = new Set(
  fs
    .readFileSync(BASELINE_FILE, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#')),
);
const added = [...offenders].filter((f) => !baseline.has(f));
const gone = [...baseline].filter((f) => !offenders.has(f));
for (const f of added) console.error(`SQL outside a repository: ${f} (move the statement into a *.repository.ts)`);
for (const f of gone) console.error(`no SQL left in ${f}: remove it from scripts/check-sql.baseline.txt`);
if (added.length || gone.length) process.exit(1);
console.log(`SQL only in repositories: ok (${baseline.size} known exceptions left)`);
