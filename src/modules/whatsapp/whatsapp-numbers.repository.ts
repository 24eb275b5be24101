import type { Queryable } from '../../platform/store/db.ts';
import { setList } from '../../platform/store/sql.ts';

export interface WhatsAppNumberRow {
  phone_number_id: string;
  merchant_id: string;
  display_phone_number: string | null;
  waba_id: string | null;
  catalog_id: string | null;
  access_token: string | null;
  token_status: 'ok' | 'invalid';
  sandbox: boolean;
  sandbox_access_token: string | null;
  payment_configurations: { name: string; provider?: string; status?: string; [k: string]: unknown }[];
  templates: Record<string, unknown>;
  opt_out_words: string[];
  keywords: Record<string, unknown>;
  throughput_per_second: number;
  created_at: Date;
  updated_at: Date;
}

export async function insertNumber(
  q: Queryable,
  n: Pick<WhatsAppNumberRow, 'phone_number_id' | 'merchant_id' | 'display_phone_number' | 'waba_id' | 'catalog_id' | 'sandbox' | 'sandbox_access_token'> & {
    access_token?: string | null;
    now: Date;
  },
): Promise<WhatsAppNumberRow> {
  return (
    await q.query<WhatsAppNumberRow>(
      `insert into whatsapp_numbers (phone_number_id, merchant_id, display_phone_number, waba_id, catalog_id, sandbox, sandbox_access_token, access_token, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning *`,
      [n.phone_number_id, n.merchant_id, n.display_phone_number, n.waba_id, n.catalog_id, n.sandbox, n.sandbox_access_token, n.access_token ?? null, n.now],
    )
  )[0]!;
}

export async function getNumber(q: Queryable, phoneNumberId: string, opts: { forUpdate?: boolean } = {}): Promise<WhatsAppNumberRow | undefined> {
  return (
    await q.query<WhatsAppNumberRow>(`select * from whatsapp_numbers where phone_number_id = $1${opts.forUpdate ? ' for update' : ''}`, [phoneNumberId])
  )[0];
}

export async function getNumberByMerchant(q: Queryable, merchantId: string): Promise<WhatsAppNumberRow | undefined> {
  return (await q.query<WhatsAppNumberRow>(`select * from whatsapp_numbers where merchant_id = $1`, [merchantId]))[0];
}

const JSON_COLS = new Set(['payment_configurations', 'templates', 'opt_out_words', 'keywords']);
export type NumberPatch = Partial<Omit<WhatsAppNumberRow, 'merchant_id' | 'created_at' | 'updated_at'>>;

export async function updateNumber(q: Queryable, merchantId: string, patch: NumberPatch, now: Date): Promise<WhatsAppNumberRow | undefined> {
  const params: unknown[] = [merchantId, now];
  const sets = setList(patch, params, JSON_COLS);
  return (
    await q.query<WhatsAppNumberRow>(`update whatsapp_numbers set ${[...sets, 'updated_at = $2'].join(', ')} where merchant_id = $1 returning *`, params)
  )[0];
}

/** A number served by the local Cloud API double (in sandbox mode every merchant has one). */
export async function getSandboxNumber(q: Queryable, phoneNumberId: string): Promise<WhatsAppNumberRow | undefined> {
  return (
    await q.query<WhatsAppNumberRow>(`select * from whatsapp_numbers where phone_number_id = $1 and sandbox and sandbox_access_token is not null`, [
      phoneNumberId,
    ])
  )[0];
}

/** The sandbox number a Bearer token of the double opens. */
export async function findSandboxNumberByToken(q: Queryable, token: string): Promise<WhatsAppNumberRow | undefined> {
  return (await q.query<WhatsAppNumberRow>(`select * from whatsapp_numbers where sandbox and sandbox_access_token = $1`, [token]))[0];
}

/** Every sandbox number, oldest first (at most 500). */
export async function listSandboxNumbers(q: Queryable): Promise<WhatsAppNumberRow[]> {
  return q.query<WhatsAppNumberRow>(
    `select * from whatsapp_numbers where sandbox and sandbox_access_token is not null order by created_at, phone_number_id limit 500`,
  );
}

export async function listNumbersByWaba(q: Queryable, wabaId: string): Promise<WhatsAppNumberRow[]> {
  return q.query<WhatsAppNumberRow>(`select * from whatsapp_numbers where waba_id = $1`, [wabaId]);
}
