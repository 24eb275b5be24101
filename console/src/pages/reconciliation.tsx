// Reconciliation: upload a provider's settlement file, see the run's totals per category
// and its items, and apply it (book its fees and payouts: the same file imported with
// apply). Runs are listed newest first.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, body } from '../api/client.ts';
import { idem, useAction, usePresentation } from '../api/hooks.ts';
import type { List, Reconciliation as Run, ReconciliationItem as Item } from '../api/types.ts';
import { formatDateTime, formatMoney, humanize } from '../format.ts';
import { Badge, Select } from '../ui/field.tsx';
import { ErrorNote, Loaded } from '../ui/states.tsx';

const t = {
  title: 'Reconciliation',
  file: 'Settlement file (CSV)',
  format: 'Format',
  provider: 'Provider (optional)',
  upload: 'Upload and match',
  uploading: 'Matching…',
  runs: 'Runs',
  noRuns: 'No settlement file imported yet.',
  category: 'Category',
  count: 'Items',
  amount: 'Amount',
  items: 'Items',
  allCategories: 'All categories',
  apply: 'Apply: book fees and payouts',
  applied: 'Applied',
  reference: 'Reference',
  expected: 'Ours',
  actual: 'Report',
  note: 'Note',
  noItems: 'No items in this category.',
  rows: (n: number) => `${n} rows`,
  importing: 'Importing',
  progress: (rows: number, items: number) => `${rows} rows read, ${items} items matched so far`,
  failed: 'The file was refused',
  line: (n: number) => `line ${n}`,
  sandboxHint: 'In sandbox mode, the sandbox provider serves a settlement file to try this with: /sandbox/psp/settlements.csv (format razorpay).',
};

interface Upload {
  csv: string;
  file_name: string;
  format: string;
  provider: string;
}

const post = (u: Upload, apply: boolean, key: string) =>
  body<Run>(
    api.POST('/v1/reconciliations', {
      body: {
        format: u.format,
        csv: u.csv,
        file_name: u.file_name,
        ...(u.provider ? { provider: u.provider } : {}),
        ...(apply ? { apply: true } : {}),
      } as never,
      ...idem(key),
    }),
  );

