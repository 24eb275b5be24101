import { describe, expect, it } from 'vitest';
import { DEFAULT_AUTO_REPLY_SETTINGS, decideAutoReply, inboundKind, normalizeWords, pauseExpired, withinHours, type AutoReplyFacts } from './auto-replies.ts';

const zone = 'Asia/Kolkata';
// Monday 2026-12-07 10:00 IST = 04:30 UTC
const mondayTen = new Date('2026-12-07T04:30:00Z');
const mondayNight = new Date('2026-12-07T17:30:00Z'); // 23:00 IST
const settings = {
  greeting: { enabled: true, text: 'Hello!' },
  away: { enabled: true, text: 'We are closed', hours: { mon: [['09:00', '18:00']] as [string, string][] } },
  fallback: { enabled: true, text: 'An agent will answer' },
  resume_after_minutes: 30,
};
const facts = (over: Partial<AutoReplyFacts> = {}): AutoReplyFacts => ({
  settings,
  inbound: { kind: 'text', text: 'hi' },
  zone,
  now: mondayTen,
  optedOut: false,
  paused: false,
  lastGreetingAt: null,
  lastAwayAt: null,
  repliesLastHour: 0,
  ...over,
});

describe('decideAutoReply', () => {
  it('precedence: keyword, then away or greeting, then fallback', () => {
    expect(decideAutoReply(facts({ keyword: { type: 'text', text: 'Menu' } }))).toEqual({ kind: 'keyword', reply: { type: 'text', text: 'Menu' } });
    expect(decideAutoReply(facts()).kind).toBe('greeting');
    expect(decideAutoReply(facts({ now: mondayNight })).kind).toBe('away');
    expect(decideAutoReply(facts({ lastGreetingAt: new Date(mondayTen.getTime() - 3600_000) })).kind).toBe('fallback');
    expect(decideAutoReply(facts({ settings: DEFAULT_AUTO_REPLY_SETTINGS })).kind).toBe('none');
  });

  it('greeting once per 24 h, away once per 4 h (and nothing else outside hours)', () => {
    const h = (n: number) => new Date(mondayTen.getTime() - n * 3600_000);
    expect(decideAutoReply(facts({ lastGreetingAt: h(23.9), settings: { ...settings, fallback: { enabled: false, text: null } } })).kind).toBe('none');
    expect(decideAutoReply(facts({ lastGreetingAt: h(24) })).kind).toBe('greeting');
    const night = (n: number) => new Date(mondayNight.getTime() - n * 3600_000);
    expect(decideAutoReply(facts({ now: mondayNight, lastAwayAt: night(3.9) }))).toEqual({ kind: 'none', reason: 'away reply sent within 4 hours' });
    expect(decideAutoReply(facts({ now: mondayNight, lastAwayAt: night(4) })).kind).toBe('away');
  });

  it('never: opted out, paused, 5 an hour, carts, Flow completions, buttons, reactions, system, unsupported', () => {
    expect(decideAutoReply(facts({ optedOut: true, keyword: { type: 'text', text: 'x' } })).kind).toBe('none');
    expect(decideAutoReply(facts({ paused: true })).kind).toBe('none');
    expect(decideAutoReply(facts({ repliesLastHour: 5, keyword: { type: 'text', text: 'x' } })).kind).toBe('none');
    expect(decideAutoReply(facts({ repliesLastHour: 4 })).kind).toBe('greeting');
    for (const t of ['order', 'nfm_reply', 'button_reply', 'list_reply', 'button', 'reaction', 'system', 'unsupported', 'interactive:foo'])
      expect(decideAutoReply(facts({ inbound: inboundKind(t) })).kind, t).toBe('none');
    expect(decideAutoReply(facts({ inbound: inboundKind('image') })).kind).toBe('greeting');
  });
});

describe('withinHours', () => {
  it('reads the wall clock of the business time zone', () => {
    const hours = { mon: [['09:00', '18:00']] as [string, string][], tue: [['00:00', '24:00']] as [string, string][] };
    expect(withinHours(hours, zone, mondayTen)).toBe(true);
    expect(withinHours(hours, zone, mondayNight)).toBe(false);
    expect(withinHours(hours, 'America/New_York', mondayTen)).toBe(false); // 23:30 Sunday in New York
    expect(withinHours(hours, zone, new Date('2026-12-07T18:31:00Z'))).toBe(true); // 00:01 Tuesday IST
    expect(withinHours({}, zone, mondayTen)).toBe(false);
  });
});

describe('normalizeWords and pauseExpired', () => {
  it('folds case, width and spacing; never a pattern', () => {
    expect(normalizeWords('  ＭＥＮＵ\t please ')).toBe('menu please');
    expect(normalizeWords('.*')).toBe('.*');
  });
  it('a pause ends resume_after_minutes after the last staff reply', () => {
    expect(pauseExpired(new Date(mondayTen.getTime() - 29 * 60_000), 30, mondayTen)).toBe(false);
    expect(pauseExpired(new Date(mondayTen.getTime() - 30 * 60_000), 30, mondayTen)).toBe(true);
  });
});
