// A merchant's account at a payment provider: credentials and webhook secrets,
// sealed at rest and opened only for a call. Rotating the webhook secret keeps the
// old one valid for a grace period, so deliveries signed before the switch still pass.
import { domainError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Queryable, Tx } from '../../platform/store/db.ts';
import { getProviderAccount, listProviderAccounts, upsertProviderAccount } from './provider-accounts.repository.ts';
import type { AppContext } from '../../platform/context.ts';
import type { PaymentProviderAdapter, ProviderCredentials } from '../../platform/payment-provider.port.ts';

export const WEBHOOK_SECRET_GRACE_MS = 24 * 3600_000;

interface StoredSecret {
  secret: string;
  retire_at?: string;
}

export interface OpenedAccount {
  credentials: ProviderCredentials;
  /** Secrets accepted now: the current one first, then any still in their grace period. */
  webhookSecrets: string[];
}

export function adapterFor(ctx: AppContext, provider: string): Result<PaymentProviderAdapter> {
  const a = ctx.providers?.get(provider);
  if (!a) return err(domainError('validation_error', `payment provider ${provider} is not available here`, { path: 'provider' }));
  if (provider === 'sandbox' && ctx.mode === 'live') return err(domainError('validation_error', 'the sandbox provider is not available in live mode'));
  return ok(a);
}

export async function openProviderAccount(ctx: AppContext, q: Queryable, merchantId: string, provider: string): Promise<OpenedAccount | undefined> {
  const row = await getProviderAccount(q, merchantId, provider);
  if (!row) return undefined;
  const now = ctx.clock.now().getTime();
  const secrets = JSON.parse(ctx.secrets.open(row.webhook_secrets)) as StoredSecret[];
  return {
    credentials: JSON.parse(ctx.secrets.open(row.credentials)) as ProviderCredentials,
    webhookSecrets: secrets.filter((s) => !s.retire_at || Date.parse(s.retire_at) > now).map((s) => s.secret),
  };
}

export async function setProviderAccount(
  ctx: AppContext,
  tx: Tx,
  merchantId: string,
  provider: string,
  input: { credentials: ProviderCredentials; webhookSecret: string },
): Promise<void> {
  const now = ctx.clock.now();
  const existing = await openProviderAccount(ctx, tx, merchantId, provider);
  const secrets: StoredSecret[] = [{ secret: input.webhookSecret }];
  // A new secret: the previous current one stays valid for the grace period.
  if (existing && existing.webhookSecrets[0] && existing.webhookSecrets[0] !== input.webhookSecret) {
    secrets.push({ secret: existing.webhookSecrets[0], retire_at: new Date(now.getTime() + WEBHOOK_SECRET_GRACE_MS).toISOString() });
  }
  await upsertProviderAccount(tx, {
    merchantId,
    provider,
    credentials: ctx.secrets.seal(JSON.stringify(input.credentials)),
    webhookSecrets: ctx.secrets.seal(JSON.stringify(secrets)),
    now,
  });
}

export async function listConfiguredProviders(q: Queryable, merchantId: string) {
  return (await listProviderAccounts(q, merchantId)).map((a) => ({ provider: a.provider, configured: true, updated_at: a.updated_at.toISOString() }));
}

/**
 * The adapter and the opened account for a merchant's provider. In sandbox mode a
 * sandbox provider account is opened on first use, so a new merchant can take test
 * payments at once.
 */
export async function accountFor(
  ctx: AppContext,
  merchantId: string,
  provider: string,
): Promise<Result<{ adapter: PaymentProviderAdapter; account: OpenedAccount }>> {
  const adapter = adapterFor(ctx, provider);
  if (!adapter.ok) return adapter;
  const source = ctx.accountSources.get(provider);
  if (source) return ok({ adapter: adapter.value, account: { credentials: await source(ctx, merchantId), webhookSecrets: [] } });
  let account = await openProviderAccount(ctx, ctx.db, merchantId, provider);
  const provision = adapter.value.provisionAccount;
  if (!account && provision && ctx.mode === 'sandbox') {
    await ctx.db.transaction(async (tx) => {
      if (await getProviderAccount(tx, merchantId, provider)) return;
      const p = await provision.call(adapter.value, tx, merchantId);
      await setProviderAccount(ctx, tx, merchantId, provider, { credentials: p.credentials, webhookSecret: p.webhookSecret });
    });
    account = await openProviderAccount(ctx, ctx.db, merchantId, provider);
  }
  if (!account)
    return err(
      domainError('validation_error', `payment provider ${provider} is not configured for this merchant: PUT /v1/settings/providers/${provider}`, {
        path: 'payment.provider',
      }),
    );
  return ok({ adapter: adapter.value, account });
}
