// Reads for the stream's route.
export { streamHead } from './stream.repository.ts';
