// API keys: 32 random bytes, shown once, stored as a sha256 hash (a fast hash is
// enough for a high-entropy key and lets us find the key by its hash). The prefix
// (mode + first characters) is what lists show. A live server takes only cc_live_ keys,
// and none of the sandbox's demo merchant (docs/operations.md, "Going live"). A merchant
// has at most MAX_ACTIVE_KEYS working keys: its rate limit is shared by all of them, and
// the cap keeps a runaway script from minting keys without end.
import crypto from 'node:crypto';
import { newId, newSecretToken } from '../../domain/ids.ts';
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Tx } from '../../platform/store/db.ts';
import * as repo from './merchants.repository.ts';
import type { ApiKeyRow } from './merchants.repository.ts';
import type { AppContext, Mode } from '../../platform/context.ts';

export const hashApiKey = (key: string): string => crypto.createHash('sha256').update(key).digest('hex');

export function mintApiKey(mode: Mode): { key: string; prefix: string; hash: string } {
  const key = `cc_${mode === 'live' ? 'live' : 'test'}_${newSecretToken(32)}`;
  return { key, prefix: key.slice(0, 16), hash: hashApiKey(key) };
}

/** The most keys a merchant may have working at once (revoked and expired keys do not count). */
export const MAX_ACTIVE_KEYS = 100;

const AT_CAP = `This merchant has ${MAX_ACTIVE_KEYS} active API keys, the most allowed: revoke one first (or rotate without a grace period)`;

/**
 * Why no key may be made for this merchant now, if that is so (`addsOne`: the new key adds
 * to the working ones rather than replacing one). Locks the merchant's row until the
 * transaction ends, so that concurrent requests cannot both take the last place.
 */
async function refuseNewKey(ctx: AppContext, tx: Tx, merchantId: string, o: { addsOne: boolean }): Promise<Result<void>> {
  const merchant = await repo.getMerchant(tx, merchantId, { forUpdate: true });
  if (!merchant) return err(domainError('not_found', `No merchant ${merchantId}`));
  if (merchant.demo && ctx.mode === 'live') return err(domainError('forbidden', DEMO_INERT));
  if (o.addsOne && (await repo.countActiveKeys(tx, merchantId, ctx.clock.now())) >= MAX_ACTIVE_KEYS) return err(domainError('conflict', AT_CAP));
  return ok(undefined);
}

const DEMO_INERT = "This merchant is the sandbox's demo merchant, which is inert in live mode: create your own merchant (chatcart merchants create)";

export async function createApiKey(ctx: AppContext, tx: Tx, merchantId: string, name: string | null): Promise<Result<{ row: ApiKeyRow; key: string }>> {
  const refused = await refuseNewKey(ctx, tx, merchantId, { addsOne: true });
  if (!refused.ok) return refused;
  return ok(await insertNewKey(ctx, tx, merchantId, name));
}

async function insertNewKey(ctx: AppContext, tx: Tx, merchantId: string, name: string | null): Promise<{ row: ApiKeyRow; key: string }> {
  const minted = mintApiKey(ctx.mode);
  const row = await repo.insertApiKey(tx, {
    id: newId('key'),
    merchantId,
    name,
    prefix: minted.prefix,
    keyHash: minted.hash,
    now: ctx.clock.now(),
  });
  return { row, key: minted.key };
}

/**
 * Rotation: a new key now; the old one stops working at once, or after `graceSeconds`
 * so that deployments can switch over without downtime. Without a grace period the new
 * key takes the old one's place, so it is allowed at the cap; with one, both work for a
 * while, so it needs a free place.
 */
export async function rotateApiKey(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  keyId: string,
  graceSeconds: number,
): Promise<Result<{ row: ApiKeyRow; key: string; old: ApiKeyRow }>> {
  const existing = await repo.getApiKey(tx, merchantId, keyId);
  if (!existing || existing.revoked_at) return err(domainError('not_found', `No live API key ${keyId}`));
  const refused = await refuseNewKey(ctx, tx, merchantId, { addsOne: graceSeconds > 0 });
  if (!refused.ok) return refused;
  const now = ctx.clock.now();
  const old =
    graceSeconds > 0
      ? await repo.endApiKey(tx, merchantId, keyId, { expiresAt: new Date(now.getTime() + graceSeconds * 1000) })
      : await repo.endApiKey(tx, merchantId, keyId, { revokedAt: now });
  const created = await insertNewKey(ctx, tx, merchantId, existing.name);
  return ok({ ...created, old: old! });
}

export async function revokeApiKey(ctx: AppContext, tx: Tx, merchantId: string, keyId: string): Promise<Result<ApiKeyRow>> {
  const row = await repo.endApiKey(tx, merchantId, keyId, { revokedAt: ctx.clock.now() });
  return row ? ok(row) : err(domainError('not_found', `No live API key ${keyId}`));
}

export interface Authenticated {
  merchantId: string;
  keyId: string;
  /** The merchant's settings as of this request (a use case that needs them reads no more). */
  merchantSettings: Record<string, unknown>;
}

/** How often last_used_at moves at most. */
const TOUCH_EVERY_MS = 60_000;

const NOT_VALID = 'The API key is not valid (wrong, revoked or rotated out)';

/**
 * Who a presented key acts for, or why it is refused (401). In live mode a test key is
 * refused before any lookup, and so is every key of the sandbox's demo merchant.
 */
export async function authenticate(ctx: AppContext, presented: string): Promise<Result<Authenticated>> {
  if (!/^cc_(test|live)_[A-Za-z0-9_-]{43}$/.test(presented)) return err(domainError('unauthorized', NOT_VALID));
  if (ctx.mode === 'live' && presented.startsWith('cc_test_')) {
    return err(
      domainError(
        'unauthorized',
        'This is a test key (cc_test_), and this server runs in live mode, where only live keys (cc_live_) work: create one with chatcart keys create --merchant <id>',
      ),
    );
  }
  const now = ctx.clock.now();
  const row = await repo.findLiveKeyByHash(ctx.db, hashApiKey(presented), now);
  if (!row) return err(domainError('unauthorized', NOT_VALID));
  if (row.merchant_demo && ctx.mode === 'live') {
    return err(domainError('unauthorized', "This key belongs to the sandbox's demo merchant, which is inert in live mode"));
  }
  // Best effort: last_used_at is for humans, not for security. Once a minute per key is
  // enough: the database also refuses to move it more often (several processes), and this
  // process does not even send the statement in between (one round trip less per request).
  const last = row.last_used_at ? new Date(row.last_used_at).getTime() : Number.NEGATIVE_INFINITY;
  if (now.getTime() - last >= TOUCH_EVERY_MS) {
    repo.touchApiKey(ctx.db, row.id, now).catch((e) => ctx.log.warn({ err: e, key: row.id }, 'could not record when an API key was last used'));
  }
  return ok({ merchantId: row.merchant_id, keyId: row.id, merchantSettings: row.merchant_settings ?? {} });
}
