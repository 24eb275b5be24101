// The shop's settings: business (name, time zone, locale, currency), WhatsApp (number,
// templates, the access token write-only), payments (review policies, provider credentials
// write-only); Flows (key pair, keywords) are in settings-flows.tsx.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, body } from '../api/client.ts';
import { idem, useAction, useCan } from '../api/hooks.ts';
import type { Business, List, PaymentSettings as PaymentPolicy, ProviderSettings as Provider, WhatsAppSettings as WhatsApp } from '../api/types.ts';
import { Badge, Field, Select } from '../ui/field.tsx';
import { ErrorNote, Loaded } from '../ui/states.tsx';

const t = {
  business: 'Business',
  name: 'Business name',
  timeZone: 'Time zone',
  locale: 'Locale (how money and dates are written, e.g. en-IN)',
  currency: 'Default currency',
  save: 'Save',
  saved: 'Saved.',
  whatsapp: 'WhatsApp number',
  display: 'Display phone number',
  phoneNumberId: 'Phone number id',
  waba: 'WhatsApp Business Account id',
  catalog: 'Catalog id',
  templates: 'Templates',
  billTemplate: 'Bill template name',
  billLanguage: 'Bill template language',
  updateTemplate: 'Order update template name',
  updateLanguage: 'Order update template language',
  token: 'Access token',
  tokenSet: 'An access token is set.',
  tokenUnset: 'No access token is set.',
  tokenNew: 'New access token (write-only: it is never shown again)',
  tokenSave: 'Replace the token',
  payments: 'Payment policies',
  review: 'A late or mismatched payment',
  reviewRefund: 'Refund it automatically',
  reviewReview: 'Hold it for a person to review',
  extra: 'A second payment for a paid order',
  extraRefund: 'Refund it',
  extraKeep: 'Keep it',
  providers: 'Payment providers',
  configured: 'configured',
  notConfigured: 'not configured',
  webhookUrl: 'Webhook URL to give the provider',
  credentials: (p: string) => `New credentials for ${p}. Write-only: what is saved is never shown again.`,
  replace: 'Save credentials',
};

const PROVIDER_FIELDS: Record<string, string[]> = {
  sandbox: ['key_id', 'key_secret', 'webhook_secret'],
  razorpay: ['key_id', 'key_secret', 'webhook_secret'],
  stripe: ['secret_key', 'webhook_secret'],
};

/** The IANA zones the browser knows (Intl leaves out UTC and aliases: the current value is kept first). */
const timeZones = (current: string): string[] => {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  return [...new Set([current, 'UTC', ...(intl.supportedValuesOf?.('timeZone') ?? [])])];
};

function Saved({ show }: { show: boolean }) {
  return show ? (
    <span role="status" className="muted">
      {t.saved}
    </span>
  ) : null;
}

export function BusinessSettings() {
  const q = useQuery({ queryKey: ['business'], queryFn: () => body<Business>(api.GET('/v1/settings/business')) });
  return <Loaded q={q}>{(b) => <BusinessForm b={b} />}</Loaded>;
}

function BusinessForm({ b }: { b: Business }) {
  const [d, setD] = useState({ name: b.name, time_zone: b.time_zone, locale: b.locale, currency: b.currency ?? '' });
  const save = useAction((v: typeof d, key) => body(api.PATCH('/v1/settings/business', { body: { ...v, currency: v.currency || undefined }, ...idem(key) })), {
    invalidate: [['business']],
  });
  const set = (k: keyof typeof d) => (e: { target: { value: string } }) => {
    setD({ ...d, [k]: e.target.value });
    save.reset();
  };
  return (
    <form
      className="card form-card"
      aria-labelledby="biz-h"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate(d);
      }}
    >
      <h2 id="biz-h">{t.business}</h2>
      <Field label={t.name} required maxLength={200} value={d.name} onChange={set('name')} />
      <Select label={t.timeZone} value={d.time_zone} onChange={set('time_zone')}>
        {timeZones(b.time_zone).map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </Select>
      <Field label={t.locale} required maxLength={35} value={d.locale} onChange={set('locale')} />
      <Field label={t.currency} maxLength={3} value={d.currency} onChange={set('currency')} />
      <ErrorNote error={save.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t.save}
        </button>
        <Saved show={save.isSuccess} />
      </div>
    </form>
  );
}

