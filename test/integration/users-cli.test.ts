// chatcart users create|list|reset-password as a person runs them: a user with a password
// from stdin, one with a one-time link instead, the list, a reset link, and the audit
// entries they leave (actor cli:…). On a fresh embedded folder, and on PostgreSQL when
// TEST_DATABASE_URL is set.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { findUserByEmail } from '../../src/modules/users/index.ts';
import { cliTargets, runCli, type CliResult } from '../support/cli.ts';
import { cleanEnv, PROJECT_ROOT } from '../support/context.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const { targets, cleanup } = cliTargets('chatcart-users-cli-');
afterAll(() => cleanup());

function cliWithStdin(args: string[], env: Record<string, string>, input: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['bin/chatcart.js', ...args], { cwd: PROJECT_ROOT, env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input);
  });
}

const json = (r: CliResult): any => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

/** `chatcart start` until it has printed the demo's console link; the process is stopped by the caller. */
function startUntilConsoleLink(env: Record<string, string>): Promise<{ proc: ReturnType<typeof spawn>; out: string; link: string }> {
  const proc = spawn(process.execPath, ['bin/chatcart.js', 'start'], {
    cwd: PROJECT_ROOT,
    env: cleanEnv({ ...env, PORT: '0' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const link = /console:\s+(\S+)/.exec(out)?.[1];
      if (link) resolve({ proc, out, link });
    });
    proc.once('exit', (code) => reject(new Error(`chatcart start exited (${code}) before printing a console link: ${err}`)));
  });
}

describe.each(targets)('chatcart users on $name', (target) => {
  it("the first sandbox start prints the demo owner's one-time console link beside the API key", async () => {
    const env = await target.env();
    const { proc, out, link } = await startUntilConsoleLink(env);
    try {
      expect(out).toMatch(/api key:\s+cc_test_/);
      expect(out).toContain('owner@demo.chatcart.local');
      expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console\/invite\/[A-Za-z0-9_-]{43}$/);
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('owner@demo.chatcart.local');
      const origin = new URL(link).origin;
      const used = await fetch(link, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'password=a+long+enough+password&confirm=a+long+enough+password',
        redirect: 'manual',
      });
      expect(used.status).toBe(303);
      const cookie = /chatcart_session=([^;]+)/.exec(used.headers.get('set-cookie') ?? '')?.[1];
      const me = await fetch(`${origin}/v1/me`, { headers: { cookie: `chatcart_session=${cookie}` } });
      expect((await me.json()).user.email).toBe('owner@demo.chatcart.local');
    } finally {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
  });

  it('creates users (with a password from stdin, or a one-time link), lists them and prints a reset link', async () => {
    const env = { ...(await target.env()), PUBLIC_URL: 'https://shop.example.com' };
    const merchant = json(await runCli(['merchants', 'create', '--name', 'CLI Shop', '--json'], env));

    const withPassword = json(
      await cliWithStdin(
        ['users', 'create', '--merchant', merchant.id, '--email', 'Owner@Example.com', '--role', 'owner', '--password-stdin', '--json'],
        env,
        'a long enough password\n',
      ),
    );
    expect(withPassword).toMatchObject({ id: expect.stringMatching(/^usr_/), email: 'owner@example.com', role: 'owner', status: 'active', invitation: null });

    const invited = await runCli(['users', 'create', '--merchant', merchant.id, '--email', 'agent@example.com', '--role', 'agent', '--name', 'Ravi'], env);
    expect(invited.code, invited.stderr).toBe(0);
    expect(invited.stdout).toMatch(/^Created usr_\w+ \(agent@example.com, agent\)/);
    expect(invited.stdout).toMatch(/https:\/\/shop\.example\.com\/console\/invite\/[A-Za-z0-9_-]{43}\n$/);

    const taken = await runCli(['users', 'create', '--merchant', merchant.id, '--email', 'AGENT@example.com', '--role', 'admin'], env);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/exists already/);
    const badRole = await runCli(['users', 'create', '--merchant', merchant.id, '--email', 'x@example.com', '--role', 'boss'], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role must be one of owner, admin, agent/);
    const short = await cliWithStdin(
      ['users', 'create', '--merchant', merchant.id, '--email', 'y@example.com', '--role', 'agent', '--password-stdin'],
      env,
      'short',
    );
    expect(short.code).toBe(2);

    const list = json(await runCli(['users', 'list', '--merchant', merchant.id, '--json'], env));
    expect(list.map((u: any) => [u.email, u.role, u.status])).toEqual([
      ['owner@example.com', 'owner', 'active'],
      ['agent@example.com', 'agent', 'invited'],
    ]);
    const human = await runCli(['users', 'list', '--merchant', merchant.id], env);
    expect(human.stdout).toMatch(/agent@example\.com {2}agent {2}invited {2}Ravi/);

    const reset = json(await runCli(['users', 'reset-password', '--email', 'OWNER@example.com', '--json'], env));
    expect(reset.reset).toMatchObject({ kind: 'reset', url: expect.stringMatching(/^https:\/\/shop\.example\.com\/console\/reset\/[A-Za-z0-9_-]{43}$/) });
    expect(new Date(reset.reset.expires_at).getTime() - Date.now()).toBeGreaterThan(50 * 60_000);
    const nobody = await runCli(['users', 'reset-password', '--email', 'nobody@example.com'], env);
    expect(nobody.code).toBe(2);
    // Keys made from the CLI are in the audit log too.
    const key = json(await runCli(['keys', 'create', '--merchant', merchant.id, '--json'], env));

    const db = await target.open(env);
    try {
      const owner = await findUserByEmail(db, 'owner@example.com');
      expect(owner?.password_hash).toMatch(/^\$argon2id\$/);
      const audit = await db.query<{ type: string; actor: string }>(`select type, actor from audit_log where merchant_id = $1 order by id`, [merchant.id]);
      expect(audit.map((a) => a.type)).toEqual(['user.created', 'user.invited', 'user.reset_link_created', 'api_key.created']);
      expect((await db.query<{ subject: string }>(`select subject from audit_log where type = 'api_key.created'`))[0]?.subject).toBe(key.id);
      for (const a of audit) expect(a.actor).toMatch(/^cli:/);
    } finally {
      await db.close();
    }
  });
});
