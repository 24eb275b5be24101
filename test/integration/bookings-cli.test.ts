// `chatcart bookings list|cancel` as a person runs it (separate processes, real exit codes),
// on a fresh embedded folder and, with TEST_DATABASE_URL, a fresh PostgreSQL schema. The
// bookings are written through the repository (no flow needed); the command goes through
// the same use cases as GET /v1/bookings and POST /v1/bookings/{id}/cancel.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { insertBookingService, insertHeldBooking, updateBooking, type BookingStatus } from '../../src/modules/bookings/bookings.repository.ts';
import { cliTargets, runCli, type CliTarget } from '../support/cli.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const { targets, cleanup } = cliTargets('chatcart-bookings-cli-');
afterAll(cleanup);

const NOW = new Date('2026-03-01T08:00:00Z');

/** A merchant (made by the CLI) with one service and a booking in each given status, oldest first. */
async function seed(target: CliTarget, statuses: BookingStatus[]) {
  const env = await target.env();
  const m = await runCli(['merchants', 'create', '--name', 'Salon', '--json'], env);
  expect(m.code, m.stderr).toBe(0);
  const merchantId = JSON.parse(m.stdout).id as string;
  const db = await target.open(env);
  const ids: string[] = [];
  try {
    const svc = await insertBookingService(db, {
      id: 'svc_cli1',
      merchant_id: merchantId,
      name: 'Haircut',
      duration_minutes: 30,
      slot_minutes: 30,
      deposit: 20000,
      currency: 'INR',
      weekly_hours: { mon: [['09:00', '18:00']] },
      active: true,
      now: NOW,
    });
    for (const [i, status] of statuses.entries()) {
      const starts = new Date(Date.UTC(2026, 2, 2 + i, 4, 0));
      const id = `bkg_cli${i}`;
      await insertHeldBooking(db, {
        id,
        merchant_id: merchantId,
        service_id: svc.id,
        customer_id: null,
        customer_wa_id: `91980000000${i}`,
        customer_name: `Customer ${i}`,
        note: null,
        starts_at: starts,
        ends_at: new Date(starts.getTime() + 30 * 60_000),
        time_zone: 'Asia/Kolkata',
        hold_expires_at: null,
        flow_token: `tok_${i}`,
        now: NOW,
      });
      if (status !== 'held') await updateBooking(db, merchantId, id, { status }, NOW);
      ids.push(id);
    }
  } finally {
    await db.close();
  }
  return { env, merchantId, ids };
}

describe.each(targets)('chatcart bookings on $name', (target) => {
  it('lists bookings newest first, filtered by status and start time, as the API objects with --json', async () => {
    const { env, merchantId, ids } = await seed(target, ['held', 'confirmed', 'expired', 'held']);
    const all = await runCli(['bookings', 'list', '--merchant', merchantId, '--json'], env);
    expect(all.code, all.stderr).toBe(0);
    const rows = JSON.parse(all.stdout) as { id: string; object: string; status: string; starts_at: string; starts_at_local: string }[];
    expect(rows.map((r) => r.id)).toEqual([...ids].reverse());
    expect(rows[3]).toMatchObject({
      object: 'booking',
      status: 'held',
      starts_at: '2026-03-02T04:00:00.000Z',
      starts_at_local: '2026-03-02T09:30:00.000+05:30',
    });

    const held = await runCli(['bookings', 'list', '--merchant', merchantId, '--status', 'held', '--json'], env);
    expect((JSON.parse(held.stdout) as { id: string }[]).map((r) => r.id)).toEqual([ids[3], ids[0]]);

    const window = await runCli(
      ['bookings', 'list', '--merchant', merchantId, '--from', '2026-03-03T00:00:00Z', '--to', '2026-03-05T00:00:00Z', '--json'],
      env,
    );
    expect((JSON.parse(window.stdout) as { id: string }[]).map((r) => r.id)).toEqual([ids[2], ids[1]]);

    const text = await runCli(['bookings', 'list', '--merchant', merchantId, '--status', 'confirmed'], env);
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(1);
    expect(text.stdout).toContain(`${ids[1]}  confirmed`);
    expect(text.stdout).toContain('Customer 1');

    const none = await runCli(['bookings', 'list', '--merchant', merchantId, '--status', 'cancelled'], env);
    expect(none.stdout).toBe('No bookings.\n');
  });

  it('cancels held and confirmed bookings once, refuses an expired one, and writes nothing on refusal', async () => {
    const { env, merchantId, ids } = await seed(target, ['held', 'confirmed', 'expired']);
    const c0 = await runCli(['bookings', 'cancel', '--merchant', merchantId, '--booking', ids[0]!, '--json'], env);
    expect(c0.code, c0.stderr).toBe(0);
    expect(JSON.parse(c0.stdout)).toMatchObject({ id: ids[0], status: 'cancelled' });
    const c1 = await runCli(['bookings', 'cancel', '--merchant', merchantId, '--booking', ids[1]!], env);
    expect(c1.code, c1.stderr).toBe(0);
    expect(c1.stdout).toBe(`Booking ${ids[1]} is cancelled.\n`);

    // A repeated cancel changes nothing and still answers the booking.
    const again = await runCli(['bookings', 'cancel', '--merchant', merchantId, '--booking', ids[0]!, '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).updated_at).toBe(JSON.parse(c0.stdout).updated_at);

    const expired = await runCli(['bookings', 'cancel', '--merchant', merchantId, '--booking', ids[2]!], env);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/^chatcart: .*slot is already free \(invalid_transition\)\n$/);
    expect(expired.stdout).toBe('');
    const unknown = await runCli(['bookings', 'cancel', '--merchant', merchantId, '--booking', 'bkg_nope'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('chatcart: No booking bkg_nope (not_found)\n');

    const db = await target.open(env);
    try {
      const rows = await db.query<{ id: string; status: string }>(`select id, status from bookings where merchant_id = $1 order by id`, [merchantId]);
      expect(rows).toEqual([
        { id: ids[0], status: 'cancelled' },
        { id: ids[1], status: 'cancelled' },
        { id: ids[2], status: 'expired' },
      ]);
      const events = await db.query<{ type: string }>(`select type from events where merchant_id = $1 and type like 'booking.%'`, [merchantId]);
      expect(events.map((e) => e.type)).toEqual(['booking.cancelled', 'booking.cancelled']);
    } finally {
      await db.close();
    }
  });

  it('refuses bad input with one line and exit 2', async () => {
    // Refused before the database is opened, except the unknown merchant (the folder is fresh).
    const env = await target.env();
    const merchantId = 'mer_x';
    const cases: [string[], RegExp][] = [
      [['bookings', 'list'], /--merchant is required/],
      [['bookings', 'list', '--merchant', 'mer_nope'], /no merchant mer_nope/],
      [['bookings', 'list', '--merchant', merchantId, '--status', 'paid'], /--status must be one of held, confirmed, expired, cancelled/],
      [['bookings', 'list', '--merchant', merchantId, '--from', 'yesterday'], /--from must be an ISO 8601 time/],
      [['bookings', 'list', '--merchant', merchantId, '--from', '2026-03-05T00:00:00Z', '--to', '2026-03-01T00:00:00Z'], /--from must be before --to/],
      [['bookings', 'cancel', '--merchant', merchantId], /--booking is required/],
      [['bookings', 'cancel', '--merchant', merchantId, '--booking', 'ord_1'], /--booking must be a booking id/],
      [['bookings', 'frobnicate', '--merchant', merchantId], /usage: chatcart bookings list/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });
});
