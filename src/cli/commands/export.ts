// `chatcart export orders|payments|refunds --merchant ID --from ISO --to ISO [--out FILE]`:
// the same CSV as GET /v1/exports/{kind}.csv, to stdout or a file, streamed page by page.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EXPORT_KINDS, exportCsv, parseExportRange, type ExportKind } from '../../modules/ops/index.ts';
import type { Config } from '../../config.ts';
import { getMerchant } from '../../modules/merchants/index.ts';
import { flags, required, UsageError } from '../args.ts';
import { cliActor, openCliContext } from '../context.ts';
import { recordAudit } from '../../modules/users/index.ts';

const USAGE = 'usage: chatcart export orders|payments|refunds --merchant ID --from ISO --to ISO [--out FILE]';

export async function runExport(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, { merchant: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } });
  const kind = positionals[0];
  if (!EXPORT_KINDS.includes(kind as ExportKind) || positionals.length !== 1) throw new UsageError(USAGE);
  const merchantId = required(values.merchant, 'merchant');
  const range = parseExportRange({ from: values.from, to: values.to });
  if (!range.ok) throw new UsageError(`--${range.error.message}\n${USAGE}`);
  const ctx = await openCliContext(cfg);
  try {
    if (!(await getMerchant(ctx.db, merchantId))) throw new UsageError(`no merchant ${merchantId}`);
    await recordAudit(ctx, ctx.db, {
      merchantId,
      type: 'export.downloaded',
      actor: cliActor,
      subject: kind,
      data: { kind, from: values.from ?? null, to: values.to ?? null },
    });
    const source = Readable.from(exportCsv(ctx.db, merchantId, kind as ExportKind, range.value));
    if (values.out) {
      // Written beside the target and renamed, so a failed export never leaves a half file under the name.
      const tmp = `${values.out}.partial`;
      await pipeline(source, fs.createWriteStream(tmp));
      fs.renameSync(tmp, values.out);
    } else {
      await pipeline(source, process.stdout, { end: false });
    }
  } finally {
    await ctx.close();
  }
  return 0;
}
