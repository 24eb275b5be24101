// The conversations module's routes (under /v1). A conversation's messages, its read receipt
// and sending are the whatsapp module's (it owns the messages).
import type { ModuleRoutes } from '../../platform/http/route-deps.ts';
import * as conversationsActions from './routes/conversations.actions.ts';
import * as conversationsGet from './routes/conversations.get.ts';
import * as conversationsList from './routes/conversations.list.ts';
import * as quickReplies from './routes/quick-replies.ts';

export const conversationsRoutes: ModuleRoutes = {
  api: [conversationsList, conversationsGet, conversationsActions, quickReplies],
  public: [],
};
