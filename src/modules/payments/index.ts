// The payments module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './payments.routes.ts';
export { ensureCheckoutObject } from './payments.checkout.ts';
export { paymentJobHandlers } from './payments.jobs.ts';
export { schedulePoll } from './payments.lookup.ts';
export type { RefundRow } from './refunds.repository.ts';
export { getMerchantPolicies } from './payments.policies.ts';
export type { MerchantPolicies } from './payments.policies.ts';
