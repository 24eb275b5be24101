// auto_reply_settings and auto_replies (0026): the merchant's automatic replies and the log
// of those sent (one per inbound message at most: its unique key).
import type { Queryable } from '../../platform/store/db.ts';

export interface SettingsRow {
  merchant_id: string;
  greeting_enabled: boolean;
  greeting_text: string | null;
  away_enabled: boolean;
  away_text: string | null;
  away_hours: Record<string, [string, string][]>;
  fallback_enabled: boolean;
  fallback_text: string | null;
  resume_after_minutes: number;
  updated_at: Date;
}

export async function getSettings(q: Queryable, merchantId: string): Promise<SettingsRow | undefined> {
  return (await q.query<SettingsRow>(`select * from auto_reply_settings where merchant_id = $1`, [merchantId]))[0];
}

export async function putSettings(q: Queryable, s: Omit<SettingsRow, 'updated_at'> & { now: Date }): Promise<SettingsRow> {
  return (
    await q.query<SettingsRow>(
      `insert into auto_reply_settings (merchant_id, greeting_enabled, greeting_text, away_enabled, away_text, away_hours, fallback_enabled, fallback_text,
                                        resume_after_minutes, updated_at)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)
       on conflict (merchant_id) do update set greeting_enabled = excluded.greeting_enabled, greeting_text = excluded.greeting_text,
         away_enabled = excluded.away_enabled, away_text = excluded.away_text, away_hours = excluded.away_hours,
         fallback_enabled = excluded.fallback_enabled, fallback_text = excluded.fallback_text,
         resume_after_minutes = excluded.resume_after_minutes, updated_at = excluded.updated_at
       returning *`,
      [
        s.merchant_id,
        s.greeting_enabled,
        s.greeting_text,
        s.away_enabled,
        s.away_text,
        JSON.stringify(s.away_hours),
        s.fallback_enabled,
        s.fallback_text,
        s.resume_after_minutes,
        s.now,
      ],
    )
  )[0]!;
}

/** Claims the one automatic reply of an inbound message: false when it was claimed already (a redelivery). */
export async function claimAutoReply(
  q: Queryable,
  r: { id: string; merchantId: string; customerId: string; conversationId: string; wamid: string; kind: string; now: Date },
): Promise<boolean> {
  const rows = await q.query(
    `insert into auto_replies (id, merchant_id, customer_id, conversation_id, inbound_wamid, kind, created_at) values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (merchant_id, inbound_wamid) do nothing returning id`,
    [r.id, r.merchantId, r.customerId, r.conversationId, r.wamid, r.kind, r.now],
  );
  return rows.length > 0;
}

export async function setAutoReplyMessage(q: Queryable, id: string, messageId: string): Promise<void> {
  await q.query(`update auto_replies set message_id = $2 where id = $1`, [id, messageId]);
}

/** What the caps need: replies since `hourAgo`, and the last greeting and away reply since `dayAgo`. */
export async function recentAutoReplies(
  q: Queryable,
  merchantId: string,
  customerId: string,
  hourAgo: Date,
  dayAgo: Date,
): Promise<{ last_hour: number; last_greeting: Date | null; last_away: Date | null }> {
  return (
    await q.query<{ last_hour: number; last_greeting: Date | null; last_away: Date | null }>(
      `select count(*) filter (where created_at > $3)::int as last_hour,
              max(created_at) filter (where kind = 'greeting') as last_greeting,
              max(created_at) filter (where kind = 'away') as last_away
         from auto_replies where merchant_id = $1 and customer_id = $2 and created_at > $4`,
      [merchantId, customerId, hourAgo, dayAgo],
    )
  )[0]!;
}
