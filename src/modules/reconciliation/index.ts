// The reconciliation module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './reconciliation.routes.ts';
export {
  createImportRun,
  IMPORT_JOB as RECONCILIATION_IMPORT_JOB,
  importReport,
  importSettings,
  purgeOrphanUploads,
  reconciliationJobHandlers,
  storeUpload,
} from './reconciliation.run.ts';
export { getRun as getReconciliationRun } from './reconciliation.queries.ts';
