// Runs the load generator (load-child.ts: autocannon) in its own process and returns its summary.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildResult, ChildSpec } from './load-child.ts';

export type { ChildResult, ChildSpec };

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));

export async function loadFromChild(spec: ChildSpec): Promise<ChildResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-bench-load-'));
  const file = path.join(dir, 'spec.json');
  fs.writeFileSync(file, JSON.stringify(spec));
  try {
    return await new Promise<ChildResult>((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
      let out = '';
      let err = '';
      proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      proc.once('error', reject);
      proc.once('exit', (code) => {
        const line = out.trim().split('\n').pop() ?? '';
        if (code !== 0 || !line.startsWith('{')) return reject(new Error(`load generator exited ${code}: ${err.slice(0, 500)}`));
        resolve(JSON.parse(line) as ChildResult);
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
