// Moves every sealed secret to the current CHATCART_ENCRYPTION_KEY, after a rotation:
// the operator sets the new key, keeps the old one in CHATCART_ENCRYPTION_KEYS_PREVIOUS,
// runs `chatcart keys reencrypt`, and can then drop the old key. Safe to run again and
// beside running servers: each batch is one transaction with its rows locked, and a
// value that changed since it was read is left to the writer that changed it.
import { sealedKeyId } from '../../adapters/secrets/secret-box.ts';
import { countSealedByKey, listSealedNotUnder, replaceSealed, SEALED_COLUMNS } from './sealed-secrets.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import { err, ok, type Result } from '../../domain/result.ts';

export interface ReencryptReport {
  key_id: string;
  columns: { table: string; column: string; reencrypted: number; by_key_before: Record<string, number> }[];
  total: number;
}

export interface ReencryptError {
  code: 'key_missing';
  message: string;
}

const BATCH = 200;

export async function reencryptSecrets(ctx: AppContext, opts: { dryRun?: boolean } = {}): Promise<Result<ReencryptReport, ReencryptError>> {
  const keyId = ctx.secrets.currentKeyId;
  const report: ReencryptReport = { key_id: keyId, columns: [], total: 0 };
  for (const col of SEALED_COLUMNS) {
    const before = await countSealedByKey(ctx.db, col);
    let done = 0;
    if (!opts.dryRun) {
      for (;;) {
        const r = await ctx.db.transaction(async (tx): Promise<Result<number, ReencryptError>> => {
          const batch = await listSealedNotUnder(tx, col, keyId, BATCH);
          let n = 0;
          for (const v of batch) {
            let plain: string;
            try {
              plain = ctx.secrets.open(v.value);
            } catch {
              return err({
                code: 'key_missing',
                message: `${col.table}.${col.column} (${v.key.join('/')}) is sealed with key ${sealedKeyId(v.value) ?? '?'}, which is not configured: add it to CHATCART_ENCRYPTION_KEYS_PREVIOUS`,
              });
            }
            if (await replaceSealed(tx, col, v.key, v.value, ctx.secrets.seal(plain))) n++;
          }
          return ok(batch.length === 0 ? -1 : n);
        });
        if (!r.ok) return r;
        if (r.value === -1) break;
        done += r.value;
      }
    }
    report.columns.push({ table: col.table, column: col.column, reencrypted: opts.dryRun ? 0 : done, by_key_before: before });
    report.total += done;
  }
  return ok(report);
}
