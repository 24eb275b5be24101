// Every HTTP route of the whatsapp module: `api` ones sit behind the API key (under /v1), `public`
// ones answer without it (pages, incoming webhooks, health). The composition root registers them.
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as catalogSync from './routes/catalog.sync.ts';
import * as messagesList from './routes/messages.list.ts';
import * as messagesSend from './routes/messages.send.ts';
import * as conversationsMessages from './routes/conversations.messages.ts';
import * as settingsWhatsApp from './routes/settings.whatsapp.ts';
import * as webhooksWhatsApp from './routes/webhook.ts';
import * as templatesList from './routes/templates.list.ts';
import * as uploads from './routes/uploads.ts';
import * as mediaGet from './routes/media.get.ts';
import * as messagesMedia from './routes/messages.media.ts';

export const whatsappRoutes: ModuleRoutes = {
  api: [messagesList, messagesSend, conversationsMessages, settingsWhatsApp, catalogSync, templatesList, uploads, messagesMedia],
  public: [webhooksWhatsApp, mediaGet],
};
