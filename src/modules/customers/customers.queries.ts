// Reads for the customers module's routes and the CLI.
export { getCustomer, getCustomersByIds, listCustomers, listIdentityChanges, findCustomerBy } from './customers.repository.ts';
