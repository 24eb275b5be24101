const t = { title: 'Bookings' };

export function BookingsPage() {
  return <h1>{t.title}</h1>;
}
