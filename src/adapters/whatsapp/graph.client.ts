// A thin WhatsApp Cloud API (Graph API) client: fetch + zod, configurable base URL so the
// same code talks to graph.facebook.com or our sandbox (`${publicUrl}/sandbox/graph`).
// It never throws for HTTP or network failures: every outcome is a value the outbox worker
// can act on (retry, delay the recipient, pause the number, give up).
import type { z } from 'zod';
import { REFERENCE_ID_PATTERN } from '../../domain/ids.ts';
import type { Result } from '../../domain/result.ts';
import { clientError, graphErrorFromBody, networkError, type GraphError } from './graph.errors.ts';
import {
  catalogProductsResponse,
  paymentLookupResponse,
  mediaInfoResponse,
  refundResponse,
  sendMessageResponse,
  type MediaInfo,
  successResponse,
  type CatalogProductsPage,
  templatesPage,
  type PaymentLookup,
  type RefundResponse,
  type TemplatesPage,
} from './graph.responses.ts';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';
/** A current Graph API version (v27.0 as of November 2026); WHATSAPP_GRAPH_VERSION overrides it. */
export const DEFAULT_GRAPH_VERSION = 'v27.0';
export const DEFAULT_GRAPH_TIMEOUT_MS = 15_000;

export type GraphResult<T> = Result<T, GraphError>;
/** Meta's id of the sent message, and the number it went to when Meta names one. */
export type SendResult = GraphResult<{ wamid: string; waId?: string }>;
export type MarkReadResult = GraphResult<true>;
/** The file stopped at the size cap: nothing kept. */
export const TOO_LARGE = 'too_large' as const;
/** A downloaded media file, or too large (the download stopped at the cap), or Meta's error. */
export type DownloadResult = Result<Buffer, GraphError | typeof TOO_LARGE>;

