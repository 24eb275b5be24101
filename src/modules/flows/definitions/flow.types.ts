// What a flow is, in code: its screens (ids matching the Flow JSON in flows/*.flow.json),
// what each screen shows (render, from server state only) and what happens when the user
// submits it (submit: client data is input to check, never a fact). The engine
// (flow.engine.ts) keeps the current screen and the screens visited; a flow keeps its own
// state `S` (cart, address…), stored on the flow token row and validated with `state`.
import type { z } from 'zod';
import type { Tx } from '../../../platform/store/db.ts';
import type { AppContext } from '../../../platform/context.ts';

/** The data a screen shows: the keys its Flow JSON `data` declares. */
export type ScreenData = Record<string, unknown>;

/** Everything a handler may use: the transaction the whole request runs in, and who is asking. */
export interface FlowCall<S> {
  ctx: AppContext;
  tx: Tx;
  merchantId: string;
  /** The customer the flow was sent to (customers module), and their phone if known. */
  customerId: string;
  waId: string | null;
  /** The flow token: the key of whatever the flow creates (orders.flow_token, bookings.flow_token). */
  token: string;
  now: Date;
  state: S;
}

/** What a submit decides: the next screen (rendered by the engine from the new state), or the end. */
export type FlowStep<S> =
  | {
      kind: 'goto';
      screen: string;
      state: S;
      /** Shown by WhatsApp as a snackbar (`error_message` in the screen data). */
      error?: string | undefined;
    }
  | {
      kind: 'complete';
      state: S;
      /** Extra params of `extension_message_response` (flow_token is always added); they reach response_json. */
      params: Record<string, string | number | boolean>;
    };

export interface FlowScreen<S, I = unknown> {
  /** Builds the screen's data from the server state. */
  render(call: FlowCall<S>): Promise<ScreenData>;
  /** The shape submitted data must have; anything else re-renders the screen with an error. */
  input?: z.ZodType<I>;
  /** The user submitted the screen (data_exchange). Absent: the screen submits nothing to us. */
  submit?(call: FlowCall<S>, input: I): Promise<FlowStep<S>>;
  /** The screen a BACK from here returns to (its Flow JSON has refresh_on_back). */
  back?: string;
}

export interface FlowDefinition<S> {
  /** Our name, as in POST /v1/flows/send {flow}. */
  name: string;
  /** The name the Flow is published under in WhatsApp Manager (flow_name in the message). */
  metaFlowName: string;
  /** The screen INIT opens. */
  firstScreen: string;
  /** How long a token stays usable after the message is sent. */
  ttlSeconds: number;
  /** The default flow message text. */
  message: { cta: string; body: string; header?: string };
  state: z.ZodType<S>;
  initialState(): S;
  screens: Record<string, FlowScreen<S, any>>;
  /**
   * The nfm_reply completion webhook for one of this flow's tokens (the token row locked,
   * in the inbox transaction). Must be idempotent: it may run after the final
   * data_exchange already created the result. Build from server state only; `response`
   * (the customer's response_json) is input, never a price or an item list to trust.
   */
  onCompleted?(call: FlowCall<S>, response: Record<string, unknown>): Promise<FlowCompletion>;
}

/** What onCompleted did: created the result now, found it made already, or could not make it. */
export type FlowCompletion = { status: 'created' | 'exists'; ref: string } | { status: 'refused'; note: string; reply?: string };

/** Keeps each screen's input type tied to its submit while the screens sit in one record. */
export function screen<S, I>(def: FlowScreen<S, I>): FlowScreen<S, I> {
  return def;
}
