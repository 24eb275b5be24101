// The events module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './events.routes.ts';
export { webhookJobHandlers } from './events.jobs.ts';
export { eventListSchema, eventSchema, presentEvent } from './events.present.ts';
export { recordEvent } from './events.record.ts';
export { listEvents } from './events.repository.ts';
export { webhookNetworkPolicy } from './webhooks.policy.ts';
export { replayEvents } from './webhooks.replay.ts';
export { scheduleWebhookSweep } from './webhooks.sweep.ts';
export { isStreamEvent, noteStreamChanges, wakeStreams, STREAM_EVENT_PREFIXES, type StreamChange } from './events.stream.ts';
