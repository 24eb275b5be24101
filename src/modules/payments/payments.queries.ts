// Reads for the payments module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { listRefundsForOrder } from './refunds.repository.ts';
export type { RefundRow } from './refunds.repository.ts';