export interface GraphClientOptions {
  baseUrl?: string;
  version: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface RefundInput {
  referenceId: string;
  paymentConfigId: string;
  amount: { value: number; offset: number; currency: string };
  speed: 'normal' | 'instant';
}

export interface GraphClient {
  readonly baseUrl: string;
  readonly version: string;
  sendMessage(phoneNumberId: string, token: string, body: Record<string, unknown>): Promise<SendResult>;
  markRead(phoneNumberId: string, token: string, wamid: string, opts?: { typingIndicator?: boolean }): Promise<MarkReadResult>;
  lookupPayment(phoneNumberId: string, token: string, paymentConfiguration: string, referenceId: string): Promise<GraphResult<PaymentLookup>>;
  refundPayment(phoneNumberId: string, token: string, input: RefundInput): Promise<GraphResult<RefundResponse>>;
  /** One page of a catalog's products (GET /{catalog_id}/products?fields=…&limit=…&after=…). */
  listCatalogProducts(catalogId: string, token: string, page: { limit: number; after?: string | undefined }): Promise<GraphResult<CatalogProductsPage>>;
  /** One page of the WABA's message templates (GET /{waba_id}/message_templates). */
  listTemplates(wabaId: string, token: string, page: { limit: number; after?: string | undefined }): Promise<GraphResult<TemplatesPage>>;
  /** A received media file's download URL (valid 5 minutes), type, sha256 and size (GET /{media_id}). */
  getMediaInfo(mediaId: string, token: string): Promise<GraphResult<MediaInfo>>;
  /**
   * Downloads the URL getMediaInfo gave, with the Bearer token, stopping at maxBytes. The URL
   * must be https (http only when the Graph base URL is, i.e. the sandbox or a test) and on
   * Meta's media hosts (or the Graph base URL's origin when it is not graph.facebook.com).
   */
  downloadMedia(url: string, token: string, maxBytes: number): Promise<DownloadResult>;
}

/** Hosts Meta serves media downloads from (lookaside.fbsbx.com today). */
const META_MEDIA_HOSTS = /(^|\.)(fbsbx\.com|facebook\.com|fbcdn\.net|whatsapp\.net)$/i;

/** The product fields a catalog import reads. */
export const CATALOG_PRODUCT_FIELDS = ['id', 'retailer_id', 'name', 'description', 'price', 'currency', 'availability', 'image_url'] as const;
const CURSOR = /^[A-Za-z0-9_=+/-]{1,1024}$/;

const PHONE_NUMBER_ID = /^\d{1,32}$/;
const VERSION = /^v\d{1,3}\.\d{1,3}$/;
// Payment configuration names are free text set in WhatsApp Manager (≤ 60 chars, spaces
// allowed); they are percent-encoded, so only separators and control characters are refused.
const CONFIG_NAME = /^[^/\\?#%\p{Cc}]{1,60}$/u;
// Bearer tokens are opaque but never contain whitespace or control characters; refusing
// them keeps a pasted newline from reaching the Authorization header.
const TOKEN = /^[\x21-\x7e]{1,4096}$/;
const MAX_RESPONSE_CHARS = 1_000_000;

// "." and ".." pass REFERENCE_ID_PATTERN but would be path traversal once in a URL.
const isDotSegment = (s: string) => s === '.' || s === '..';

function pathSegment(kind: 'phone_number_id' | 'reference_id' | 'configuration', value: unknown): string | GraphError {
  const ok =
    typeof value === 'string' &&
    !isDotSegment(value) &&
    (kind === 'phone_number_id' ? PHONE_NUMBER_ID : kind === 'reference_id' ? REFERENCE_ID_PATTERN : CONFIG_NAME).test(value);
  return ok ? encodeURIComponent(value) : clientError(`invalid ${kind} for the URL path`);
}

function normalizeBaseUrl(raw: string): string {
  const url = new URL(raw); // throws on garbage: a misconfiguration is a bug, caught at startup
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`graph baseUrl must be http(s): ${raw}`);
  if (url.search !== '' || url.hash !== '') throw new TypeError('graph baseUrl must not have a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

export function createGraphClient(opts: GraphClientOptions): GraphClient {
  const baseUrl = normalizeBaseUrl(opts.baseUrl ?? DEFAULT_GRAPH_BASE_URL);
  if (!VERSION.test(opts.version)) throw new TypeError(`graph version must look like v27.0: ${opts.version}`);
  const version = opts.version;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_GRAPH_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new TypeError('timeoutMs must be positive');

  async function call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    segments: (string | GraphError)[],
    token: string,
    schema: S,
    body?: unknown,
    query?: URLSearchParams | Record<string, string>,
  ): Promise<GraphResult<z.infer<S>>> {
    for (const s of segments) if (typeof s !== 'string') return { ok: false, error: s };
    if (typeof token !== 'string' || !TOKEN.test(token)) return { ok: false, error: clientError('access token is empty or malformed') };
    const qs = query ? `?${new URLSearchParams(query).toString()}` : '';
    const url = `${baseUrl}/${version}/${(segments as string[]).join('/')}${qs}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    try {
      const init: RequestInit = { method, headers, signal: controller.signal };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await doFetch(url, init);
      status = res.status;
      // Reading the body stays under the same deadline: a stalled stream is a timeout too.
      text = await res.text();
    } catch (e) {
      if (controller.signal.aborted) {
        return { ok: false, error: networkError(`no complete response within ${timeoutMs} ms`, 'Timeout') };
      }
      return { ok: false, error: networkError(e instanceof Error ? e.message : String(e)) };
    } finally {
      clearTimeout(timer);
    }

    let json: unknown;
    try {
      json = text.length > MAX_RESPONSE_CHARS ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (status < 200 || status >= 300) return { ok: false, error: graphErrorFromBody(json, status) };
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      // A 2xx we cannot read: the request may or may not have taken effect. Retrying is the
      // lesser harm (Meta refuses a duplicate order_details reference_id anyway).
      return {
        ok: false,
        error: { code: -1, title: 'Unexpected response', message: `HTTP ${status} with a body we could not parse`, httpStatus: status, class: 'transient' },
      };
    }
    return { ok: true, value: parsed.data };
  }

  function mediaUrlAllowed(raw: string): boolean {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return false;
    }
    const base = new URL(baseUrl);
    if (u.username || u.password) return false;
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && base.protocol === 'http:')) return false;
    return base.hostname === 'graph.facebook.com' ? META_MEDIA_HOSTS.test(u.hostname) : u.origin === base.origin;
  }

  return {
    baseUrl,
    version,

    async getMediaInfo(mediaId, token) {
      return call('GET', [pathSegment('phone_number_id', mediaId)], token, mediaInfoResponse);
    },

    async downloadMedia(url, token, maxBytes) {
      if (typeof url !== 'string' || !mediaUrlAllowed(url)) return { ok: false, error: clientError("media URL is not one of Meta's media hosts") };
      if (typeof token !== 'string' || !TOKEN.test(token)) return { ok: false, error: clientError('access token is empty or malformed') };
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs * 4);
      let over = false;
      try {
        const res = await doFetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal, redirect: 'error' });
        if (res.status < 200 || res.status >= 300) {
          const text = await res.text().catch(() => '');
          let json: unknown;
          try {
            json = text.length > MAX_RESPONSE_CHARS ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          return { ok: false, error: graphErrorFromBody(json, res.status) };
        }
        const declared = Number(res.headers.get('content-length') ?? NaN);
        if (Number.isFinite(declared) && declared > maxBytes) {
          controller.abort();
          return { ok: false, error: TOO_LARGE };
        }
        const chunks: Buffer[] = [];
        let size = 0;
        if (res.body) {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            size += chunk.length;
            if (size > maxBytes) {
              over = true;
              controller.abort();
              return { ok: false, error: TOO_LARGE };
            }
            chunks.push(Buffer.from(chunk));
          }
        }
        return { ok: true, value: Buffer.concat(chunks, size) };
      } catch (e) {
        if (over) return { ok: false, error: TOO_LARGE };
        if (controller.signal.aborted) return { ok: false, error: networkError(`no complete download within ${timeoutMs * 4} ms`, 'Timeout') };
        return { ok: false, error: networkError(e instanceof Error ? e.message : String(e)) };
      } finally {
        clearTimeout(timer);
      }
    },

    async listTemplates(wabaId, token, page) {
      const query: Record<string, string> = { fields: 'name,language,status,category,components', limit: String(page.limit) };
      if (page.after !== undefined) query.after = page.after;
      return call('GET', [pathSegment('phone_number_id', wabaId), 'message_templates'], token, templatesPage, undefined, query);
    },

    async sendMessage(phoneNumberId, token, body) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return { ok: false, error: clientError('message body must be an object') };
      }
      const r = await call('POST', [pathSegment('phone_number_id', phoneNumberId), 'messages'], token, sendMessageResponse, body);
      if (!r.ok) return r;
      const wamid = r.value.messages[0]?.id ?? '';
      const waId = r.value.contacts?.[0]?.wa_id;
      return { ok: true, value: waId === undefined ? { wamid } : { wamid, waId } };
    },

    async markRead(phoneNumberId, token, wamid, o = {}) {
      if (typeof wamid !== 'string' || wamid.length === 0 || wamid.length > 512) {
        return { ok: false, error: clientError('message id is empty or too long') };
      }
      const body: Record<string, unknown> = { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
      if (o.typingIndicator === true) body.typing_indicator = { type: 'text' };
      const r = await call('POST', [pathSegment('phone_number_id', phoneNumberId), 'messages'], token, successResponse, body);
      return r.ok ? { ok: true, value: true } : r;
    },

    async lookupPayment(phoneNumberId, token, paymentConfiguration, referenceId) {
      return call(
        'GET',
        [
          pathSegment('phone_number_id', phoneNumberId),
          'payments',
          pathSegment('configuration', paymentConfiguration),
          pathSegment('reference_id', referenceId),
        ],
        token,
        paymentLookupResponse,
      );
    },

    async refundPayment(phoneNumberId, token, input) {
      const a = input?.amount;
      if (typeof input !== 'object' || input === null || typeof a !== 'object' || a === null) {
        return { ok: false, error: clientError('refund input is missing') };
      }
      if (typeof input.referenceId !== 'string' || !REFERENCE_ID_PATTERN.test(input.referenceId)) {
        return { ok: false, error: clientError('invalid reference_id') };
      }
      if (typeof input.paymentConfigId !== 'string' || !CONFIG_NAME.test(input.paymentConfigId)) {
        return { ok: false, error: clientError('invalid payment_config_id') };
      }
      if (input.speed !== 'normal' && input.speed !== 'instant') return { ok: false, error: clientError('speed must be normal or instant') };
      if (!Number.isSafeInteger(a.value) || a.value <= 0) return { ok: false, error: clientError('refund amount must be a positive integer value') };
      if (!Number.isSafeInteger(a.offset) || !/^10*$/.test(String(a.offset))) return { ok: false, error: clientError('offset must be a power of 10') };
      if (typeof a.currency !== 'string' || !/^[A-Z]{3}$/.test(a.currency)) return { ok: false, error: clientError('invalid currency') };
      // Meta's example sends value and offset as strings; we follow it byte for byte.
      const body = {
        reference_id: input.referenceId,
        speed: input.speed,
        payment_config_id: input.paymentConfigId,
        amount: { currency: a.currency, value: String(a.value), offset: String(a.offset) },
      };
      return call('POST', [pathSegment('phone_number_id', phoneNumberId), 'payments_refund'], token, refundResponse, body);
    },

    async listCatalogProducts(catalogId, token, page) {
      if (!Number.isSafeInteger(page?.limit) || page.limit < 1 || page.limit > 1000) return { ok: false, error: clientError('limit must be 1 to 1000') };
      if (page.after !== undefined && (typeof page.after !== 'string' || !CURSOR.test(page.after)))
        return { ok: false, error: clientError('invalid after cursor') };
      const query = new URLSearchParams({ fields: CATALOG_PRODUCT_FIELDS.join(','), limit: String(page.limit) });
      if (page.after !== undefined) query.set('after', page.after);
      return call('GET', [pathSegment('phone_number_id', catalogId), 'products'], token, catalogProductsResponse, undefined, query);
    },
  };
}
