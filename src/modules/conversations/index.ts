// The conversations module's public surface (checked by npm run lint).
export * from './conversations.routes.ts';
export { recordConversationMessage } from './conversations.track.ts';
export { markConversationRead, resumeAutomation } from './conversations.actions.ts';
export { getConversation, getConversationOfCustomer } from './conversations.queries.ts';
export { presentConversation, conversationSchema } from './conversations.present.ts';
export type { ConversationRow, LastMessage } from './conversations.repository.ts';
