// The simulated customer phone, sandbox mode only: GET /sandbox/phone (the page), its
// two scripts (plain JS read from disk once, at start), and GET /sandbox/phone/numbers,
// the sandbox numbers a customer can write to (never their tokens). The page talks to
// the simulated-customer API (/sandbox/customers/…) and the number card
// (/sandbox/whatsapp/numbers/{id}), like any other client of the sandbox.
import fs from 'node:fs';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { currencyExponent } from '../../domain/money.ts';
import type { App } from '../../http/app.ts';
import { PHONE_CSP, phonePage } from './phone.page.ts';

const hide = { schema: { hide: true } } as const;
const SCRIPTS = ['app.js', 'render.js'] as const;

interface NumberListRow {
  phone_number_id: string;
  display_phone_number: string | null;
  merchant_name: string;
  currencies: string | null;
}

function secured(reply: FastifyReply, type: string, cache: string): FastifyReply {
  return reply
    .header('content-security-policy', PHONE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', cache)
    .type(type);
}

/** Every sandbox number with its merchant's name and the decimals of its catalog's currencies. */
export async function listPhoneNumbers(ctx: AppContext) {
  const rows = await ctx.db.query<NumberListRow>(
    `select n.phone_number_id, n.display_phone_number, m.name as merchant_name,
            (select string_agg(distinct p.currency, ',') from products p where p.merchant_id = n.merchant_id and p.active) as currencies
       from whatsapp_numbers n join merchants m on m.id = n.merchant_id
      where n.sandbox and n.sandbox_access_token is not null
      order by n.created_at, n.phone_number_id
      limit 500`,
  );
  return rows.map((r) => ({
    phone_number_id: r.phone_number_id,
    display_phone_number: r.display_phone_number,
    merchant_name: r.merchant_name,
    currency_exponents: Object.fromEntries((r.currencies ?? '').split(',').filter(Boolean).map((c) => [c, currencyExponent(c) ?? 2])),
  }));
}

/** Mounts the phone page under /sandbox/phone. Refuses to exist in live mode. */
export async function registerSandboxPhone(app: App, ctx: AppContext): Promise<void> {
  if (ctx.mode !== 'sandbox') return;
  const scripts = new Map(SCRIPTS.map((name) => [name, fs.readFileSync(new URL(`./phone.${name}`, import.meta.url), 'utf8')]));
  const html = phonePage();

  await app.register(
    async (phone) => {
      phone.get('/', hide, async (_req, reply) => secured(reply, 'text/html; charset=utf-8', 'no-store').send(html));
      for (const [name, source] of scripts) {
        phone.get(`/${name}`, hide, async (_req, reply) => secured(reply, 'text/javascript; charset=utf-8', 'no-cache').send(source));
      }
      phone.get('/numbers', hide, async (_req, reply) => reply.header('cache-control', 'no-store').send({ object: 'list', data: await listPhoneNumbers(ctx) }));
    },
    { prefix: '/sandbox/phone' },
  );
}