export function WhatsAppSettings() {
  const q = useQuery({ queryKey: ['settings', 'whatsapp'], queryFn: () => body<WhatsApp>(api.GET('/v1/settings/whatsapp')) });
  return <Loaded q={q}>{(w) => <WhatsAppForm w={w} />}</Loaded>;
}

type Template = { name?: string; language?: string } | undefined;

function WhatsAppForm({ w }: { w: WhatsApp }) {
  const bill = w.templates['bill'] as Template;
  const update = w.templates['order_update'] as Template;
  const can = useCan();
  const [d, setD] = useState({
    display_phone_number: w.display_phone_number ?? '',
    phone_number_id: w.phone_number_id ?? '',
    waba_id: w.waba_id ?? '',
    catalog_id: w.catalog_id ?? '',
    bill: bill?.name ?? '',
    bill_language: bill?.language ?? 'en',
    update: update?.name ?? '',
    update_language: update?.language ?? 'en',
  });
  const [token, setToken] = useState('');
  const invalidate = [['settings', 'whatsapp']];
  const save = useAction(
    (v: typeof d, key) =>
      body(
        api.PATCH('/v1/settings/whatsapp', {
          body: {
            display_phone_number: v.display_phone_number || undefined,
            phone_number_id: v.phone_number_id || undefined,
            waba_id: v.waba_id || undefined,
            catalog_id: v.catalog_id || null,
            templates: {
              ...(v.bill ? { bill: { name: v.bill, language: v.bill_language } } : {}),
              ...(v.update ? { order_update: { name: v.update, language: v.update_language } } : {}),
            },
          },
          ...idem(key),
        }),
      ),
    { invalidate },
  );
  const saveToken = useAction((v: string, key) => body(api.PATCH('/v1/settings/whatsapp', { body: { access_token: v }, ...idem(key) })), {
    invalidate,
    onSuccess: () => setToken(''),
  });
  const set = (k: keyof typeof d) => (e: { target: { value: string } }) => {
    setD({ ...d, [k]: e.target.value });
    save.reset();
  };
  return (
    <>
      <form
        className="card form-card"
        aria-labelledby="wa-h"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          save.mutate(d);
        }}
      >
        <h2 id="wa-h">{t.whatsapp}</h2>
        <Field label={t.display} value={d.display_phone_number} onChange={set('display_phone_number')} />
        <Field label={t.phoneNumberId} value={d.phone_number_id} onChange={set('phone_number_id')} />
        <Field label={t.waba} value={d.waba_id} onChange={set('waba_id')} />
        <Field label={t.catalog} value={d.catalog_id} onChange={set('catalog_id')} />
        <h3>{t.templates}</h3>
        <div className="row2">
          <Field label={t.billTemplate} value={d.bill} onChange={set('bill')} />
          <Field label={t.billLanguage} value={d.bill_language} onChange={set('bill_language')} />
          <Field label={t.updateTemplate} value={d.update} onChange={set('update')} />
          <Field label={t.updateLanguage} value={d.update_language} onChange={set('update_language')} />
        </div>
        <ErrorNote error={save.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {t.save}
          </button>
          <Saved show={save.isSuccess} />
        </div>
      </form>
      {can('credentials') ? (
        <form
          className="card form-card"
          aria-labelledby="token-h"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            saveToken.mutate(token);
          }}
        >
          <h2 id="token-h">{t.token}</h2>
          <p>{w.access_token_set ? t.tokenSet : t.tokenUnset}</p>
          <Field label={t.tokenNew} type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />
          <ErrorNote error={saveToken.error} />
          <div className="actions">
            <button type="submit" disabled={saveToken.isPending || !token}>
              {t.tokenSave}
            </button>
            <Saved show={saveToken.isSuccess} />
          </div>
        </form>
      ) : null}
    </>
  );
}

