// The automation module's public surface (checked by npm run lint): automatic replies
// (greeting, away, keywords, fallback) and the hand-off to a person.
export * from './automation.routes.ts';
export { autoReply, staffReplied } from './automation.answer.ts';
export { automationJobHandlers } from './automation.jobs.ts';
