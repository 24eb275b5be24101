// The reconciliation module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './reconciliation.routes.ts';
export { importReport } from './reconciliation.run.ts';
