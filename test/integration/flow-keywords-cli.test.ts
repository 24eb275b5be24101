// `chatcart flows keywords set|list|delete` as a person runs it (separate processes, real
// exit codes), on a fresh embedded folder and, with TEST_DATABASE_URL, a fresh
// PostgreSQL schema: the same normalization and checks as the API.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cliTargets, runCli } from '../support/cli.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

const { targets, cleanup } = cliTargets('chatcart-flow-keywords-cli-');
cleanups.push(cleanup);

describe.each(targets)('chatcart flows keywords on $name', (target) => {
  it('sets, lists and deletes a keyword; refuses an unknown flow, and any keyword before the Flows key pair exists', async () => {
    const env = await target.env();
    const m = await runCli(['merchants', 'create', '--name', 'Kitchen', '--json'], env);
    expect(m.code, m.stderr).toBe(0);
    const merchantId = JSON.parse(m.stdout).id as string;

    // Without a key pair the Flow could not open: the keyword is refused, naming the fix.
    const early = await runCli(['flows', 'keywords', 'set', 'menu', '--flow', 'order_food', '--merchant', merchantId], env);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('chatcart flows keygen');
    const keygen = await runCli(['flows', 'keygen', '--merchant', merchantId, '--json'], env);
    expect(keygen.code, keygen.stderr).toBe(0);

    const set = await runCli(['flows', 'keywords', 'set', ' Order  NOW ', '--flow', 'order_food', '--merchant', merchantId, '--json'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ object: 'flow_keyword', keyword: 'order now', flow: 'order_food', created: true });

    const list = await runCli(['flows', 'keywords', 'list', '--merchant', merchantId], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toBe('order now\torder_food\n');

    const bad = await runCli(['flows', 'keywords', 'set', 'menu', '--flow', 'nope', '--merchant', merchantId], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no flow named nope');

    const del = await runCli(['flows', 'keywords', 'delete', 'ORDER NOW', '--merchant', merchantId], env);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toBe('"order now" no longer starts a flow\n');
    const empty = await runCli(['flows', 'keywords', 'list', '--merchant', merchantId, '--json'], env);
    expect(JSON.parse(empty.stdout)).toEqual({ object: 'list', data: [] });
    const gone = await runCli(['flows', 'keywords', 'delete', 'order now', '--merchant', merchantId], env);
    expect(gone.code).toBe(2);
  });
});
