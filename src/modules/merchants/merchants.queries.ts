// Reads for the merchants module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { listApiKeys } from './merchants.repository.ts';
