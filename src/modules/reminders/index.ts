// The reminders module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './reminders.routes.ts';
export { followBillSent, REMIND_JOB } from './reminders.schedule.ts';
export { reminderJobHandlers } from './reminders.jobs.ts';
export { sendReminder, billStillOpen, type ReminderOutcome } from './reminders.send.ts';
export { reminderReport } from './reminders.report.ts';
