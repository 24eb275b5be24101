// Reads for the stream's route.
export { behindHorizon, streamHead } from './stream.repository.ts';
