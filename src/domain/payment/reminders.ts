// Unpaid-bill reminders, the pure part: the merchant's schedule and quiet hours checked,
// when a reminder that falls in the quiet hours may go instead, and the language code
// Meta's templates use for the business locale.
import { DateTime } from 'luxon';

export const MAX_REMINDERS = 3;
/** Ten minutes: a reminder sooner than that after the bill is noise. */
export const MIN_REMINDER_SECONDS = 600;
/** A bill never lives longer than this (30 days), so a later reminder could never go. */
export const MAX_REMINDER_SECONDS = 30 * 24 * 3600;

export interface ReminderStep {
  after_seconds: number;
}

export interface QuietHours {
  /** HH:MM, 24-hour clock, in the business time zone. */
  start: string;
  end: string;
}

/** What a reminder needs to know of its order and bill (structural: rows of the orders module). */
export interface ReminderSubject {
  order: { status: string; payment_status: string; current_payment_id: string | null; expires_at: Date; source?: string | null };
  payment: { id: string; status: string; pay_token: string | null; expires_at: Date };
}

/**
 * The bill a reminder is about is still the order's open bill: the current attempt, `created`
 * or `failed` (a payment in flight is not nagged), with a pay link, not expired, its order
 * `pending` and unpaid. A checkout-link order never is (its payer asked for a receipt only).
 */
export function billAwaitsPayment({ order: o, payment: p }: ReminderSubject, now: Date): boolean {
  return (
    o.status === 'pending' &&
    ['unpaid', 'failed'].includes(o.payment_status) &&
    o.current_payment_id === p.id &&
    ['created', 'failed'].includes(p.status) &&
    !!p.pay_token &&
    p.expires_at.getTime() > now.getTime() &&
    o.expires_at.getTime() > now.getTime() &&
    o.source !== 'checkout_link'
  );
}

export const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const minutesOf = (hhmm: string): number => {
  const m = HHMM.exec(hhmm);
  if (!m) throw new Error(`not HH:MM: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

/** Why a schedule cannot be used (a path and a message), or undefined when it can. */
export function checkReminderSchedule(steps: readonly ReminderStep[], quiet: QuietHours | null | undefined): { path: string; message: string } | undefined {
  if (steps.length > MAX_REMINDERS) return { path: 'reminders', message: `At most ${MAX_REMINDERS} reminders per bill (got ${steps.length})` };
  for (const [i, s] of steps.entries()) {
    if (!Number.isInteger(s.after_seconds) || s.after_seconds < MIN_REMINDER_SECONDS || s.after_seconds > MAX_REMINDER_SECONDS)
      return {
        path: `reminders.${i}.after_seconds`,
        message: `A reminder goes between ${MIN_REMINDER_SECONDS} seconds (10 minutes) and ${MAX_REMINDER_SECONDS} seconds (30 days) after the bill`,
      };
    if (i > 0 && s.after_seconds <= steps[i - 1]!.after_seconds)
      return { path: `reminders.${i}.after_seconds`, message: 'Reminders must be in increasing order of after_seconds' };
  }
  if (quiet) {
    if (!HHMM.test(quiet.start)) return { path: 'quiet_hours.start', message: 'start must be a time such as 21:00' };
    if (!HHMM.test(quiet.end)) return { path: 'quiet_hours.end', message: 'end must be a time such as 08:00' };
    if (quiet.start === quiet.end) return { path: 'quiet_hours.end', message: 'end must differ from start' };
  }
  return undefined;
}

/**
 * When a reminder due at `at` may go: `at` itself outside the quiet hours, else the end of
 * the quiet hours (in the business zone; a span that crosses midnight, 21:00–08:00, ends
 * the next morning). A wall time skipped by a DST change is taken as the instant after it.
 */
export function outsideQuietHours(at: Date, quiet: QuietHours | null | undefined, zone: string): Date {
  if (!quiet) return at;
  const local = DateTime.fromJSDate(at, { zone });
  const now = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inQuiet = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inQuiet) return at;
  const endToday = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  const until = now < end ? endToday : endToday.plus({ days: 1 });
  return until.toJSDate();
}

/**
 * Meta's template language codes (the classic list of the Cloud API's supported languages):
 * a language alone, or language_REGION where Meta has a regional variant.
 */
export const META_LANGUAGES: ReadonlySet<string> = new Set(
  (
    'af sq ar az bn bg ca zh_CN zh_HK zh_TW hr cs da nl en en_GB en_US et fil fi fr ka de el gu ha he hi hu id ga it ja kn kk rw_RW ko ky_KG lo lv lt ' +
    'mk ms ml mr nb fa pl pt_BR pt_PT pa ro ru sr sk sl es es_AR es_ES es_MX sw sv ta te th tr uk ur uz vi zu'
  ).split(' '),
);

/** Languages Meta only knows with a region: the region we fall back to when the locale names another (or none). */
const DEFAULT_REGION: Record<string, string> = { zh: 'zh_CN', pt: 'pt_BR', rw: 'rw_RW', ky: 'ky_KG' };

/**
 * The business locale (BCP 47: en-IN, pt-BR, es) as Meta's template language code (en, pt_BR,
 * es): the regional variant when Meta has it, else the language, else English.
 */
export function metaLanguageCode(locale: string): string {
  const parts = locale.replace(/_/g, '-').split('-');
  const lang = (parts[0] ?? '').toLowerCase();
  // BCP 47: the region is the two-letter (or three-digit) subtag after the language and an optional script.
  const region = parts
    .slice(1)
    .find((p) => /^[A-Za-z]{2}$/.test(p))
    ?.toUpperCase();
  const script = parts
    .slice(1)
    .find((p) => /^[A-Za-z]{4}$/.test(p))
    ?.toLowerCase();
  // Chinese: the script decides as much as the region (zh-Hant is Taiwan's or Hong Kong's writing).
  if (lang === 'zh' && !region && script === 'hant') return 'zh_TW';
  if (region && META_LANGUAGES.has(`${lang}_${region}`)) return `${lang}_${region}`;
  if (lang === 'nn' || lang === 'no') return 'nb';
  if (lang === 'tl') return 'fil';
  if (lang === 'iw') return 'he';
  if (META_LANGUAGES.has(lang)) return lang;
  if (DEFAULT_REGION[lang]) return DEFAULT_REGION[lang];
  return 'en';
}
