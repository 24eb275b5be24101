// Every HTTP route of the reminders module (the schedule itself is set with the payment
// settings: PATCH /v1/settings/payments). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as reportsReminders from './routes/reports.reminders.ts';

export const remindersRoutes: ModuleRoutes = {
  api: [reportsReminders],
  public: [],
};
