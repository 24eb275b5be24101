// Webhook endpoints (owner): add one (its signing secret shown once), enable or disable,
// rotate the secret (shown once), send a test event, see its attempts, replay events; and
// the failed deliveries across every endpoint, each replayable.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, body } from '../api/client.ts';
import { idem, useAction, usePresentation } from '../api/hooks.ts';
import type { List, WebhookAttempt as Attempt, WebhookDelivery, WebhookEndpoint as Endpoint } from '../api/types.ts';
import { formatDateTime } from '../format.ts';
import { Dialog } from '../ui/dialog.tsx';
import { Badge, Field } from '../ui/field.tsx';
import { ErrorNote, Loaded } from '../ui/states.tsx';

const t = {
  endpoints: 'Webhook endpoints',
  none: 'No endpoint yet: add the URL of your CRM or backend.',
  url: 'Endpoint URL (https)',
  description: 'Description (optional)',
  add: 'Add endpoint',
  secretOnce: 'The signing secret, shown only now. Keep it where your receiver can read it:',
  enabled: 'enabled',
  disabled: 'disabled',
  enable: 'Enable',
  disable: 'Disable',
  rotate: 'Rotate secret',
  test: 'Send a test event',
  tested: 'Test event queued.',
  attempts: 'Attempts',
  hideAttempts: 'Hide attempts',
  noAttempts: 'No attempts yet.',
  remove: 'Delete',
  removeTitle: 'Delete this endpoint?',
  removeText: (url: string) => `Nothing more is sent to ${url}; its delivery history goes with it.`,
  back: 'Back',
  replay: 'Replay the last 24 hours',
  replayed: (n: unknown) => `Replay queued${typeof n === 'number' ? `: ${n} events` : ''}.`,
  failed: 'Failed deliveries (all endpoints)',
  noFailed: 'No failed deliveries.',
  replayOne: 'Replay',
};

