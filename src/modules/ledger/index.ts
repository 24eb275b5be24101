// The ledger module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './ledger.routes.ts';
export { postAndProject, recordDisputeMoney, recordPayout, recordProviderFee } from './ledger.post.ts';
