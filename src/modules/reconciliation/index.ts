// The reconciliation module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './reconciliation.routes.ts';
export { reconciliationJobHandlers } from './reconciliation.run.ts';
export { importSettings } from './reconciliation.settings.ts';
export { createImportRun, IMPORT_JOB as RECONCILIATION_IMPORT_JOB, importReport, purgeOrphanUploads, storeUpload } from './reconciliation.upload.ts';
export { getRun as getReconciliationRun } from './reconciliation.queries.ts';
