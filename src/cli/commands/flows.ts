// `chatcart flows keygen|pubkey --merchant ID`: the merchant's Flows key pair. keygen
// makes a 2048-bit RSA pair, stores the private key sealed, and prints the public key
// (SPKI PEM) on stdout, ready for POST /{phone_number_id}/whatsapp_business_encryption
// (docs/flows.md). An existing pair is kept unless --rotate is given.
import { generateFlowKeyPair } from '../../adapters/flows/flow-crypto.ts';
import { flowEndpointUrl, storeFlowKeys } from '../../modules/flows/index.ts';
import type { Config } from '../../config.ts';
import { getFlowKey } from '../../modules/flows/index.ts';
import { getMerchant } from '../../modules/merchants/index.ts';
import { flags, required, UsageError } from '../args.ts';
import { openCliContext } from '../context.ts';
import { runFlowKeywords } from './flows-keywords.ts';

const USAGE = 'usage: chatcart flows keygen --merchant ID [--rotate] [--json] | chatcart flows pubkey --merchant ID [--json]';

export async function runFlows(cfg: Config, argv: string[]): Promise<number> {
  if (argv[0] === 'keywords') return runFlowKeywords(cfg, argv.slice(1));
  const { values, positionals } = flags(argv, { merchant: { type: 'string' }, rotate: { type: 'boolean' }, json: { type: 'boolean' } });
  const sub = positionals[0];
  if (sub !== 'keygen' && sub !== 'pubkey') throw new UsageError(USAGE);
  const merchantId = required(values.merchant, 'merchant');
  const ctx = await openCliContext(cfg);
  try {
    if (!(await getMerchant(ctx.db, merchantId))) throw new UsageError(`no merchant ${merchantId}`);
    let row = await getFlowKey(ctx.db, merchantId);
    if (sub === 'keygen') {
      if (row && !values.rotate)
        throw new UsageError(`merchant ${merchantId} already has a Flows key pair; pass --rotate to replace it (then register the new public key with Meta)`);
      const pair = await generateFlowKeyPair();
      const r = await ctx.db.transaction((tx) => storeFlowKeys(ctx, tx, merchantId, pair, { rotate: !!values.rotate }));
      if (!r.ok) throw new UsageError(r.error.message);
      row = r.value;
    }
    if (!row) throw new UsageError(`merchant ${merchantId} has no Flows key pair; run chatcart flows keygen --merchant ${merchantId}`);
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({ merchant_id: merchantId, public_key: row.public_key_pem, created_at: row.created_at.toISOString(), endpoint_url: flowEndpointUrl(ctx, merchantId) })}\n`,
      );
    } else {
      // The PEM alone on stdout (pipe it to a file or to curl); the next step on stderr.
      process.stdout.write(row.public_key_pem.endsWith('\n') ? row.public_key_pem : `${row.public_key_pem}\n`);
      if (sub === 'keygen')
        process.stderr.write(
          `Register it with Meta: POST /{phone_number_id}/whatsapp_business_encryption business_public_key=<this PEM>; endpoint URL ${flowEndpointUrl(ctx, merchantId)}\n`,
        );
    }
  } finally {
    await ctx.close();
  }
  return 0;
}
