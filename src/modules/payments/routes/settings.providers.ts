// Provider credentials and webhook secrets: write-only (never returned), sealed at rest.
import { z } from 'zod';
import { listConfiguredProviders, setProviderAccount } from '../payments.provider-accounts.ts';
import { domainError } from '../../../domain/errors.ts';
import { err, ok } from '../../../domain/result.ts';
import type { App } from '../../../platform/http/app.ts';
import { mutate } from '../../../platform/http/mutation.ts';
import type { RouteDeps } from '../../../platform/http/route-deps.ts';
import { configuredProviderListSchema, providerSettingsSchema } from '../payments.present.ts';

const secret = z.string().min(8).max(500);
export const PROVIDER_SETTINGS = {
  stripe: z.strictObject({ secret_key: secret, webhook_secret: secret }),
  razorpay: z.strictObject({ key_id: secret, key_secret: secret, webhook_secret: secret }),
  sandbox: z.strictObject({ key_id: secret, key_secret: secret, webhook_secret: secret }),
} as const;

export function register(app: App, { ctx }: RouteDeps) {
  app.put<{ Params: { provider: string } }>(
    '/v1/settings/providers/:provider',
    {
      schema: {
        response: { 200: providerSettingsSchema },
        summary: "Set a provider's credentials and webhook secret (write-only; a new webhook secret keeps the old one valid for 24 h)",
        params: z.strictObject({ provider: z.enum(['stripe', 'razorpay', 'sandbox']) }),
        body: z.record(z.string(), z.string()),
      },
    },
    (req, reply) =>
      mutate(ctx, req, reply, req.merchantId, {
        status: 200,
        run: async (tx) => {
          const provider = req.params.provider as keyof typeof PROVIDER_SETTINGS;
          if (provider === 'sandbox' && ctx.mode === 'live') return err(domainError('validation_error', 'the sandbox provider is not available in live mode'));
          const parsed = PROVIDER_SETTINGS[provider].safeParse(req.body);
          if (!parsed.success) {
            const i = parsed.error.issues[0]!;
            return err(
              domainError(
                'validation_error',
                `body.${i.path.join('.')}: ${i.message}`,
                parsed.error.issues.map((x) => ({ path: `body.${x.path.join('.')}`, message: x.message })),
              ),
            );
          }
          const { webhook_secret, ...credentials } = parsed.data;
          await setProviderAccount(ctx, tx, req.merchantId, provider, { credentials, webhookSecret: webhook_secret });
          return ok({ provider, configured: true, webhook_url: `${ctx.publicUrl}/webhooks/providers/${provider}/${req.merchantId}` });
        },
        present: (v) => ({ object: 'provider_settings' as const, ...v }),
      }),
  );
  app.get(
    '/v1/settings/providers',
    { schema: { response: { 200: configuredProviderListSchema }, summary: 'Which providers are configured (secrets are never returned)' } },
    async (req, reply) => {
      const data = (await listConfiguredProviders(ctx.db, req.merchantId)).map((p) => ({
        ...p,
        webhook_url: `${ctx.publicUrl}/webhooks/providers/${p.provider}/${req.merchantId}`,
      }));
      return reply.send({ object: 'list' as const, data, has_more: false });
    },
  );
}
