// The flows module's public surface: other modules, the composition root, the CLI and the
// sandbox import it only from here (checked by npm run lint).
export * from './flows.routes.ts';
export { FLOWS, FLOW_NAMES } from './definitions/flow.registry.ts';
export { listFlowKeywords, listKeywords, getFlowKeyword, replaceKeywords, type FlowKeywordRow } from './flow-keywords.repository.ts';
export { completeFlowFromReply } from './flows.complete.ts';
export { flowEndpointUrl, storeFlowKeys } from './flows.keys.ts';
export {
  MAX_KEYWORDS,
  checkFlowReply,
  checkKeyword,
  normalizeKeyword,
  removeFlowKeyword,
  sendKeywordFlow,
  setFlowKeyword,
} from './flows.keywords.ts';
export { presentFlowKeyword } from './flows.present.ts';
export { getFlowKey, getFlowToken } from './flows.repository.ts';
