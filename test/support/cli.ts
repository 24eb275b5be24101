// Runs the real `chatcart` command in a child process with a clean environment,
// from the project root wherever the checkout is.
import { spawn } from 'node:child_process';
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
