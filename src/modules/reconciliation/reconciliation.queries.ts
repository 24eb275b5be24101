// Reads for the reconciliation module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { getRun, listItems, listRuns } from './reconciliation.repository.ts';
