// Reads for the events module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { listEvents } from './events.repository.ts';
export { listAttempts, listDeliveries, listMerchantDeliveries } from './webhook-deliveries.repository.ts';
export { getEndpoint, listEndpoints } from './webhook-endpoints.repository.ts';
