// Runs one decrypted INIT / BACK / data_exchange request against a flow definition and
// the token's stored state. The stored state is the truth: BACK goes back from the screen
// we last served (not from whatever the client names), a data_exchange is accepted only
// from a screen this token has actually been shown, and submitted data is validated
// before a handler sees it. The caller persists the returned state in the same transaction.
import type { FlowCall, FlowDefinition, ScreenData } from './flow.types.ts';

export type FlowAction = 'INIT' | 'BACK' | 'data_exchange';

export interface FlowRequest {
  action: FlowAction;
  screen?: string | undefined;
  data: Record<string, unknown>;
}

/** What flow_tokens.state holds: the engine's bookkeeping around the flow's own state. */
export interface StoredFlowState {
  screen: string | null;
  visited: string[];
  flow: unknown;
}

export interface FlowOutcome {
  /** The response JSON before encryption. */
  response: { screen: string; data: ScreenData };
  stored: StoredFlowState;
  completed: boolean;
}

/** The state a new token starts with. */
export function initialStoredState(def: Pick<FlowDefinition<unknown>, 'initialState'>): StoredFlowState {
  return { screen: null, visited: [], flow: def.initialState() };
}

/** Reads flow_tokens.state; a state this definition no longer understands is a bug, not user input. */
export function readStoredState<S>(def: FlowDefinition<S>, raw: Record<string, unknown>): { stored: StoredFlowState; state: S } {
  const screen = typeof raw['screen'] === 'string' ? raw['screen'] : null;
  const visited = Array.isArray(raw['visited']) ? raw['visited'].filter((v): v is string => typeof v === 'string') : [];
  const parsed = def.state.safeParse(raw['flow'] ?? def.initialState());
  if (!parsed.success) throw new Error(`flow ${def.name}: stored state does not match the definition: ${parsed.error.message}`);
  return { stored: { screen, visited, flow: parsed.data }, state: parsed.data };
}

function describeIssue(e: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = e.issues[0];
  if (!i) return 'Please check your answers.';
  const field = i.path.map(String).join('.');
  return field ? `Please check ${field.replace(/_/g, ' ')}: ${i.message}` : `Please check your answers: ${i.message}`;
}

export async function runFlowRequest<S>(
  def: FlowDefinition<S>,
  base: Omit<FlowCall<S>, 'state'>,
  rawState: Record<string, unknown>,
  req: FlowRequest,
): Promise<FlowOutcome> {
  const { stored, state } = readStoredState(def, rawState);
  const show = async (screenId: string, s: S, error?: string): Promise<FlowOutcome> => {
    const def_ = def.screens[screenId];
    if (!def_) throw new Error(`flow ${def.name}: no screen ${screenId}`);
    const data = await def_.render({ ...base, state: s });
    const visited = stored.visited.includes(screenId) ? stored.visited : [...stored.visited, screenId];
    return {
      response: { screen: screenId, data: error ? { ...data, error_message: error } : data },
      stored: { screen: screenId, visited, flow: s },
      completed: false,
    };
  };

  if (req.action === 'INIT') {
    // Reopening the message starts at the first screen again; the flow's own state (a cart) is kept.
    stored.visited = [];
    return show(def.firstScreen, state);
  }
  if (req.action === 'BACK') {
    const from = stored.screen ?? def.firstScreen;
    return show(def.screens[from]?.back ?? def.firstScreen, state);
  }

  const name = req.screen;
  const scr = name === undefined ? undefined : def.screens[name];
  if (name === undefined || !scr || !stored.visited.includes(name)) {
    // Not a screen this token was shown: answer with the one we last served.
    return show(stored.screen ?? def.firstScreen, state, stored.screen ? 'Please continue from this screen.' : undefined);
  }
  if (!scr.submit) return show(name, state);
  let input: unknown = req.data;
  if (scr.input) {
    const parsed = scr.input.safeParse(req.data);
    if (!parsed.success) return show(name, state, describeIssue(parsed.error));
    input = parsed.data;
  }
  const step = await scr.submit({ ...base, state }, input);
  if (step.kind === 'goto') return show(step.screen, step.state, step.error);
  return {
    response: { screen: 'SUCCESS', data: { extension_message_response: { params: { ...step.params, flow_token: base.token } } } },
    stored: { screen: 'SUCCESS', visited: stored.visited, flow: step.state },
    completed: true,
  };
}
