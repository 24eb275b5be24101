// The Cloud API double's whatsapp_business_encryption edge: a sandbox number takes the
// merchant's Flows public key exactly as Meta does (POST with form field
// business_public_key; GET returns it with business_public_key_signature_status), so
// docs/flows.md's registration step is tried end to end without Meta. The simulated
// phone encrypts its Flow requests with the key registered here.
import crypto from 'node:crypto';
import { sandboxBusinessKey, saveBusinessKey } from './wa-keys.repository.ts';
import { graphErrorHandler, sendGraphError, fail } from './wa.errors.ts';
import { authorize } from './wa.http.ts';
import type { App, SandboxContext } from '../host.ts';

type Params = { version: string; phone_number_id: string };

/** Meta takes a 2048-bit RSA public key in PEM; anything else is (#100) Invalid parameter. */
function checkKey(pem: unknown): string | undefined {
  if (typeof pem !== 'string' || pem.length > 10_000) return undefined;
  try {
    const key = crypto.createPublicKey(pem);
    return key.asymmetricKeyType === 'rsa' && key.asymmetricKeyDetails?.modulusLength === 2048 ? pem : undefined;
  } catch {
    return undefined;
  }
}

export async function registerSandboxEncryption(app: App, ctx: SandboxContext): Promise<void> {
  if (ctx.mode !== 'sandbox') return;
  await app.register(
    async (api) => {
      api.setErrorHandler(graphErrorHandler);
      // Graph takes form fields; JSON too, as everywhere in the double.
      api.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
        done(null, Object.fromEntries(new URLSearchParams(String(body)))),
      );
      api.post<{ Params: Params; Body: unknown }>('/:version/:phone_number_id/whatsapp_business_encryption', { schema: { hide: true } }, async (req, reply) => {
        const n = await authorize(ctx, req, reply, req.params.phone_number_id, req.params.version);
        if (!n) return reply;
        const given = (req.body as Record<string, unknown> | undefined)?.['business_public_key'];
        const pem = checkKey(given);
        if (!pem)
          return sendGraphError(
            reply,
            fail(
              100,
              given === undefined ? 'The parameter business_public_key is required' : 'business_public_key must be a 2048-bit RSA public key in PEM format',
            ),
          );
        await saveBusinessKey(ctx.db, n.phone_number_id, pem, ctx.clock.now());
        return reply.send({ success: true });
      });
      api.get<{ Params: Params }>('/:version/:phone_number_id/whatsapp_business_encryption', { schema: { hide: true } }, async (req, reply) => {
        const n = await authorize(ctx, req, reply, req.params.phone_number_id, req.params.version);
        if (!n) return reply;
        const pem = await sandboxBusinessKey(ctx.db, n.phone_number_id);
        return reply.send({ data: pem ? [{ business_public_key: pem, business_public_key_signature_status: 'VALID' }] : [] });
      });
    },
    { prefix: '/sandbox/graph' },
  );
}
