// The stream module's public surface: the live stream (GET /v1/stream) of a merchant's changes.
export * from './stream.routes.ts';
export { STREAM_LIMITS } from './stream.serve.ts';
