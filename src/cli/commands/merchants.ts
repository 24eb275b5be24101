import { onboardMerchant } from '../../composition/onboarding.ts';
import { checkBusinessSettings } from '../../domain/business.ts';
import type { Config } from '../../config.ts';
import { listMerchants } from '../../modules/merchants/index.ts';
import { flags, required, UsageError } from '../args.ts';
import { openCliContext } from '../context.ts';

export async function runMerchants(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, {
    name: { type: 'string' },
    json: { type: 'boolean' },
    'time-zone': { type: 'string' },
    locale: { type: 'string' },
    currency: { type: 'string' },
  });
  const sub = positionals[0];
  if (sub !== 'create' && sub !== 'list')
    throw new UsageError(
      'usage: chatcart merchants create --name NAME [--time-zone IANA] [--locale BCP47] [--currency ISO4217] [--json] | merchants list [--json]',
    );
  const name = sub === 'create' ? required(values.name, 'name').trim() : '';
  if (sub === 'create' && (name.length === 0 || name.length > 200)) throw new UsageError('--name must be 1 to 200 characters');
  // The business settings (GET|PATCH /v1/settings/business), checked before anything is opened.
  const business = checkBusinessSettings({ time_zone: values['time-zone'], locale: values.locale, currency: values.currency });
  if (!business.ok) throw new UsageError(`--${business.error.path.replace('_', '-')}: ${business.error.message.replace(/^[a-z_]+: /, '')}`);
  const { time_zone, locale, currency } = business.value;
  const ctx = await openCliContext(cfg);
  try {
    if (sub === 'create') {
      const { merchant, apiKey } = await ctx.db.transaction((tx) =>
        onboardMerchant(ctx, tx, name, {
          business: { ...(time_zone ? { time_zone } : {}), ...(locale ? { locale } : {}), ...(currency ? { currency } : {}) },
        }),
      );
      const out = {
        id: merchant.id,
        name: merchant.name,
        api_key: apiKey,
        mode: ctx.mode,
        time_zone: merchant.time_zone,
        locale: merchant.locale,
        currency: merchant.currency,
        created_at: merchant.created_at.toISOString(),
      };
      process.stdout.write(
        values.json ? `${JSON.stringify(out)}\n` : `Created merchant ${out.id} (${out.name}).\nAPI key (shown only once, store it now): ${apiKey}\n`,
      );
    } else {
      const rows = await listMerchants(ctx.db);
      const data = rows.map((m) => ({ id: m.id, name: m.name, created_at: m.created_at.toISOString() }));
      process.stdout.write(values.json ? `${JSON.stringify(data)}\n` : data.map((m) => `${m.id}  ${m.name}`).join('\n') + '\n');
    }
  } finally {
    await ctx.close();
  }
  return 0;
}