export function Reconciliation() {
  const p = usePresentation();
  const [upload, setUpload] = useState<Upload | null>(null);
  const [format, setFormat] = useState('razorpay');
  const [provider, setProvider] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  // An import runs in a job: poll while a run is still importing (its progress and totals grow).
  const runs = useQuery({
    queryKey: ['reconciliations'],
    queryFn: () => body<List<Run>>(api.GET('/v1/reconciliations', { params: { query: { limit: 10 } } })),
    refetchInterval: (q) => (q.state.data?.data.some((r) => r.status === 'importing') ? 1000 : false),
  });
  const send = useAction((v: { u: Upload; apply: boolean }, key) => post(v.u, v.apply, key), {
    invalidate: [['reconciliations'], ['ledger']],
    onSuccess: (r) => setSelected(r.id),
  });
  const pick = async (file: File | undefined) => {
    send.renew();
    setUpload(file ? { csv: await file.text(), file_name: file.name, format, provider } : null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (upload) send.mutate({ u: { ...upload, format, provider }, apply: false });
  };
  const current = runs.data?.data.find((r) => r.id === selected) ?? runs.data?.data[0];
  return (
    <section className="card" aria-labelledby="recon-h">
      <h2 id="recon-h">{t.title}</h2>
      <form onSubmit={submit} className="upload">
        <div className="field">
          <label htmlFor="recon-file">{t.file}</label>
          <input id="recon-file" type="file" accept=".csv,text/csv" onChange={(e) => void pick(e.target.files?.[0])} data-testid="recon-file" />
        </div>
        <div className="row2">
          <Select
            label={t.format}
            value={format}
            onChange={(e) => {
              setFormat(e.target.value);
              send.renew();
            }}
          >
            <option value="razorpay">Razorpay (settlement recon)</option>
            <option value="stripe">Stripe (balance report)</option>
            <option value="generic">Generic CSV</option>
          </Select>
          <Select
            label={t.provider}
            value={provider}
            onChange={(e) => {
              setProvider(e.target.value);
              send.renew();
            }}
          >
            <option value="">—</option>
            <option value="sandbox">sandbox</option>
            <option value="razorpay">razorpay</option>
            <option value="stripe">stripe</option>
          </Select>
        </div>
        <button type="submit" className="primary" disabled={!upload || send.isPending} data-testid="recon-upload">
          {send.isPending ? t.uploading : t.upload}
        </button>
        {send.isPending ? <progress aria-label={t.uploading} /> : null}
        <p className="muted">{t.sandboxHint}</p>
      </form>
      <ErrorNote error={send.error} />
      <h3>{t.runs}</h3>
      <Loaded q={runs} isEmpty={(l) => l.data.length === 0} empty={t.noRuns}>
        {(l) => (
          <ul className="plain">
            {l.data.map((r) => (
              <li key={r.id}>
                <button type="button" className="link" aria-pressed={r.id === current?.id} onClick={() => setSelected(r.id)}>
                  {r.file_name ?? r.id}
                </button>{' '}
                · {r.format} · {t.rows(r.row_count)} · <Badge value={r.status} /> {r.apply ? <Badge value={t.applied} kind="paid" /> : null} ·{' '}
                {r.created_at ? formatDateTime(r.created_at, p) : ''}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      {current ? <RunDetail run={current} upload={upload} onApply={(u) => send.mutate({ u, apply: true })} applying={send.isPending} /> : null}
    </section>
  );
}

function RunDetail({ run, upload, onApply, applying }: { run: Run; upload: Upload | null; onApply: (u: Upload) => void; applying: boolean }) {
  const p = usePresentation();
  const [category, setCategory] = useState('');
  const items = useQuery({
    queryKey: ['reconciliations', run.id, 'items', category, run.status, run.progress.items_imported],
    queryFn: () =>
      body<List<Item>>(
        api.GET('/v1/reconciliations/{id}/items', { params: { path: { id: run.id }, query: { limit: 100, ...(category ? { category } : {}) } as never } }),
      ),
  });
  const totals = Object.entries(run.totals).filter(([, v]) => v.count > 0);
  const money = (amounts: Record<string, number>) =>
    Object.entries(amounts)
      .map(([c, a]) => formatMoney(a, c, p.locale))
      .join(' + ') || '—';
  const canApply = !run.apply && run.status !== 'importing' && run.status !== 'failed' && upload && upload.file_name === run.file_name;
  return (
    <div data-testid="recon-run">
      {run.status === 'importing' ? (
        <div role="status" data-testid="recon-progress">
          <p>
            {t.importing}: {t.progress(run.progress.rows_read, run.progress.items_imported)}
          </p>
          <progress aria-label={t.importing} max={Math.max(1, run.progress.bytes_total)} value={run.progress.bytes_read} />
        </div>
      ) : null}
      {run.status === 'failed' && run.failure ? (
        <div className="error" role="alert">
          {t.failed}: {run.failure.message}
          {run.failure.line ? ` (${t.line(run.failure.line)})` : ''}
        </div>
      ) : null}
      <table className="list" data-testid="recon-totals">
        <caption className="sr-only">{t.title}</caption>
        <thead>
          <tr>
            <th scope="col">{t.category}</th>
            <th scope="col" className="num">
              {t.count}
            </th>
            <th scope="col" className="num">
              {t.amount}
            </th>
          </tr>
        </thead>
        <tbody>
          {totals.map(([cat, v]) => (
            <tr key={cat}>
              <td data-label={t.category}>{humanize(cat)}</td>
              <td data-label={t.count} className="num">
                {v.count}
              </td>
              <td data-label={t.amount} className="num">
                {money(v.amounts)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canApply ? (
        <p>
          <button type="button" className="primary" disabled={applying} onClick={() => onApply(upload)} data-testid="recon-apply">
            {t.apply}
          </button>
        </p>
      ) : null}
      <h3>{t.items}</h3>
      <Select label={t.category} value={category} onChange={(e) => setCategory(e.target.value)}>
        <option value="">{t.allCategories}</option>
        {totals.map(([cat]) => (
          <option key={cat} value={cat}>
            {humanize(cat)}
          </option>
        ))}
      </Select>
      <Loaded q={items} isEmpty={(l) => l.data.length === 0} empty={t.noItems}>
        {(l) => (
          <table className="list" data-testid="recon-items">
            <caption className="sr-only">{t.items}</caption>
            <thead>
              <tr>
                <th scope="col">{t.category}</th>
                <th scope="col">{t.reference}</th>
                <th scope="col" className="num">
                  {t.expected}
                </th>
                <th scope="col" className="num">
                  {t.actual}
                </th>
                <th scope="col">{t.note}</th>
              </tr>
            </thead>
            <tbody>
              {l.data.map((it) => (
                <tr key={it.id}>
                  <td data-label={t.category}>{humanize(it.category)}</td>
                  <td data-label={t.reference}>{it.reference_id ?? humanize(it.kind)}</td>
                  <td data-label={t.expected} className="num">
                    {it.expected_amount === null ? '—' : formatMoney(it.expected_amount, it.currency, p.locale)}
                  </td>
                  <td data-label={t.actual} className="num">
                    {it.actual_amount === null ? '—' : formatMoney(it.actual_amount, it.currency, p.locale)}
                  </td>
                  <td data-label={t.note}>{it.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </div>
  );
}