export function WebhookSettings() {
  const p = usePresentation();
  const endpoints = useQuery({ queryKey: ['webhook-endpoints'], queryFn: () => body<List<Endpoint>>(api.GET('/v1/webhook-endpoints')) });
  const failed = useQuery({
    queryKey: ['webhook-deliveries', 'failed'],
    queryFn: () => body<List<WebhookDelivery>>(api.GET('/v1/webhook-deliveries', { params: { query: { status: 'failed', limit: 20 } } })),
  });
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAction(
    (v: { url: string; description: string }, key) =>
      body<Endpoint>(api.POST('/v1/webhook-endpoints', { body: { url: v.url, ...(v.description ? { description: v.description } : {}) }, ...idem(key) })),
    {
      invalidate: [['webhook-endpoints']],
      onSuccess: (e) => {
        setSecret(e.secret ?? null);
        setUrl('');
        setDescription('');
      },
    },
  );
  const replayOne = useAction(
    (d: WebhookDelivery, key) =>
      body(api.POST('/v1/webhook-endpoints/{id}/replay', { params: { path: { id: d.endpoint_id } }, body: { event_id: d.event_id }, ...idem(key) })),
    { invalidate: [['webhook-deliveries']] },
  );
  return (
    <>
      <section className="card" aria-labelledby="wh-h">
        <h2 id="wh-h">{t.endpoints}</h2>
        <Loaded q={endpoints} isEmpty={(l) => l.data.length === 0} empty={t.none}>
          {(l) => (
            <ul className="plain">
              {l.data.map((e) => (
                <EndpointRow key={e.id} e={e} />
              ))}
            </ul>
          )}
        </Loaded>
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            create.mutate({ url, description });
          }}
        >
          <Field label={t.url} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
          <Field label={t.description} maxLength={200} value={description} onChange={(e) => setDescription(e.target.value)} />
          <ErrorNote error={create.error} />
          <button type="submit" className="primary" disabled={create.isPending}>
            {t.add}
          </button>
        </form>
        {secret ? (
          <div className="note" role="status">
            {t.secretOnce}
            <code className="secret" data-testid="webhook-secret">
              {secret}
            </code>
          </div>
        ) : null}
      </section>
      <section className="card" aria-labelledby="failed-h">
        <h2 id="failed-h">{t.failed}</h2>
        <Loaded q={failed} isEmpty={(l) => l.data.length === 0} empty={t.noFailed}>
          {(l) => (
            <ul className="plain">
              {l.data.map((d) => (
                <li key={d.id} className="booking">
                  <span>
                    {d.event_type} → {d.endpoint?.url ?? d.endpoint_id} · {d.last_error ?? d.last_status_code ?? ''} · {formatDateTime(d.updated_at, p)}
                  </span>
                  <button type="button" onClick={() => replayOne.mutate(d)} disabled={replayOne.isPending}>
                    {t.replayOne}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Loaded>
        <ErrorNote error={replayOne.error} />
      </section>
    </>
  );
}

function EndpointRow({ e }: { e: Endpoint }) {
  const p = usePresentation();
  const path = { params: { path: { id: e.id } } };
  const invalidate = [['webhook-endpoints']];
  const [showAttempts, setShowAttempts] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const toggle = useAction((enabled: boolean, key) => body(api.PATCH('/v1/webhook-endpoints/{id}', { ...path, body: { enabled }, ...idem(key) })), {
    invalidate,
  });
  const rotate = useAction(
    (_: undefined, key) => body<{ secret: string }>(api.POST('/v1/webhook-endpoints/{id}/rotate-secret', { ...path, body: {}, ...idem(key) })),
    {
      onSuccess: (r) => setSecret(r.secret),
    },
  );
  const test = useAction((_: undefined, key) => body(api.POST('/v1/webhook-endpoints/{id}/test', { ...path, ...idem(key) })), {
    onSuccess: () => setNote(t.tested),
  });
  const replay = useAction(
    (_: undefined, key) =>
      body<{ replayed?: number; count?: number }>(
        api.POST('/v1/webhook-endpoints/{id}/replay', {
          ...path,
          body: { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() },
          ...idem(key),
        }),
      ),
    { onSuccess: (r) => setNote(t.replayed(r.replayed ?? r.count)) },
  );
  const remove = useAction((_: undefined, key) => body(api.DELETE('/v1/webhook-endpoints/{id}', { ...path, ...idem(key) })), { invalidate });
  const attempts = useQuery({
    queryKey: ['webhook-endpoints', e.id, 'attempts'],
    enabled: showAttempts,
    queryFn: () => body<List<Attempt>>(api.GET('/v1/webhook-endpoints/{id}/attempts', { ...path, params: { ...path.params, query: { limit: 20 } as never } })),
  });
  return (
    <li>
      <p>
        <strong>{e.url}</strong> <Badge value={e.enabled ? t.enabled : t.disabled} kind={e.enabled ? 'paid' : 'failed'} />
        {e.description ? <span className="muted"> · {e.description}</span> : null}
        {e.disabled_reason ? <span className="muted"> · {e.disabled_reason}</span> : null}
      </p>
      <div className="actions">
        <button type="button" onClick={() => toggle.mutate(!e.enabled)} disabled={toggle.isPending}>
          {e.enabled ? t.disable : t.enable}
        </button>
        <button type="button" onClick={() => test.mutate(undefined)} disabled={test.isPending}>
          {t.test}
        </button>
        <button type="button" onClick={() => replay.mutate(undefined)} disabled={replay.isPending}>
          {t.replay}
        </button>
        <button type="button" onClick={() => rotate.mutate(undefined)} disabled={rotate.isPending}>
          {t.rotate}
        </button>
        <button type="button" onClick={() => setShowAttempts(!showAttempts)} aria-expanded={showAttempts}>
          {showAttempts ? t.hideAttempts : t.attempts}
        </button>
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          {t.remove}
        </button>
      </div>
      <Dialog open={confirming} title={t.removeTitle} onClose={() => setConfirming(false)}>
        <p>{t.removeText(e.url)}</p>
        <ErrorNote error={remove.error} />
        <div className="actions">
          <button type="button" className="danger" onClick={() => remove.mutate(undefined)} disabled={remove.isPending}>
            {t.remove}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t.back}
          </button>
        </div>
      </Dialog>
      {note ? (
        <p role="status" className="muted">
          {note}
        </p>
      ) : null}
      {secret ? (
        <div className="note" role="status">
          {t.secretOnce}
          <code className="secret">{secret}</code>
        </div>
      ) : null}
      {[toggle, rotate, test, replay]
        .filter((m) => m.error)
        .map((m) => (
          <ErrorNote key={String(m.error)} error={m.error} />
        ))}
      {showAttempts ? (
        <Loaded q={attempts} isEmpty={(l) => l.data.length === 0} empty={t.noAttempts}>
          {(l) => (
            <ul className="plain">
              {l.data.map((a) => (
                <li key={a.id}>
                  {formatDateTime(a.created_at, p)} · {a.event_type} · #{a.attempt} · {a.status_code ?? a.error ?? '—'}
                  {a.latency_ms !== null ? ` · ${a.latency_ms} ms` : ''}
                </li>
              ))}
            </ul>
          )}
        </Loaded>
      ) : null}
    </li>
  );
}
