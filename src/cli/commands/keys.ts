import { createApiKey, revokeApiKey, rotateApiKey } from '../../modules/merchants/index.ts';
import type { Config } from '../../config.ts';
import { getMerchant, listApiKeys } from '../../modules/merchants/index.ts';
import { presentApiKey } from '../../modules/merchants/index.ts';
import { flags, required, UsageError } from '../args.ts';
import { cliActor, openCliContext } from '../context.ts';
import { recordAudit } from '../../modules/users/index.ts';
import { reencryptSecrets } from '../../modules/merchants/index.ts';

export async function runKeys(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, {
    merchant: { type: 'string' },
    key: { type: 'string' },
    grace: { type: 'string' },
    name: { type: 'string' },
    json: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  });
  const sub = positionals[0];
  if (sub === 'reencrypt') return runReencrypt(cfg, values['dry-run'] === true, values.json === true);
  if (!['create', 'list', 'rotate', 'revoke'].includes(sub ?? ''))
    throw new UsageError('usage: chatcart keys create|list|rotate|revoke --merchant ID [--key KEY_ID] [--grace SECONDS] | chatcart keys reencrypt [--dry-run]');
  const merchantId = required(values.merchant, 'merchant');
  const grace = values.grace === undefined ? 0 : Number(values.grace);
  if (!Number.isInteger(grace) || grace < 0) throw new UsageError('--grace must be a whole number of seconds');
  const ctx = await openCliContext(cfg);
  const print = (v: unknown, human: string) => process.stdout.write(values.json ? `${JSON.stringify(v)}\n` : `${human}\n`);
  try {
    if (!(await getMerchant(ctx.db, merchantId))) throw new UsageError(`no merchant ${merchantId}`);
    if (sub === 'list') {
      const rows = (await listApiKeys(ctx.db, merchantId)).map((k) => presentApiKey(k));
      print(rows, rows.map((k) => `${k.id}  ${k.prefix}…  ${k.revoked_at ? 'revoked' : k.expires_at ? `expires ${k.expires_at}` : 'live'}`).join('\n'));
    } else if (sub === 'create') {
      const r = await ctx.db.transaction(async (tx) => {
        const made = await createApiKey(ctx, tx, merchantId, values.name ?? null);
        if (made.ok) await recordAudit(ctx, tx, { merchantId, type: 'api_key.created', actor: cliActor, subject: made.value.row.id });
        return made;
      });
      if (!r.ok) throw new UsageError(r.error.message);
      const { row, key } = r.value;
      print(presentApiKey(row, key), `Created ${row.id}. API key (shown only once): ${key}`);
    } else {
      const keyId = required(values.key, 'key');
      if (sub === 'rotate') {
        const r = await ctx.db.transaction(async (tx) => {
          const rotated = await rotateApiKey(ctx, tx, merchantId, keyId, grace);
          if (rotated.ok)
            await recordAudit(ctx, tx, { merchantId, type: 'api_key.rotated', actor: cliActor, subject: keyId, data: { new_key_id: rotated.value.row.id } });
          return rotated;
        });
        if (!r.ok) throw new UsageError(r.error.message);
        print(
          { ...presentApiKey(r.value.row, r.value.key), replaced: presentApiKey(r.value.old) },
          `Rotated ${keyId}. New API key ${r.value.row.id} (shown only once): ${r.value.key}`,
        );
      } else {
        const r = await ctx.db.transaction(async (tx) => {
          const revoked = await revokeApiKey(ctx, tx, merchantId, keyId);
          if (revoked.ok) await recordAudit(ctx, tx, { merchantId, type: 'api_key.revoked', actor: cliActor, subject: keyId });
          return revoked;
        });
        if (!r.ok) throw new UsageError(r.error.message);
        print(presentApiKey(r.value), `Revoked ${keyId}`);
      }
    }
  } finally {
    await ctx.close();
  }
  return 0;
}

/** Seals every stored secret again with the current CHATCART_ENCRYPTION_KEY (see docs/operations.md). */
async function runReencrypt(cfg: Config, dryRun: boolean, json: boolean): Promise<number> {
  const ctx = await openCliContext(cfg);
  try {
    const r = await reencryptSecrets(ctx, { dryRun });
    if (!r.ok) throw new UsageError(r.error.message);
    const human = r.value.columns
      .map(
        (c) =>
          `${`${c.table}.${c.column}`.padEnd(34)} ${String(c.reencrypted).padStart(6)} re-sealed   before: ${
            Object.entries(c.by_key_before)
              .map(([k, n]) => `${k}=${n}`)
              .join(' ') || 'none'
          }`,
      )
      .concat(`${dryRun ? 'Dry run: nothing changed' : `Re-sealed ${r.value.total} value(s)`}; current key id ${r.value.key_id}`)
      .join('\n');
    process.stdout.write(json ? `${JSON.stringify(r.value)}\n` : `${human}\n`);
  } finally {
    await ctx.close();
  }
  return 0;
}
