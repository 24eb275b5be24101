// Automatic replies, pure: which one (if any) answers a customer's inbound message. One
// precedence (the opt-out words are handled before this, by the inbox): a keyword, then
// away (outside business hours) or greeting, then the fallback. At most one reply per
// inbound message (the caller's unique key), greeting at most once per customer per 24 h,
// away at most once per 4 h, at most 5 automatic replies per customer per hour; never to an
// opted-out customer, never while a person handles the conversation, never in answer to a
// cart, a Flow completion, a button, list or address reply, a reaction, a system or an
// unsupported message.
import { DateTime } from 'luxon';
import { WEEKDAYS, type WeeklyHours } from './booking/availability.ts';

export const GREETING_EVERY_MS = 24 * 3600_000;
export const AWAY_EVERY_MS = 4 * 3600_000;
export const HOURLY_CAP = 5;
export const HOUR_MS = 3600_000;

export type KeywordReply =
  | { type: 'text'; text: string }
  | { type: 'flow'; flow: string; flow_id?: string | undefined }
  | { type: 'catalog'; body: string; thumbnail_retailer_id?: string | undefined }
  | { type: 'product_list'; header: string; body: string; sections: { title?: string | undefined; retailer_ids: string[] }[] };

export interface AutoReplySettings {
  greeting: { enabled: boolean; text: string | null };
  away: { enabled: boolean; text: string | null; hours: WeeklyHours };
  fallback: { enabled: boolean; text: string | null };
  resume_after_minutes: number;
}

export const DEFAULT_AUTO_REPLY_SETTINGS: AutoReplySettings = {
  greeting: { enabled: false, text: null },
  away: { enabled: false, text: null, hours: {} },
  fallback: { enabled: false, text: null },
  resume_after_minutes: 60,
};

/** What kind of inbound message this is, for automation: words we may match, other content we may greet, or never answered. */
export type InboundKind = { kind: 'text'; text: string } | { kind: 'content' } | { kind: 'never'; what: string };

/** Customer content that a greeting, away or fallback may answer (keywords match text only). */
const CONTENT = new Set(['image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts']);

const NEVER: Record<string, string> = {
  order: 'a cart',
  nfm_reply: 'a Flow completion or address reply',
  button_reply: 'a button reply',
  list_reply: 'a list reply',
  button: 'a button reply',
  reaction: 'a reaction',
  system: 'a system message',
  unsupported: 'an unsupported message',
};

/** The inbound message's kind from its WhatsApp type (`other:<type>` for types we only store). */
export function inboundKind(type: string, text?: string): InboundKind {
  if (type === 'text') return { kind: 'text', text: text ?? '' };
  if (CONTENT.has(type)) return { kind: 'content' };
  return { kind: 'never', what: NEVER[type] ?? `a ${type} message` };
}

/** NFKC, lower case, trimmed, inner runs of whitespace as one space: how keywords are stored and matched. */
export function normalizeWords(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** Whether an instant falls within the weekly opening hours, read on the wall clock of `zone`. */
export function withinHours(hours: WeeklyHours, zone: string, at: Date): boolean {
  const t = DateTime.fromJSDate(at, { zone });
  const day = WEEKDAYS[t.weekday - 1]!;
  const minutes = t.hour * 60 + t.minute;
  const of = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return (hours[day] ?? []).some(([a, b]) => minutes >= of(a) && minutes < of(b));
}

export interface AutoReplyFacts {
  settings: AutoReplySettings;
  inbound: InboundKind;
  /** The keyword's reply when the text is one of the merchant's keywords. */
  keyword?: KeywordReply | undefined;
  zone: string;
  now: Date;
  optedOut: boolean;
  /** The conversation's automation as of now (a pause past resume_after_minutes counts as on). */
  paused: boolean;
  lastGreetingAt: Date | null;
  lastAwayAt: Date | null;
  repliesLastHour: number;
}

export type AutoReplyDecision =
  | { kind: 'keyword'; reply: KeywordReply }
  | { kind: 'greeting' | 'away' | 'fallback'; reply: { type: 'text'; text: string } }
  | { kind: 'none'; reason: string };

const within = (at: Date | null, now: Date, ms: number) => at !== null && now.getTime() - at.getTime() < ms;

export function decideAutoReply(f: AutoReplyFacts): AutoReplyDecision {
  if (f.inbound.kind === 'never') return { kind: 'none', reason: `never in answer to ${f.inbound.what}` };
  if (f.optedOut) return { kind: 'none', reason: 'the customer opted out' };
  if (f.paused) return { kind: 'none', reason: 'a person is handling the conversation' };
  if (f.repliesLastHour >= HOURLY_CAP) return { kind: 'none', reason: `${HOURLY_CAP} automatic replies in the last hour` };
  if (f.keyword) return { kind: 'keyword', reply: f.keyword };
  const s = f.settings;
  if (s.away.enabled && s.away.text && !withinHours(s.away.hours, f.zone, f.now)) {
    // Outside hours the away reply speaks for the business: no greeting or fallback beside it.
    return within(f.lastAwayAt, f.now, AWAY_EVERY_MS)
      ? { kind: 'none', reason: 'away reply sent within 4 hours' }
      : { kind: 'away', reply: { type: 'text', text: s.away.text } };
  }
  if (s.greeting.enabled && s.greeting.text && !within(f.lastGreetingAt, f.now, GREETING_EVERY_MS))
    return { kind: 'greeting', reply: { type: 'text', text: s.greeting.text } };
  if (s.fallback.enabled && s.fallback.text) return { kind: 'fallback', reply: { type: 'text', text: s.fallback.text } };
  return { kind: 'none', reason: 'no automatic reply applies' };
}

/** Whether a pause has run out: no staff reply for resume_after_minutes. */
export function pauseExpired(lastStaffReplyAt: Date | null, resumeAfterMinutes: number, now: Date): boolean {
  return lastStaffReplyAt === null || now.getTime() - lastStaffReplyAt.getTime() >= resumeAfterMinutes * 60_000;
}
