// The reports module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './reports.routes.ts';
export { dailyReport } from './reports.daily.ts';
export type { DailyReport } from './reports.daily.ts';
