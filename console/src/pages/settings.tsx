// Settings: one section per page, each shown to the roles that may use it (GET /v1/me).
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { useCan } from '../api/hooks.ts';
import { ApiKeysSettings } from './settings-keys.tsx';
import { FlowsSettings } from './settings-flows.tsx';
import { BusinessSettings, PaymentsSettings, WhatsAppSettings } from './settings-shop.tsx';
import { AuditLog, TeamSettings } from './settings-team.tsx';
import { WebhookSettings } from './settings-webhooks.tsx';

const t = {
  title: 'Settings',
  sections: 'Settings sections',
  business: 'Business',
  whatsapp: 'WhatsApp',
  payments: 'Payments',
  flows: 'Flows',
  webhooks: 'Webhooks',
  keys: 'API keys',
  team: 'Team',
  audit: 'Audit log',
  nothing: 'Your role has no settings to change. Ask the shop owner.',
};

export function SettingsPage() {
  const can = useCan();
  const sections = [
    { path: 'business', label: t.business, show: can('settings'), element: <BusinessSettings /> },
    { path: 'whatsapp', label: t.whatsapp, show: can('settings'), element: <WhatsAppSettings /> },
    { path: 'payments', label: t.payments, show: can('settings'), element: <PaymentsSettings /> },
    { path: 'flows', label: t.flows, show: can('settings'), element: <FlowsSettings /> },
    { path: 'webhooks', label: t.webhooks, show: can('webhooks'), element: <WebhookSettings /> },
    { path: 'keys', label: t.keys, show: can('api_keys'), element: <ApiKeysSettings /> },
    { path: 'team', label: t.team, show: can('users.read'), element: <TeamSettings /> },
    { path: 'audit', label: t.audit, show: can('audit'), element: <AuditLog /> },
  ].filter((s) => s.show);
  return (
    <>
      <h1>{t.title}</h1>
      <nav aria-label={t.sections} className="tabs">
        {sections.map((s) => (
          <NavLink key={s.path} to={`/settings/${s.path}`}>
            {s.label}
          </NavLink>
        ))}
      </nav>
      {sections.length === 0 ? <p className="state empty">{t.nothing}</p> : null}
      <Routes>
        {sections.map((s) => (
          <Route key={s.path} path={s.path} element={s.element} />
        ))}
        {sections[0] ? <Route path="*" element={<Navigate to={`/settings/${sections[0].path}`} replace />} /> : null}
      </Routes>
    </>
  );
}
