// `chatcart reconcile FILE` as an operator runs it: a separate process on the database
// (the embedded folder, and PostgreSQL when TEST_DATABASE_URL is set). Exit 0 when the
// report reconciles, 3 with mismatches, 1 for a refused file (naming the line), 2 usage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cliTargets, runCli } from '../support/cli.ts';

// Each CLI run boots tsx (and PGlite) in a child process: slow on a loaded machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatcart-reconcile-'));
cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

const { targets, cleanup: cleanupTargets } = cliTargets('chatcart-reconcile-cli-');
cleanups.push(cleanupTargets);

const STRIPE = 'balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,payment_intent_id\n';

describe.each(targets)('chatcart reconcile on $name', (target) => {
  it('prints a summary and the run id, with exit codes for clean, mismatches, refused files and usage', async () => {
    const env = { ...(await target.env()), LOG_LEVEL: 'silent' };
    const created = await runCli(['merchants', 'create', '--name', 'Recon shop', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const merchant = JSON.parse(created.stdout).id as string;

    // A payment Stripe took that we never recorded, and a payout: one mismatch.
    const report = file(
      'stripe.csv',
      `${STRIPE}txn_1,2026-03-01 10:00:00,usd,10.00,0.59,9.41,charge,ch_1,pi_missing\ntxn_2,2026-03-02 10:00:00,usd,-9.41,0.00,-9.41,payout,po_1,\n`,
    );
    const r = await runCli(['reconcile', report, '--merchant', merchant, '--format', 'stripe'], env);
    expect(r.code, r.stderr).toBe(3);
    const runId = /run (rec_[0-9a-z]+)/.exec(r.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(r.stdout).toMatch(/^missing_here\s+1\s+10\.00 USD$/m);
    expect(r.stdout).toMatch(/^other\s+1\s+9\.41 USD$/m);
    expect(r.stdout).toMatch(/^matched\s+0\s+-$/m);

    // The same file again: the same run, no new one.
    const again = await runCli(['reconcile', report, '--merchant', merchant, '--format', 'stripe', '--json'], env);
    expect(again.code).toBe(3);
    const json = JSON.parse(again.stdout);
    expect(json).toMatchObject({ id: runId, created: false, status: 'mismatches', row_count: 2, provider: 'stripe' });
    expect(json.totals.missing_here).toEqual({ count: 1, amounts: { USD: 1000 } });

    // --apply is another setting: a new run of the same file (it books the payout po_1).
    const applied = await runCli(['reconcile', report, '--merchant', merchant, '--format', 'stripe', '--apply', '--settlement-days', '5', '--json'], env);
    expect(applied.code, applied.stderr).toBe(3);
    expect(JSON.parse(applied.stdout)).toMatchObject({ created: true, status: 'mismatches' });
    expect(JSON.parse(applied.stdout).id).not.toBe(runId);
    const badDays = await runCli(['reconcile', report, '--merchant', merchant, '--format', 'stripe', '--settlement-days', 'soon'], env);
    expect(badDays.code).toBe(2);

    // Only informational rows (a payout): clean, exit 0. A generic file through a mapping.
    const clean = file('generic.csv', 'Kind,Ref,Gross,Cur\npayout,P-1,500,INR\n');
    const ok = await runCli(
      [
        'reconcile',
        clean,
        '--merchant',
        merchant,
        '--format',
        'generic',
        '--provider',
        'sandbox',
        '--map',
        'Kind=type,Ref=reference_id,Gross=amount,Cur=currency',
      ],
      env,
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/, clean\n/);

    const bad = file('bad.csv', `${STRIPE}txn_1,2026-03-01 10:00:00,usd,10.005,0,10,charge,ch_1,pi_1\n`);
    const refused = await runCli(['reconcile', bad, '--merchant', merchant, '--format', 'stripe'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^chatcart: .*bad\.csv: line 2: gross "10\.005"/);

    for (const [args, message] of [
      [['reconcile', report, '--merchant', merchant], '--format is required'],
      [['reconcile', report, '--merchant', merchant, '--format', 'paypal'], '--format must be one of razorpay, stripe, generic'],
      [['reconcile', report, '--merchant', merchant, '--format', 'generic', '--map', 'A=nope'], '--map: "nope" is not a field'],
      [['reconcile', path.join(dir, 'absent.csv'), '--merchant', merchant, '--format', 'stripe'], 'cannot read'],
      [['reconcile', report, '--merchant', 'mer_nope', '--format', 'stripe'], 'no merchant mer_nope'],
    ] as const) {
      const u = await runCli([...args], env);
      expect(u.code, u.stderr).toBe(2);
      expect(u.stderr).toContain(message);
    }
  });
});
