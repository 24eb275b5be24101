// The ops module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './ops.routes.ts';
export { EXPORT_KINDS, exportCsv, parseExportRange } from './ops.exports.ts';
export type { ExportKind } from './ops.exports.ts';
export { retentionJobHandlers } from './ops.jobs.ts';
export { purgePersonalData, scheduleRetentionPurge } from './ops.retention.ts';
export { refreshPlannerStatistics } from './ops.statistics.ts';
