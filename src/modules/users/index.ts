// The users module's public surface: console users, sessions, one-time links, the role
// table's enforcement and the audit log. Other modules, the composition root and the CLI
// import it only from here (checked by npm run lint).
export * from './users.routes.ts';
export { AUDIT_TYPES, recordAudit, type AuditType } from './users.audit.ts';
export { authorizationHooks } from './users.authorize.ts';
export { issueLink, issueResetLink, LINK_TTL_SECONDS, type IssuedLink } from './users.links.ts';
export { createUser, inviteUser } from './users.manage.ts';
export { hashPassword, MAX_PASSWORD, MIN_PASSWORD, prepareDummyHash } from './users.passwords.ts';
export { presentAudit, presentLink, presentUser } from './users.present.ts';
export { findUserByEmail, listUsers } from './users.queries.ts';
export { PUBLIC_ROUTES, ROUTE_RULES, ruleFor } from './users.route-rules.ts';
export { renderRolesMarkdown } from './users.roles-doc.ts';
export { authenticateSession, checkSession, normalizeEmail } from './users.sessions.ts';
