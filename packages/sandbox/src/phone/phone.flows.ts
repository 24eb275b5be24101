// The sandbox playing WhatsApp's client for Flows, so the simulated phone runs a whole
// flow without Meta. The browser never sees a key: it asks this module to open a flow
// message and to send one screen's action; we do what the WhatsApp app does — a fresh
// AES-128 key and IV per request, the key wrapped with the business public key
// (RSA-OAEP-SHA256), AES-128-GCM, X-Hub-Signature-256 with the app secret — POST it over
// loopback to the merchant's /flows/endpoint/{merchant_id}, and decrypt the answer with
// the inverted IV. When the endpoint answers SUCCESS (or a screen's `complete` action
// runs), the customer's nfm_reply goes to our webhook through the double's normal,
// signed delivery path (customerSends), with response_json = params + flow_token.
//
// Which public key: the one registered on the number with whatsapp_business_encryption
// (as WhatsApp does), else the merchant's own flow_keys public key — a sandbox shortcut so
// trying a flow does not need the registration step. A registered key that is stale gets
// the endpoint's 421, shown as such.
import type { Result } from '../../../../src/domain/result.ts';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { decryptFlowResponse, encryptFlowRequest } from './flow-client.crypto.ts';
import { FLOWS, flowEndpointUrl } from '../../../../src/modules/flows/index.ts';
import { isObj, type Obj } from '../whatsapp/wa.check.ts';
import { customerSends } from '../whatsapp/wa.customer.ts';
import { sandboxBusinessKey } from '../whatsapp/wa-keys.repository.ts';
import { getMessage } from '../whatsapp/wa.repository.ts';
import type { SandboxContext } from '../host.ts';

export type FlowFailure = { status: number; message: string };
type Out<T> = Result<T, FlowFailure>;
const fail = (status: number, message: string): { ok: false; error: FlowFailure } => ({ ok: false, error: { status, message } });

interface FlowMessage {
  wamid: string;
  phoneNumberId: string;
  waId: string;
  merchantId: string;
  params: Obj;
  flowJson: Obj;
}

const FLOW_DIR = new URL('../../../../flows/', import.meta.url);
const jsonCache = new Map<string, Obj>();

/** The Flow JSON a flow message opens: our flow named by flow_name, or (flow_id) the token's flow. */
async function flowJsonFor(ctx: SandboxContext, p: Obj): Promise<Obj | undefined> {
  let name = [...FLOWS.values()].find((d) => d.metaFlowName === p['flow_name'])?.name;
  // A numeric flow_id means nothing to the sandbox; the token says which of our flows it is.
  if (!name && typeof p['flow_token'] === 'string') name = await ctx.business.flowNameOfToken(p['flow_token']);
  if (!name) return undefined;
  const file = `${name.replace(/_/g, '-')}.flow.json`;
  let json = jsonCache.get(file);
  if (!json) {
    try {
      json = JSON.parse(fs.readFileSync(new URL(file, FLOW_DIR), 'utf8')) as Obj;
    } catch {
      return undefined;
    }
    jsonCache.set(file, json);
  }
  return json;
}

/** The flow message `wamid` in this customer's chat, with its parameters and Flow JSON. */
async function loadFlowMessage(ctx: SandboxContext, wamid: string, wa: string): Promise<Out<FlowMessage>> {
  const m = await getMessage(ctx.db, wamid);
  const inter = m?.body['interactive'];
  if (!m || m.direction !== 'outbound' || m.wa_id !== wa || !isObj(inter) || inter['type'] !== 'flow')
    return fail(404, 'No flow message with this id in this chat');
  const n = await ctx.business.number(ctx.db, m.phone_number_id);
  if (!n) return fail(404, 'The sandbox number of this message no longer exists');
  const params: Obj = isObj(inter['action']) && isObj(inter['action']['parameters']) ? inter['action']['parameters'] : {};
  const flowJson = await flowJsonFor(ctx, params);
  if (!flowJson) return fail(422, `The sandbox has no Flow JSON for ${String(params['flow_name'] ?? params['flow_id'] ?? 'this flow')}`);
  return { ok: true, value: { wamid, phoneNumberId: n.phone_number_id, waId: wa, merchantId: n.merchant_id, params, flowJson } };
}

