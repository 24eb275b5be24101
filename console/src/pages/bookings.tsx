// Bookings: a day or a week in the business's time zone, grouped by day; cancel a booking.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, body } from '../api/client.ts';
import { idem, LIVE_MS, useAction, useCan, usePresentation } from '../api/hooks.ts';
import type { Booking, BookingService, List } from '../api/types.ts';
import { addDays, dayIn, formatDay, formatTime, startOfDay } from '../format.ts';
import { Dialog } from '../ui/dialog.tsx';
import { Badge } from '../ui/field.tsx';
import { ErrorNote, Loaded } from '../ui/states.tsx';

const t = {
  title: 'Bookings',
  day: 'Day',
  week: 'Week',
  previous: 'Previous',
  next: 'Next',
  today: 'Today',
  view: 'View',
  none: 'No bookings in this period.',
  cancel: 'Cancel',
  cancelTitle: 'Cancel this booking?',
  cancelText: (who: string, when: string) => `${who}, ${when}. The slot becomes free again.`,
  confirm: 'Cancel the booking',
  keep: 'Keep it',
  zone: (tz: string) => `Times in ${tz}`,
};

export function BookingsPage() {
  const p = usePresentation();
  const can = useCan();
  const [span, setSpan] = useState<'day' | 'week'>('day');
  const [start, setStart] = useState(() => dayIn(new Date(), p.timeZone));
  const days = span === 'day' ? 1 : 7;
  const from = startOfDay(start, p.timeZone).toISOString();
  const to = startOfDay(addDays(start, days), p.timeZone).toISOString();
  const bookings = useQuery({
    queryKey: ['bookings', from, to],
    queryFn: () => body<List<Booking>>(api.GET('/v1/bookings', { params: { query: { from, to, limit: 100 } } })),
    refetchInterval: LIVE_MS,
  });
  const services = useQuery({ queryKey: ['booking-services'], queryFn: () => body<List<BookingService>>(api.GET('/v1/booking-services')) });
  const serviceName = (id: string) => services.data?.data.find((s) => s.id === id)?.name ?? id;
  const [cancelling, setCancelling] = useState<Booking | null>(null);
  const cancel = useAction((id: string, key) => body(api.POST('/v1/bookings/{id}/cancel', { params: { path: { id } }, body: {}, ...idem(key) })), {
    invalidate: [['bookings']],
    onSuccess: () => setCancelling(null),
  });
  return (
    <>
      <h1>{t.title}</h1>
      <div className="actions-bar">
        <fieldset className="segmented">
          <legend className="sr-only">{t.view}</legend>
          {(['day', 'week'] as const).map((s) => (
            <label key={s}>
              <input type="radio" name="span" checked={span === s} onChange={() => setSpan(s)} />
              {s === 'day' ? t.day : t.week}
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button type="button" onClick={() => setStart(addDays(start, -days))}>
            {t.previous}
          </button>
          <button type="button" onClick={() => setStart(dayIn(new Date(), p.timeZone))}>
            {t.today}
          </button>
          <button type="button" onClick={() => setStart(addDays(start, days))}>
            {t.next}
          </button>
        </div>
      </div>
      <p className="muted">
        {formatDay(start, p.locale)}
        {days > 1 ? ` – ${formatDay(addDays(start, days - 1), p.locale)}` : ''} · {t.zone(p.timeZone)}
      </p>
      <Loaded q={bookings} isEmpty={(l) => l.data.length === 0} empty={t.none}>
        {(l) => {
          const byDay = new Map<string, Booking[]>();
          for (const b of [...l.data].sort((a, b) => a.starts_at.localeCompare(b.starts_at))) {
            const d = dayIn(new Date(b.starts_at), p.timeZone);
            byDay.set(d, [...(byDay.get(d) ?? []), b]);
          }
          return [...byDay.entries()].map(([d, list]) => (
            <section key={d} className="card" aria-labelledby={`day-${d}`}>
              <h2 id={`day-${d}`}>{formatDay(d, p.locale)}</h2>
              <ul className="plain" data-testid="bookings">
                {list.map((b) => (
                  <li key={b.id} className="booking">
                    <span>
                      <strong>
                        {formatTime(b.starts_at, p)}–{formatTime(b.ends_at, p)}
                      </strong>{' '}
                      {serviceName(b.service_id)} · {b.customer.name || b.customer.wa_id} <Badge value={b.status} />
                    </span>
                    {can('bookings.write') && (b.status === 'held' || b.status === 'confirmed') ? (
                      <button type="button" onClick={() => setCancelling(b)} aria-label={`${t.cancel} ${formatTime(b.starts_at, p)}`}>
                        {t.cancel}
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            </section>
          ));
        }}
      </Loaded>
      <Dialog open={!!cancelling} title={t.cancelTitle} onClose={() => setCancelling(null)} testId="cancel-booking">
        {cancelling ? (
          <p>
            {t.cancelText(
              cancelling.customer.name || cancelling.customer.wa_id || '',
              `${formatDay(dayIn(new Date(cancelling.starts_at), p.timeZone), p.locale)} ${formatTime(cancelling.starts_at, p)}`,
            )}
          </p>
        ) : null}
        <ErrorNote error={cancel.error} />
        <div className="actions">
          <button type="button" className="danger" disabled={cancel.isPending} onClick={() => cancelling && cancel.mutate(cancelling.id)}>
            {t.confirm}
          </button>
          <button type="button" onClick={() => setCancelling(null)}>
            {t.keep}
          </button>
        </div>
      </Dialog>
    </>
  );
}
