// Every HTTP route of the users module: `api` ones sit behind authentication (under /v1),
// `public` ones answer without it (signing in, the one-time links' pages).
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as auditLog from './routes/audit-log.ts';
import * as linkPages from './routes/links.page.ts';
import * as me from './routes/me.ts';
import * as sessions from './routes/sessions.ts';
import * as users from './routes/users.ts';

export const usersRoutes: ModuleRoutes = {
  api: [sessions, me, users, auditLog],
  public: [{ register: sessions.registerLogin }, linkPages],
};
