import { describe, expect, it } from 'vitest';
import { checkReminderSchedule, metaLanguageCode, outsideQuietHours } from './reminders.ts';

describe('checkReminderSchedule', () => {
  it.each([
    [[], null, undefined],
    [[{ after_seconds: 600 }, { after_seconds: 3600 }, { after_seconds: 86_400 }], { start: '21:00', end: '08:00' }, undefined],
    [[{ after_seconds: 600 }, { after_seconds: 700 }, { after_seconds: 800 }, { after_seconds: 900 }], null, 'reminders'],
    [[{ after_seconds: 599 }], null, 'reminders.0.after_seconds'],
    [[{ after_seconds: 3600 }, { after_seconds: 3600 }], null, 'reminders.1.after_seconds'],
    [[{ after_seconds: 3600 }, { after_seconds: 1200 }], null, 'reminders.1.after_seconds'],
    [[{ after_seconds: 1e9 }], null, 'reminders.0.after_seconds'],
    [[{ after_seconds: 600.5 }], null, 'reminders.0.after_seconds'],
    [[], { start: '24:00', end: '08:00' }, 'quiet_hours.start'],
    [[], { start: '21:00', end: '8:00' }, 'quiet_hours.end'],
    [[], { start: '21:00', end: '21:00' }, 'quiet_hours.end'],
  ])('%j %j → %s', (steps, quiet, path) => {
    expect(checkReminderSchedule(steps, quiet)?.path).toBe(path);
  });
});

describe('outsideQuietHours', () => {
  const night = { start: '21:00', end: '08:00' };
  const zone = 'Asia/Kolkata'; // UTC+05:30
  it.each([
    // 14:00 IST: not quiet.
    ['2026-03-01T08:30:00Z', night, '2026-03-01T08:30:00.000Z'],
    // 21:00 IST exactly: quiet until 08:00 IST the next day (02:30 UTC).
    ['2026-03-01T15:30:00Z', night, '2026-03-02T02:30:00.000Z'],
    // 03:00 IST: quiet until 08:00 IST the same day.
    ['2026-03-01T21:30:00Z', night, '2026-03-02T02:30:00.000Z'],
    // 08:00 IST: the quiet hours have ended.
    ['2026-03-02T02:30:00Z', night, '2026-03-02T02:30:00.000Z'],
    // A span within one day: 13:00–14:00, at 13:30 IST → 14:00 IST.
    ['2026-03-01T08:00:00Z', { start: '13:00', end: '14:00' }, '2026-03-01T08:30:00.000Z'],
    ['2026-03-01T08:00:00Z', null, '2026-03-01T08:00:00.000Z'],
  ])('%s %j → %s', (at, quiet, expected) => {
    expect(outsideQuietHours(new Date(at), quiet, zone).toISOString()).toBe(expected);
  });

  it('follows the zone across a DST change (New York, 8 March 2026)', () => {
    // 23:30 EST on 7 March; quiet until 08:00 EDT on 8 March (12:00 UTC, not 13:00).
    expect(outsideQuietHours(new Date('2026-03-08T04:30:00Z'), { start: '22:00', end: '08:00' }, 'America/New_York').toISOString()).toBe(
      '2026-03-08T12:00:00.000Z',
    );
  });
});

describe('metaLanguageCode', () => {
  it.each([
    ['en-IN', 'en'],
    ['en-GB', 'en_GB'],
    ['en', 'en'],
    ['pt-BR', 'pt_BR'],
    ['pt-PT', 'pt_PT'],
    ['pt', 'pt_BR'],
    ['es', 'es'],
    ['es-MX', 'es_MX'],
    ['es-CO', 'es'],
    ['hi-IN', 'hi'],
    ['zh-Hant', 'zh_TW'],
    ['zh-HK', 'zh_HK'],
    ['nb-NO', 'nb'],
    ['xx', 'en'],
  ])('%s → %s', (locale, code) => {
    expect(metaLanguageCode(locale)).toBe(code);
  });
});
