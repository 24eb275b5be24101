// Each merchant's RSA key pair for the Flows data endpoint. The private key is sealed
// with the SecretBox at rest and opened only to decrypt requests; the public key is
// printed and served so the merchant can register it with Meta (docs/flows.md).
import crypto, { type KeyObject } from 'node:crypto';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { getFlowKey, putFlowKey, type FlowKeyRow } from './flows.repository.ts';
import type { AppContext } from '../../platform/context.ts';

/** Stores a freshly generated pair (generate it before the transaction: it takes tens of ms). */
export async function storeFlowKeys(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  pair: { publicKeyPem: string; privateKeyPem: string },
  opts: { rotate: boolean },
): Promise<Result<FlowKeyRow>> {
  const row = await putFlowKey(
    tx,
    { merchant_id: merchantId, public_key_pem: pair.publicKeyPem, private_key: ctx.secrets.seal(pair.privateKeyPem), created_at: ctx.clock.now() },
    opts.rotate,
  );
  if (!row)
    return err(domainError('conflict', 'This merchant already has a Flows key pair. Rotate it to replace it, then register the new public key with Meta.'));
  return ok(row);
}

/** The endpoint URL a merchant's Flows use (set as the Flow's endpoint_uri in WhatsApp Manager). */
export function flowEndpointUrl(ctx: Pick<AppContext, 'publicUrl'>, merchantId: string): string {
  return `${ctx.publicUrl}/flows/endpoint/${merchantId}`;
}

/**
 * Opened private keys by merchant. The database row is read on every request (cheap,
 * and it makes a rotation take effect at once); the RSA key is parsed again only when
 * the sealed value changed.
 */
export class FlowKeyCache {
  private readonly keys = new Map<string, { sealed: string; key: KeyObject }>();

  async privateKey(ctx: AppContext, q: Queryable, merchantId: string): Promise<KeyObject | undefined> {
    const row = await getFlowKey(q, merchantId);
    if (!row) return undefined;
    const hit = this.keys.get(merchantId);
    if (hit && hit.sealed === row.private_key) return hit.key;
    const key = crypto.createPrivateKey(ctx.secrets.open(row.private_key));
    if (this.keys.size >= 10_000) this.keys.clear();
    this.keys.set(merchantId, { sealed: row.private_key, key });
    return key;
  }
}
