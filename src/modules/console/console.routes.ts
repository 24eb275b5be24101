// The console module's routes: the single-page app's files (public: the app itself signs
// in through /v1/sessions and calls /v1 with its session cookie).
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as consolePage from './routes/console.page.ts';

export const consoleRoutes: ModuleRoutes = {
  api: [],
  public: [consolePage],
};
