// Every HTTP route of the events module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as eventsList from './routes/events.list.ts';
import * as webhookDeliveriesList from './routes/webhook-deliveries.list.ts';
import * as webhookEndpointsAttempts from './routes/webhook-endpoints.attempts.ts';
import * as webhookEndpointsCreate from './routes/webhook-endpoints.create.ts';
import * as webhookEndpointsList from './routes/webhook-endpoints.list.ts';
import * as webhookEndpointsReplay from './routes/webhook-endpoints.replay.ts';
import * as webhookEndpointsRotate from './routes/webhook-endpoints.rotate.ts';
import * as webhookEndpointsSendTest from './routes/webhook-endpoints.send-test.ts';
import * as webhookEndpointsUpdate from './routes/webhook-endpoints.update.ts';

export const eventsRoutes: ModuleRoutes = {
  api: [
    eventsList,
    webhookEndpointsCreate,
    webhookEndpointsList,
    webhookEndpointsUpdate,
    webhookEndpointsRotate,
    webhookEndpointsSendTest,
    webhookEndpointsAttempts,
    webhookEndpointsReplay,
    webhookDeliveriesList,
  ],
  public: [],
};
