// The automation module's routes (under /v1).
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as autoReplies from './routes/settings.auto-replies.ts';

export const automationRoutes: ModuleRoutes = { api: [autoReplies], public: [] };