/** GET: what the phone needs to show the flow (never a key or a secret). */
export async function openFlow(ctx: SandboxContext, wamid: string, wa: string) {
  const r = await loadFlowMessage(ctx, wamid, wa);
  if (!r.ok) return r;
  const p = r.value.params;
  const payload = isObj(p['flow_action_payload']) ? p['flow_action_payload'] : {};
  return {
    ok: true as const,
    value: {
      object: 'sandbox_flow',
      message_id: wamid,
      flow_cta: p['flow_cta'] ?? 'Open',
      flow_action: p['flow_action'] ?? 'navigate',
      // navigate opens this screen with this data; data_exchange asks our endpoint (INIT).
      screen: typeof payload['screen'] === 'string' ? payload['screen'] : null,
      data: isObj(payload['data']) ? payload['data'] : {},
      flow_json: r.value.flowJson,
    },
  };
}

/** The request to the endpoint, as the WhatsApp client builds it. */
export interface ExchangeInput {
  action: 'INIT' | 'BACK' | 'data_exchange';
  screen?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

/** What the phone gets: the next screen, the end of the flow, or why the flow stopped. */
export type ExchangeAnswer =
  | { kind: 'screen'; screen: string; data: Obj }
  | { kind: 'completed'; params: Obj; reply_message_id: string | null }
  | { kind: 'closed'; status: number; message: string };

export async function exchangeFlow(ctx: SandboxContext, wamid: string, wa: string, input: ExchangeInput): Promise<Out<ExchangeAnswer>> {
  const r = await loadFlowMessage(ctx, wamid, wa);
  if (!r.ok) return r;
  const fm = r.value;
  const key = (await sandboxBusinessKey(ctx.db, fm.phoneNumberId)) ?? (await ctx.business.flowPublicKey(fm.merchantId));
  if (!key) return fail(409, 'No Flows public key: the merchant has none and none is registered on this number');
  const request = {
    version: '3.0',
    action: input.action,
    flow_token: fm.params['flow_token'],
    ...(input.screen ? { screen: input.screen } : {}),
    data: input.data ?? {},
  };
  const enc = encryptFlowRequest(request, key);
  const body = JSON.stringify(enc.envelope);
  const signature = `sha256=${crypto
    .createHmac('sha256', await ctx.business.whatsappAppSecret())
    .update(body)
    .digest('hex')}`;
  let res: Response;
  try {
    // Loopback only: publicUrl is this server in sandbox mode.
    res = await fetch(flowEndpointUrl(ctx, fm.merchantId), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    return fail(502, `The flow endpoint could not be reached: ${e instanceof Error ? e.message : String(e)}`);
  }
  const text = await res.text();
  if (res.status === 421)
    return {
      ok: true,
      value: {
        kind: 'closed',
        status: 421,
        message: "The endpoint could not decrypt the request: the public key registered on this number is not the merchant's current one. Register it again.",
      },
    };
  if (res.status !== 200 && res.status !== 427)
    return { ok: true, value: { kind: 'closed', status: res.status, message: `The flow endpoint answered ${res.status}` } };
  let answer: Obj;
  try {
    const a = decryptFlowResponse(text, enc.aesKey, enc.iv);
    answer = isObj(a) ? a : {};
  } catch {
    return { ok: true, value: { kind: 'closed', status: 502, message: "The flow endpoint's answer could not be decrypted" } };
  }
  if (res.status === 427)
    return { ok: true, value: { kind: 'closed', status: 427, message: String(answer['error_msg'] ?? 'This form is no longer available.') } };
  const data: Obj = isObj(answer['data']) ? answer['data'] : {};
  if (answer['screen'] === 'SUCCESS') {
    const ext = isObj(data['extension_message_response']) ? data['extension_message_response'] : {};
    const params: Obj = isObj(ext['params']) ? ext['params'] : {};
    return finish(ctx, fm, params);
  }
  if (typeof answer['screen'] !== 'string') return { ok: true, value: { kind: 'closed', status: 502, message: 'The flow endpoint answered without a screen' } };
  return { ok: true, value: { kind: 'screen', screen: answer['screen'], data } };
}

/** A screen's `complete` action (navigate flows): the flow ends with this payload. */
export async function completeFlow(ctx: SandboxContext, wamid: string, wa: string, payload: Obj): Promise<Out<ExchangeAnswer>> {
  const r = await loadFlowMessage(ctx, wamid, wa);
  if (!r.ok) return r;
  return finish(ctx, r.value, payload);
}

/** The customer's nfm_reply, as WhatsApp sends it when a flow ends: quoting the flow message. */
async function finish(ctx: SandboxContext, fm: FlowMessage, params: Obj): Promise<Out<ExchangeAnswer>> {
  const response = { ...params, flow_token: fm.params['flow_token'] };
  const sent = await customerSends(ctx, fm.waId, {
    phone_number_id: fm.phoneNumberId,
    type: 'interactive',
    interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify(response) } },
    context: { id: fm.wamid },
  });
  return { ok: true, value: { kind: 'completed', params: response, reply_message_id: sent.ok ? sent.value.id : null } };
}
