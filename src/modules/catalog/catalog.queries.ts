// Reads for the catalog module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { getProduct, listProducts } from './products.repository.ts';
