// Reads for the orders module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { getOrder, listOrders } from './orders.repository.ts';
