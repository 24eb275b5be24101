// The reminders report as the API shows it, with the zod schema its route answers with.
import { z } from 'zod';
import type { ReminderReport } from './reminders.report.ts';

export const reminderReportSchema = z
  .object({
    object: z.literal('reminder_report'),
    time_zone: z.string().describe('The business time zone the days are in'),
    from: z.string().describe('First day, YYYY-MM-DD'),
    to: z.string().describe('Last day, included'),
    queued: z.number().int().describe('Reminders queued in the range'),
    sent: z.number().int().describe('Of those, taken by WhatsApp (sent, delivered or read)'),
    failed: z.number().int().describe('Of those, refused by WhatsApp (for example 131049 / 131050, the marketing limits)'),
    skipped: z.number().int().describe('Steps that ended without a message (opted out, window closed without a template, quiet hours until expiry)'),
    paid_after: z.number().int().describe('Orders paid after a reminder of theirs was sent'),
    recovered: z
      .array(
        z.object({
          currency: z.string(),
          amount: z.number().int().describe('Minor units: the captures that paid those orders'),
          orders: z.number().int(),
        }),
      )
      .describe('What reminders recovered, per currency'),
  })
  .meta({ id: 'ReminderReport', description: 'What unpaid-bill reminders did and recovered' });

export const presentReminderReport = (r: ReminderReport): z.infer<typeof reminderReportSchema> => ({ object: 'reminder_report', ...r });
