// API keys (owner): the list, a new key shown once, rotation (the old key stops now or
// after a grace period), revocation.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, body } from '../api/client.ts';
import { idem, useAction, usePresentation } from '../api/hooks.ts';
import type { ApiKey, List } from '../api/types.ts';
import { formatDateTime } from '../format.ts';
import { Dialog } from '../ui/dialog.tsx';
import { Badge, Field } from '../ui/field.tsx';
import { ErrorNote, Loaded } from '../ui/states.tsx';

const t = {
  title: 'API keys',
  none: 'No API keys.',
  name: 'Name',
  create: 'Create a key',
  shownOnce: 'The new key, shown only now. Copy it into your backend; it cannot be shown again:',
  rotate: 'Rotate',
  revoke: 'Revoke',
  revoked: 'revoked',
  active: 'active',
  lastUsed: 'last used',
  never: 'never used',
  revokeTitle: 'Revoke this key?',
  revokeText: (name: string) => `Every call with "${name}" fails from now on.`,
  confirm: 'Revoke the key',
  back: 'Back',
};

export function ApiKeysSettings() {
  const p = usePresentation();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => body<List<ApiKey>>(api.GET('/v1/api-keys')) });
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const invalidate = [['api-keys']];
  const create = useAction((n: string, key) => body<ApiKey>(api.POST('/v1/api-keys', { body: n ? { name: n } : {}, ...idem(key) })), {
    invalidate,
    onSuccess: (k) => {
      setSecret(k.key ?? null);
      setName('');
    },
  });
  const rotate = useAction((id: string, key) => body<ApiKey>(api.POST('/v1/api-keys/{id}/rotate', { params: { path: { id } }, body: {}, ...idem(key) })), {
    invalidate,
    onSuccess: (k) => setSecret(k.key ?? null),
  });
  const revoke = useAction((id: string, key) => body(api.POST('/v1/api-keys/{id}/revoke', { params: { path: { id } }, ...idem(key) })), {
    invalidate,
    onSuccess: () => setRevoking(null),
  });
  return (
    <section className="card" aria-labelledby="keys-h">
      <h2 id="keys-h">{t.title}</h2>
      <Loaded q={keys} isEmpty={(l) => l.data.length === 0} empty={t.none}>
        {(l) => (
          <ul className="plain" data-testid="api-keys">
            {l.data.map((k) => (
              <li key={k.id} className="booking">
                <span>
                  <strong>{k.name}</strong> <code>{k.prefix}…</code>{' '}
                  <Badge value={k.revoked_at ? t.revoked : t.active} kind={k.revoked_at ? 'failed' : 'paid'} />{' '}
                  <span className="muted">{k.last_used_at ? `${t.lastUsed} ${formatDateTime(k.last_used_at, p)}` : t.never}</span>
                </span>
                {k.revoked_at ? null : (
                  <span className="actions">
                    <button type="button" onClick={() => rotate.mutate(k.id)} disabled={rotate.isPending} aria-label={`${t.rotate} ${k.name}`}>
                      {t.rotate}
                    </button>
                    <button type="button" className="danger" onClick={() => setRevoking(k)} aria-label={`${t.revoke} ${k.name}`}>
                      {t.revoke}
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <form
        className="inline"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          create.mutate(name);
        }}
      >
        <Field label={t.name} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="primary" disabled={create.isPending}>
          {t.create}
        </button>
      </form>
      <ErrorNote error={create.error ?? rotate.error} />
      {secret ? (
        <div className="note" role="status">
          {t.shownOnce}
          <code className="secret" data-testid="new-api-key">
            {secret}
          </code>
        </div>
      ) : null}
      <Dialog open={!!revoking} title={t.revokeTitle} onClose={() => setRevoking(null)} testId="revoke-dialog">
        <p>{t.revokeText(revoking?.name ?? '')}</p>
        <ErrorNote error={revoke.error} />
        <div className="actions">
          <button type="button" className="danger" disabled={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking.id)}>
            {t.confirm}
          </button>
          <button type="button" onClick={() => setRevoking(null)}>
            {t.back}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
