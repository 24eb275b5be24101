// The shell: signed out → the sign-in page; signed in → navigation (only what the role may
// use) and the pages. A 401 from any call (the session expired or was revoked) brings the
// sign-in page back with a note.
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { api, ApiError, body, whenUnauthorized } from './api/client.ts';
import { useAction, useMe } from './api/hooks.ts';
import { useLiveUpdates } from './api/live.ts';
import type { Me } from './api/types.ts';
import { BookingsPage } from './pages/bookings.tsx';
import { CatalogPage } from './pages/catalog.tsx';
import { CheckoutLinkPage, CheckoutLinksPage } from './pages/checkout-links.tsx';
import { InboxPage } from './pages/inbox.tsx';
import { LoginPage } from './pages/login.tsx';
import { MoneyPage } from './pages/money.tsx';
import { OrderPage } from './pages/order.tsx';
import { OrdersPage } from './pages/orders.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { TodayPage } from './pages/today.tsx';
import { ErrorNote, Loading } from './ui/states.tsx';

const t = {
  skip: 'Skip to content',
  nav: 'Main',
  today: 'Today',
  inbox: 'Inbox',
  orders: 'Orders',
  catalog: 'Catalog',
  links: 'Checkout links',
  bookings: 'Bookings',
  money: 'Money',
  settings: 'Settings',
  signOut: 'Sign out',
  ended: 'Your session has ended. Sign in again.',
  notFound: 'There is no such page.',
};

const SETTINGS_PERMISSIONS = ['settings', 'credentials', 'webhooks', 'api_keys', 'users.read', 'audit'];

/** Forgets everything read as the previous user, and sets who is signed in now (null: nobody). */
function switchUser(qc: QueryClient, me: Me | null) {
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
  qc.setQueryData(['me'], me);
}

export function App() {
  const qc = useQueryClient();
  const me = useMe();
  const signedIn = useRef(false);
  const [ended, setEnded] = useState(false);
  useEffect(() => {
    whenUnauthorized(() => {
      if (signedIn.current) setEnded(true);
      signedIn.current = false;
      switchUser(qc, null);
    });
  }, [qc]);
  if (me.data) signedIn.current = true;

  if (me.isPending) return <Loading />;
  if (!me.data) {
    if (me.error && !(me.error instanceof ApiError && me.error.status === 401)) return <ErrorNote error={me.error} />;
    return (
      <LoginPage
        note={ended ? t.ended : undefined}
        onSignedIn={(m) => {
          setEnded(false);
          switchUser(qc, m);
        }}
      />
    );
  }
  return (
    <Shell
      me={me.data}
      onSignOut={() => {
        signedIn.current = false;
      }}
    />
  );
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const qc = useQueryClient();
  const can = (p: string) => (me.permissions as readonly string[]).includes(p);
  const signOut = useAction(() => body(api.DELETE('/v1/sessions/current')), {
    onSuccess: () => switchUser(qc, null),
  });
  useLiveUpdates(true);
  const links = [
    { to: '/', label: t.today, show: can('orders.read') },
    { to: '/inbox', label: t.inbox, show: can('conversations') },
    { to: '/orders', label: t.orders, show: can('orders.read') },
    { to: '/catalog', label: t.catalog, show: can('catalog.read') },
    { to: '/checkout-links', label: t.links, show: can('catalog.read') },
    { to: '/bookings', label: t.bookings, show: can('bookings.read') },
    { to: '/money', label: t.money, show: can('money.read') || can('reconciliation') || can('exports') },
    { to: '/settings', label: t.settings, show: SETTINGS_PERMISSIONS.some(can) },
  ].filter((l) => l.show);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t.skip}
      </a>
      <header className="top">
        <div className="brand">
          <span className="shop" data-testid="shop-name">
            {me.merchant.name}
          </span>
          <span className="who" data-testid="who">
            {me.user?.name || me.user?.email} · {me.role}
          </span>
        </div>
        <button
          type="button"
          className="link"
          onClick={() => {
            onSignOut();
            signOut.mutate(undefined);
          }}
          disabled={signOut.isPending}
          data-testid="sign-out"
        >
          {t.signOut}
        </button>
      </header>
      <nav aria-label={t.nav} className="nav">
        {links.map((l) => (
          <NavLink key={l.to} to={l.to} end={l.to === '/'}>
            {l.label}
          </NavLink>
        ))}
      </nav>
      <main id="main" tabIndex={-1}>
        <ErrorNote error={signOut.error} />
        <Routes>
          <Route path="/" element={<TodayPage />} />
          <Route path="/inbox" element={<InboxPage />} />
          <Route path="/inbox/:id" element={<InboxPage />} />
          <Route path="/orders" element={<OrdersPage />} />
          <Route path="/orders/:id" element={<OrderPage />} />
          <Route path="/catalog" element={<CatalogPage />} />
          <Route path="/checkout-links" element={<CheckoutLinksPage />} />
          <Route path="/checkout-links/:id" element={<CheckoutLinkPage />} />
          <Route path="/bookings" element={<BookingsPage />} />
          <Route path="/money" element={<MoneyPage />} />
          <Route path="/settings/*" element={<SettingsPage />} />
          <Route path="/invite/*" element={<Navigate to="/" replace />} />
          <Route path="*" element={<p className="state">{t.notFound}</p>} />
        </Routes>
      </main>
    </div>
  );
}
