// Reads for the flows module's routes and the CLI: the read statements of its repositories,
// and nothing that writes (changes go through the use cases).
export { listFlowKeywords } from './flow-keywords.repository.ts';
export { getFlowKey } from './flows.repository.ts';