export function PaymentsSettings() {
  const can = useCan();
  const policy = useQuery({ queryKey: ['settings', 'payments'], queryFn: () => body<PaymentPolicy>(api.GET('/v1/settings/payments')) });
  const providers = useQuery({ queryKey: ['settings', 'providers'], queryFn: () => body<List<Provider>>(api.GET('/v1/settings/providers')) });
  const save = useAction((v: Partial<PaymentPolicy>, key) => body(api.PATCH('/v1/settings/payments', { body: v, ...idem(key) })), {
    invalidate: [['settings', 'payments']],
  });
  const known = providers.data?.data ?? [];
  const all = [
    ...known,
    ...Object.keys(PROVIDER_FIELDS)
      .filter((p) => !known.some((k) => k.provider === p))
      .map((p): Provider => ({ object: 'provider_settings', provider: p, configured: false, webhook_url: '' })),
  ];
  return (
    <>
      <section className="card form-card" aria-labelledby="policy-h">
        <h2 id="policy-h">{t.payments}</h2>
        <Loaded q={policy}>
          {(pol) => (
            <>
              <Select label={t.review} value={pol.review} onChange={(e) => save.mutate({ review: e.target.value as PaymentPolicy['review'] })}>
                <option value="refund">{t.reviewRefund}</option>
                <option value="review">{t.reviewReview}</option>
              </Select>
              <Select
                label={t.extra}
                value={pol.extra_capture}
                onChange={(e) => save.mutate({ extra_capture: e.target.value as PaymentPolicy['extra_capture'] })}
              >
                <option value="refund">{t.extraRefund}</option>
                <option value="keep">{t.extraKeep}</option>
              </Select>
              <ErrorNote error={save.error} />
              <Saved show={save.isSuccess} />
            </>
          )}
        </Loaded>
      </section>
      <section className="card form-card" aria-labelledby="providers-h">
        <h2 id="providers-h">{t.providers}</h2>
        <Loaded q={providers}>
          {() => (
            <>
              {all.map((p) => (
                <ProviderForm key={p.provider} p={p} canWrite={can('credentials')} />
              ))}
            </>
          )}
        </Loaded>
      </section>
    </>
  );
}

function ProviderForm({ p, canWrite }: { p: Provider; canWrite: boolean }) {
  const fields = PROVIDER_FIELDS[p.provider] ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const save = useAction(
    (v: Record<string, string>, key) =>
      body(api.PUT('/v1/settings/providers/{provider}', { params: { path: { provider: p.provider as 'sandbox' } }, body: v, ...idem(key) })),
    { invalidate: [['settings', 'providers']], onSuccess: () => setValues({}) },
  );
  return (
    <form
      className="provider"
      aria-label={p.provider}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        save.mutate(values);
      }}
    >
      <h3>
        {p.provider} <Badge value={p.configured ? t.configured : t.notConfigured} kind={p.configured ? 'paid' : 'pending'} />
      </h3>
      {p.webhook_url ? (
        <p className="muted">
          {t.webhookUrl}: <code>{p.webhook_url}</code>
        </p>
      ) : null}
      {canWrite && fields.length ? (
        <>
          <p className="muted">{t.credentials(p.provider)}</p>
          {fields.map((f) => (
            <Field
              key={f}
              label={`${p.provider} ${f.replace(/_/g, ' ')}`}
              type="password"
              autoComplete="off"
              required
              value={values[f] ?? ''}
              onChange={(e) => setValues({ ...values, [f]: e.target.value })}
            />
          ))}
          <ErrorNote error={save.error} />
          <div className="actions">
            <button type="submit" disabled={save.isPending}>
              {t.replace}
            </button>
            <Saved show={save.isSuccess} />
          </div>
        </>
      ) : null}
    </form>
  );
}
