// The customers module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './customers.routes.ts';
export { learnCustomer, changeNumber, changeBsuid, type SeenIdentity } from './customers.identity.ts';
export { resolveCustomer, displayName, customerSummary, type CustomerRef } from './customers.refs.ts';
export { getCustomer, getCustomersByIds, findCustomerBy, updateCustomer, touchInbound, takePairToken, type CustomerRow } from './customers.repository.ts';
export { presentCustomer, windowExpiresAt, customerSchema } from './customers.present.ts';
export { WINDOW_MS, windowOpen } from './customers.window.ts';
