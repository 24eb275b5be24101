// Reads for the users routes and the CLI.
export { findUserByEmail, getUser, listAudit, listUsers } from './users.repository.ts';
