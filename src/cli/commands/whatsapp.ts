// chatcart whatsapp show|set: a merchant's WhatsApp settings from the command line,
// through the same use case as PATCH /v1/settings/whatsapp.
import { updateWhatsAppSettings, type WhatsAppSettingsInput } from '../../modules/whatsapp/index.ts';
import type { Config } from '../../config.ts';
import { getMerchant } from '../../modules/merchants/index.ts';
import { getNumberByMerchant } from '../../modules/whatsapp/index.ts';
import { flags, required, UsageError } from '../args.ts';
import { cliActor, openCliContext } from '../context.ts';
import { recordAudit } from '../../modules/users/index.ts';

export async function runWhatsApp(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, {
    merchant: { type: 'string' },
    'phone-number-id': { type: 'string' },
    'display-phone-number': { type: 'string' },
    'waba-id': { type: 'string' },
    'catalog-id': { type: 'string' },
    'access-token': { type: 'string' },
    throughput: { type: 'string' },
    json: { type: 'boolean' },
  });
  const sub = positionals[0];
  if (sub !== 'show' && sub !== 'set')
    throw new UsageError(
      'usage: chatcart whatsapp show|set --merchant ID [--phone-number-id N] [--access-token T] [--waba-id N] [--catalog-id N] [--throughput N]',
    );
  const merchantId = required(values.merchant, 'merchant');
  const input: WhatsAppSettingsInput = {};
  if (values['phone-number-id']) input.phone_number_id = values['phone-number-id'];
  if (values['display-phone-number']) input.display_phone_number = values['display-phone-number'];
  if (values['waba-id']) input.waba_id = values['waba-id'];
  if (values['catalog-id']) input.catalog_id = values['catalog-id'];
  if (values['access-token']) input.access_token = values['access-token'];
  if (values.throughput !== undefined) {
    const n = Number(values.throughput);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError('--throughput must be a whole number from 1 to 1000');
    input.throughput_per_second = n;
  }
  for (const [k, v] of Object.entries({ 'phone-number-id': input.phone_number_id, 'waba-id': input.waba_id, 'catalog-id': input.catalog_id })) {
    if (v !== undefined && v !== null && !/^\d{1,32}$/.test(v)) throw new UsageError(`--${k} must be digits`);
  }
  const ctx = await openCliContext(cfg);
  try {
    if (!(await getMerchant(ctx.db, merchantId))) throw new UsageError(`no merchant ${merchantId}`);
    if (sub === 'set') {
      const r = await ctx.db.transaction(async (tx) => {
        const updated = await updateWhatsAppSettings(ctx, tx, merchantId, input);
        if (updated.ok && input.access_token) await recordAudit(ctx, tx, { merchantId, type: 'whatsapp_token.replaced', actor: cliActor });
        return updated;
      });
      if (!r.ok) throw new UsageError(r.error.message);
    }
    const n = await getNumberByMerchant(ctx.db, merchantId);
    const out = n
      ? {
          phone_number_id: n.phone_number_id,
          display_phone_number: n.display_phone_number,
          waba_id: n.waba_id,
          catalog_id: n.catalog_id,
          access_token_set: !!n.access_token,
          token_status: n.token_status,
          sandbox: n.sandbox,
          throughput_per_second: n.throughput_per_second,
        }
      : null;
    process.stdout.write(
      values.json
        ? `${JSON.stringify(out)}\n`
        : `${
            out
              ? Object.entries(out)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join('\n')
              : 'no WhatsApp number set'
          }\n`,
    );
  } finally {
    await ctx.close();
  }
  return 0;
}
