// The stream module's routes (under /v1): the live stream of a merchant's changes.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as streamGet from './routes/stream.get.ts';

export const streamRoutes: ModuleRoutes = { api: [streamGet], public: [] };
