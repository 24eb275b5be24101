// API keys as the API shows them: the secret only once, at creation.
import { iso } from '../../platform/http/page.ts';
import type { ApiKeyRow } from './merchants.repository.ts';

export function presentApiKey(k: ApiKeyRow, secret?: string) {
  return {
    id: k.id,
    object: 'api_key',
    name: k.name,
    prefix: k.prefix,
    created_at: iso(k.created_at),
    expires_at: iso(k.expires_at),
    revoked_at: iso(k.revoked_at),
    last_used_at: iso(k.last_used_at),
    ...(secret ? { key: secret } : {}),
  };
}
