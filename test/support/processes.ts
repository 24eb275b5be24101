// Child chatcart processes for multi-process tests (several workers on one PostgreSQL):
// start a fixture script and wait for its `ready NAME` line, and poll until a condition holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { cleanEnv, PROJECT_ROOT } from './context.ts';

export interface WorkerProcess {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
  stderr: string[];
}

/**
 * Runs `node --import tsx <script> ...args` from the project root with a clean environment,
 * adds it to `into` (so afterAll can stop every one), and resolves once it prints `ready NAME`;
 * rejects with its stderr if it exits first.
 */
export function spawnReadyWorker(into: WorkerProcess[], script: string, name: string, args: string[]): Promise<WorkerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: PROJECT_ROOT,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const w: WorkerProcess = { name, proc, exited, stderr };
  into.push(w);
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`ready ${name}`)) resolve(w);
    });
    exited.then((code) => reject(new Error(`worker ${name} exited (${code}) before it was ready: ${stderr.join('')}`)));
  });
}

/** Polls `probe` every `everyMs` until it returns a truthy value; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface ServerProcess {
  proc: ChildProcess;
  /** Where it listens (PORT=0 picks a free port). */
  url: string;
  /** The sandbox demo merchant's API key (sandbox mode only, else ''). */
  apiKey: string;
  /** Resolves when it exits, with when (Date.now()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  stderr: string[];
}

/**
 * Runs `chatcart start` (bin/chatcart.js) from the project root with a clean environment plus
 * `env`, adds it to `into` (so afterAll can kill what is left), and resolves once it prints
 * where it listens (and, in sandbox mode, the demo key); rejects with its stderr if it exits first.
 */
export function spawnServerProcess(into: ChildProcess[], env: Record<string, string>): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['bin/chatcart.js', 'start'], { cwd: PROJECT_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  into.push(proc);
  const stderr: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const sandbox = (env.CHATCART_MODE ?? 'sandbox') === 'sandbox';
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      const apiKey = /api key:\s+(\S+)/.exec(out)?.[1] ?? '';
      if (url && (apiKey || !sandbox)) resolve({ proc, url, apiKey, exited, stderr });
    });
    exited.then(({ code }) => reject(new Error(`chatcart start exited (${code}) before it listened: ${stderr.join('')}`)));
  });
}
